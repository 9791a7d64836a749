"""The review session: the controller of the decision loop.

It knows the current item, turns the reviewer's choices into ``DecisionInput``s
and writes them through ONE serial writer, so decisions reach the database in
the order they were made and an undo never overtakes the decision it undoes.

Saving is optimistic for the *flow* but honest for the *state*: the window moves
to the next item at once, while the decision is shown as "saving…" until
``Store.record`` returns (its COMMIT is the acknowledgement) and only then as
"recorded". A retryable storage failure (locked, disk full, read-only) keeps the
decision in the outbox and retries it with backoff under the same uuid, which
makes the retry idempotent; a conflict (someone else decided the item) records
nothing and says who; a policy refusal brings the reviewer back to the item.

From the first retryable failure until everything is saved, the unsaved writes are
also kept in a journal on this computer (core/journal.py), written by the writer
thread: a crash or quitting during an outage loses nothing, and the next start
saves them (:meth:`ReviewSession.adopt`). Every decision carries the time the
reviewer made it, so a write saved late still says when it was decided.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import uuid4

from PySide6.QtCore import (
    QCoreApplication,
    QElapsedTimer,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor

from moderator_gui.core.domain import DecisionInput, EventKind, utcnow
from moderator_gui.core.journal import Orphan, DecisionJournal, PendingWrite
from moderator_gui.core.policy import Policy, PolicyError
from moderator_gui.core.store import (
    ConflictError,
    NotFoundError,
    QueueRow,
    RecordedEvent,
    Store,
    StoreError,
)
from moderator_gui.ui.queue_model import QueueModel
from moderator_gui.ui.row_list_model import RowListModel
from moderator_gui.ui.tasks import SerialWorker, TaskRunner

log = logging.getLogger(__name__)

# A write still unanswered after this long is kept in the journal before it fails.
SLOW_WRITE_MS = 1_000
# Retry delays after a retryable failure; the last one repeats.
BACKOFF_MS: tuple[int, ...] = (1_000, 2_000, 5_000, 10_000, 30_000)


class EntryState(StrEnum):
    SAVING = "saving"  # submitted, waiting for the commit
    RETRYING = "retrying"  # a retryable failure; kept in the outbox
    RECORDED = "recorded"  # committed
    CONFLICT = "conflict"  # someone else changed the item; nothing recorded
    REJECTED = "rejected"  # refused by the policy/store; nothing recorded
    UNDOING = "undoing"  # its revert is queued or being written
    UNDONE = "undone"  # recorded, then reverted
    CANCELLED = "cancelled"  # undone before it was ever written


@dataclass
class SessionEntry:
    """One decision of this session, as the reviewer sees it in the session history."""

    inp: DecisionInput
    external_id: str
    state: EntryState = EntryState.SAVING
    message: str = ""
    made_at: datetime = field(default_factory=utcnow)
    adopted: bool = False  # made in an earlier session (found in its journal), maybe by someone else

    @property
    def undoable(self) -> bool:
        """Ctrl+Z may undo it: this session made it and it is (or will be) in force."""
        return not self.adopted and self.state in (EntryState.SAVING, EntryState.RETRYING, EntryState.RECORDED)


@dataclass
class _Op:
    """A queued write: a decision, or the revert of one (with its own, stable uuid)."""

    entry: SessionEntry
    revert_uuid: str | None = None
    revert_reviewer: str | None = None  # who undid it, and when (an undo saved late keeps both)
    revert_at: datetime | None = None
    attempts: int = 0

    @property
    def pending(self) -> PendingWrite:
        """This write as the journal keeps it."""
        e = self.entry
        return PendingWrite(e.inp, e.external_id, self.revert_uuid, self.revert_reviewer, self.revert_at)


class ReviewSession(QObject):
    """Current item + decide/skip/escalate/undo + the serial writer with its outbox."""

    current_changed = Signal(object)  # QueueRow | None
    select_requested = Signal(int)  # ask the queue view to select this model row
    banner = Signal(str, str, object)  # key, level ("error"|"warning"|"info"), message: a function making it (see banner.py)
    banner_cleared = Signal(str)  # key
    refused = Signal(str)  # a decision was not accepted: why (shown at the decision panel)
    recorded = Signal(object)  # RecordedEvent of a decide/skip/escalate
    entries_changed = Signal()
    write_finished = Signal()  # the write in flight was answered (committed, refused or failed)
    idle = Signal()  # nothing left to write

    def __init__(
        self,
        store: Store,
        reads: TaskRunner,
        model: QueueModel,
        policy: Policy,
        reviewer: str,
        parent: QObject | None = None,
        *,
        backoff_ms: tuple[int, ...] = BACKOFF_MS,
        lang: str = "en",
        journal: DecisionJournal | None = None,
    ) -> None:
        super().__init__(parent)
        self._lang = lang
        self._journal = journal if journal is not None and journal.is_open else None
        self._journalling = False  # the outbox is mirrored in the journal (after a retryable failure)
        self._journal_seq = 0  # snapshots asked for
        self._journal_saved = -1  # the last snapshot written
        self._journal_error: str | None = None
        self._journal_key: tuple[tuple[str, str | None], ...] | None = None  # the writes last sent to the journal
        self._retire: Callable[[], None] | None = None  # removes journals taken over, once ours is written
        self._last_error = ""  # the latest retryable failure, for the banner
        self._store = store
        self._reads = reads
        self._model = model
        self._policy = policy
        self.reviewer = reviewer
        self._backoff = backoff_ms
        # ONE writer thread: decisions commit in the order they were made. Its answers are
        # delivered ahead of repaints: the reviewer sees "recorded" as soon as COMMIT returns.
        self._writer = SerialWorker(self, name="decision-writer", priority=Qt.EventPriority.HighEventPriority)
        # The journal has its own thread: its saves never wait behind a write that hangs.
        self._journal_worker = SerialWorker(self, name="decision-journal") if self._journal is not None else None
        self._slow = QTimer(self)
        self._slow.setSingleShot(True)
        self._slow.setInterval(SLOW_WRITE_MS)
        self._slow.timeout.connect(self._write_is_slow)
        self._outbox: deque[_Op] = deque()
        self._in_flight: _Op | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._pump)
        self.entries: list[SessionEntry] = []
        self._known_head: dict[int, str | None] = {}  # heads our own writes produced
        self._current: QueueRow | None = None
        self._current_row = -1
        self._shown = QElapsedTimer()
        self._advance_pending = False
        self._submitting = False
        self.started_at = utcnow()
        model.modelReset.connect(self._on_model_reset)
        model.page_loaded.connect(self._on_page_loaded)

    # -- the current item ---------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self._lang = lang  # the policy's labels in messages

    @property
    def current(self) -> QueueRow | None:
        return self._current

    @property
    def current_row(self) -> int:
        """The current item's row in the queue model (-1: none)."""
        return self._current_row

    def set_current_row(self, row: int) -> None:
        """The queue view selected ``row`` (or -1 for nothing)."""
        new = self._model.row_at(row) if 0 <= row < self._model.rowCount() else None
        self._current_row = row if new is not None else -1
        if new is not None and self._current is not None and new.id == self._current.id:
            self._current = new  # same item, fresher row: keep the timer running
            return
        if new is None and self._current is None:
            return
        self._current = new
        self._shown.start()
        self.current_changed.emit(new)

    def _go_to(self, row: int) -> None:
        """Make ``row`` (-1: none) the current item, then have the queue view follow.

        The session says first, so the window shows the item before the queue view
        repaints its selection; the view's echo (``set_current_row`` of the same
        item) changes nothing.
        """
        self.set_current_row(row)
        self.select_requested.emit(self._current_row)

    def upcoming(self, count: int = 2) -> list[QueueRow]:
        """The next ``count`` items Enter will move to: what to render ahead while the reviewer
        looks at this one (two, so that a reviewer clearing obvious items at a second each
        never waits for a render)."""
        rows: list[QueueRow] = []
        r = self._current_row
        while len(rows) < count and (r := self._model.next_open(r)) is not None:
            rows.append(self._model.row_at(r))
        return rows

    def move(self, delta: int) -> None:
        """J/K: go to the next/previous item without deciding."""
        target = max(0, self._current_row + delta) if self._current_row >= 0 else 0
        if self._model.has_row_or_fetch(target):
            self._go_to(target)

    def _advance(self) -> None:
        nxt = self._model.next_open(self._current_row)
        if nxt is not None:
            self._go_to(nxt)
            return
        if self._model.canFetchMore():
            self._advance_pending = True
            self._model.fetchMore()
        else:
            self._go_to(-1)

    def _on_page_loaded(self, _rows: int) -> None:
        if self._advance_pending:
            self._advance_pending = False
            self._advance()
        elif self._current is None and self._model.rowCount() > 0:
            self._go_to(0)

    def _on_model_reset(self) -> None:
        self._current_row = -1
        self._advance_pending = False
        if self._current is not None:
            self._current = None
            self.current_changed.emit(None)

    # -- deciding ---------------------------------------------------------------------------
    def record(self, category: str | None, actions: tuple[str, ...], note: str) -> str | None:
        """Decide the current item. Returns why it was refused (shown to the reviewer) or None."""
        if category is None:
            return self.tr("Choose a category (1–7) or No violation (0) first.")
        return self._submit(EventKind.DECIDE, category, actions, note)

    def skip(self, note: str = "") -> str | None:
        return self._submit(EventKind.SKIP, None, (), note)

    def escalate(self, note: str) -> str | None:
        if not note.strip():
            return self.tr("Escalating needs a note for the team lead: type it, then press E or Enter again.")
        return self._submit(EventKind.ESCALATE, None, ("escalate",), note)

    def _submit(self, kind: EventKind, category: str | None, actions: tuple[str, ...], note: str) -> str | None:
        row = self._current
        if row is None:
            return self.tr("No item is selected.")
        if self._model.local_state(row.id) is not None:
            return self.tr("This item's last decision is still being saved.")
        try:
            if "note" in self._policy.required_fields(category, actions) and not note.strip():
                return self._note_required(category, actions)
            self._policy.validate_decision(category, actions, note)
        except PolicyError as exc:
            return str(exc)
        inp = DecisionInput(
            item_id=row.id,
            kind=kind,
            reviewer=self.reviewer,
            category=category,
            actions=actions,
            note=note.strip(),
            time_spent_ms=self._shown.elapsed() if self._shown.isValid() else None,
            expected_head=row.head_event,
            uuid=str(uuid4()),
            decided_at=utcnow(),  # when the reviewer decided, even if it is saved later
        )
        entry = SessionEntry(inp, row.external_id, made_at=inp.decided_at)
        self.entries.append(entry)
        self._outbox.append(_Op(entry))
        # The order is for speed. The next item is shown first (the window paints it at
        # once, alone: see paint_gate.py), the rest of the window is only marked for the
        # paint that follows the commit, and the write starts last, as this key's handler
        # returns: the commit then runs while the GUI thread is idle instead of competing
        # with it for the interpreter (interleaved, both took twice as long).
        self._submitting = True
        try:
            self._advance()
        finally:
            self._submitting = False
        self._model.set_local_state(row.id, "saving")
        self.entries_changed.emit()
        self._pump()
        self._save_journal()
        return None

    def _note_required(self, category: str | None, actions: tuple[str, ...]) -> str:
        """Why a decision without a note is refused, with the policy's labels in the reviewer's language."""
        names = []
        if category is not None and "note" in self._policy.category(category).requires:
            names.append(self._policy.category(category).label.get(self._lang))
        names += [self._policy.action(a).label.get(self._lang) for a in actions if "note" in self._policy.action(a).requires]
        joined = "、".join(names) if self._lang.startswith("zh") else ", ".join(names)
        return self.tr("A note is required for: %1").replace("%1", joined)

    def undo(self) -> str | None:
        """Undo this session's last decision still in force. Returns why not, or None."""
        entry = next((e for e in reversed(self.entries) if e.undoable), None)
        if entry is None:
            return self.tr("Nothing to undo in this session.")
        queued = next((op for op in self._outbox if op.entry is entry and op.revert_uuid is None), None)
        if queued is not None and self._in_flight is not queued and queued.attempts == 0:
            # Never tried: drop it from the outbox instead of writing and reverting it.
            self._outbox.remove(queued)
            entry.state = EntryState.CANCELLED
            self._sync_local_state(entry.inp.item_id)
            self._after_outbox_change()
        elif queued is not None and self._in_flight is not queued:
            # Tried and waiting for a retry: a retryable failure can come after a COMMIT that did
            # succeed, so whether it was written is unknown. Stop retrying it and queue its revert
            # in its place: it undoes the decision if it was written, else finds nothing (cancelled).
            entry.state = EntryState.UNDOING
            index = self._outbox.index(queued)
            self._outbox[index] = self._revert_op(entry)
            self._model.set_local_state(entry.inp.item_id, "saving")
            self._pump()
        else:
            entry.state = EntryState.UNDOING  # a second Ctrl+Z undoes the decision before this one
            self._model.set_local_state(entry.inp.item_id, "saving")
            self._outbox.append(self._revert_op(entry))
            self._pump()
        self.entries_changed.emit()
        self._save_journal()
        row = self._model.row_of(entry.inp.item_id)
        if row is not None:
            self._go_to(row)
        return None

    def _revert_op(self, entry: SessionEntry) -> _Op:
        """The undo of ``entry`` by this reviewer, now (its own uuid, stable across retries)."""
        return _Op(entry, revert_uuid=str(uuid4()), revert_reviewer=self.reviewer, revert_at=utcnow())

    # -- the serial writer -------------------------------------------------------------------
    @property
    def unsaved(self) -> int:
        """Writes not yet committed (queued, in flight or waiting for a retry)."""
        return len(self._outbox)

    @property
    def submitting(self) -> bool:
        """A decision was just made and the next item is being shown; its write starts next."""
        return self._submitting

    @property
    def waiting_for_retry(self) -> bool:
        return self._retry.isActive()

    def retry_now(self) -> None:
        self._retry.stop()
        self._pump()

    def _pump(self) -> None:
        if self._in_flight is not None or not self._outbox or self._retry.isActive():
            return
        op = self._outbox[0]
        entry = op.entry
        store, reviewer = self._store, self.reviewer
        if op.revert_uuid is not None:
            if entry.state in (EntryState.CONFLICT, EntryState.REJECTED, EntryState.CANCELLED):
                self._outbox.popleft()  # its decision never got recorded: nothing to revert
                self._sync_local_state(entry.inp.item_id)
                self._after_outbox_change()
                return
            target, item_id, revert_uuid = entry.inp.uuid, entry.inp.item_id, op.revert_uuid
            undoer, undone_at = op.revert_reviewer or reviewer, op.revert_at

            def work() -> tuple[RecordedEvent | None, QueueRow | None, bool]:
                try:
                    ev: RecordedEvent | None = store.revert(target, undoer, uuid=revert_uuid, decided_at=undone_at)
                except ConflictError:
                    ev = None  # already undone (e.g. by an earlier attempt whose reply was lost)
                except NotFoundError:
                    return None, store.item(item_id), True  # the decision was never written
                return ev, store.item(item_id), False

        else:
            inp = entry.inp
            if inp.item_id in self._known_head:
                inp = replace(inp, expected_head=self._known_head[inp.item_id])

            def work() -> tuple[RecordedEvent | None, QueueRow | None, bool]:
                return store.record(inp), None, False

        self._in_flight = op
        op.attempts += 1
        self._writer.run(work, on_done=self._write_done, on_error=self._write_failed, label="record")
        self._slow.start()

    def _sync_local_state(self, item_id: int) -> None:
        """The row reads "saving…" while any write of this item is still queued."""
        queued = any(op.entry.inp.item_id == item_id for op in self._outbox)
        self._model.set_local_state(item_id, "saving" if queued else None)

    def _write_done(self, result: tuple[RecordedEvent | None, QueueRow | None, bool]) -> None:
        self._slow.stop()
        op = self._finish_op()
        ev, fresh, never_written = result
        entry = op.entry
        item_id = entry.inp.item_id
        self._sync_local_state(item_id)
        if op.revert_uuid is not None:
            entry.state = EntryState.CANCELLED if never_written else EntryState.UNDONE
            assert fresh is not None
            if never_written:
                log.info("undone before saving: %s item=%s", entry.inp.uuid, item_id)
            elif ev is not None:
                log.info("reverted %s by %s item=%s", ev.reverts, ev.uuid, ev.item_id)
            else:
                log.info("reverted %s (already undone) item=%s", entry.inp.uuid, item_id)
            self._known_head[item_id] = fresh.head_event
            self._model.replace_row(fresh)
            if self._current is not None and self._current.id == item_id:
                self._current = fresh
        else:
            assert ev is not None
            log.info("recorded %s %s item=%s", ev.kind, ev.uuid, ev.item_id)
            if entry.state != EntryState.UNDOING:  # an undo queued meanwhile keeps its state
                entry.state = EntryState.RECORDED
            self._known_head[item_id] = ev.uuid
            self._model.update_status(item_id, ev.item_status.value, ev.uuid)
            if not entry.adopted:  # (not this reviewer's work: no break reminder count)
                self.recorded.emit(ev)
        self.banner_cleared.emit("save")
        self._after_outbox_change()
        self.write_finished.emit()

    def _write_failed(self, exc: BaseException) -> None:
        self._slow.stop()
        op = self._in_flight
        assert op is not None
        entry = op.entry
        item_id = entry.inp.item_id
        if isinstance(exc, StoreError) and exc.retryable:
            self._in_flight = None
            if op.revert_uuid is None and entry.state != EntryState.UNDOING:
                # An undo stays "undoing" while it (or the decision it waits for) is retried.
                entry.state = EntryState.RETRYING
            entry.message = exc.message
            self._last_error = exc.message
            self._model.set_local_state(item_id, "failed")
            delay = self._backoff[min(op.attempts - 1, len(self._backoff) - 1)]
            self._retry.start(delay)
            self._journalling = self._journal is not None
            self._save_journal()
            self._show_save_banner()
            self.entries_changed.emit()
            self.write_finished.emit()
            return
        self._finish_op()
        self._sync_local_state(item_id)
        message = exc.message if isinstance(exc, StoreError) else repr(exc)
        entry.message = message
        if not isinstance(exc, StoreError):
            log.error("unexpected error while saving: %s", getattr(exc, "__traceback_text__", repr(exc)))
        if op.revert_uuid is not None:
            entry.state = EntryState.RECORDED  # the decision is still in force
            self.banner.emit("conflict", "warning", lambda: self.tr("Could not undo: %1").replace("%1", message))
        elif isinstance(exc, ConflictError):
            entry.state = EntryState.CONFLICT
            self.banner.emit("conflict", "warning", lambda: self.tr("Not recorded: %1").replace("%1", message))
        else:
            entry.state = EntryState.REJECTED
            self.banner.emit("invalid", "error", lambda: self.tr("Not recorded: %1").replace("%1", message))
            row = self._model.row_of(item_id)
            if row is not None:
                self._go_to(row)
            self.refused.emit(message)
        self._refresh_item(item_id)
        self._after_outbox_change()
        self.write_finished.emit()

    # -- the journal of unsaved writes ----------------------------------------------------------
    def _write_is_slow(self) -> None:
        """The database has not answered for SLOW_WRITE_MS (a lock, a server that does not
        answer): keep the unsaved writes on this computer now, not only once it gives up."""
        if self._in_flight is not None and self._journal is not None and not self._journalling:
            log.warning("the database has not answered for %d ms; keeping the unsaved writes on this computer", SLOW_WRITE_MS)
            self._journalling = True
            self._save_journal()

    def _save_journal(self) -> None:
        """Mirror the outbox in the journal, on the journal's own thread (never behind a write
        that hangs); ``seq`` keeps a late save from overwriting a newer one."""
        journal, worker = self._journal, self._journal_worker
        if journal is None or worker is None or not self._journalling:
            return
        key = tuple((op.entry.inp.uuid, op.revert_uuid) for op in self._outbox)
        if key == self._journal_key:
            return  # the same writes (a retry failed again): the file already says this
        self._journal_key = key
        snapshot = [op.pending for op in self._outbox]
        self._journal_seq += 1
        seq = self._journal_seq
        if not snapshot:
            self._journalling = False  # everything is saved: the journal goes
            self._journal_key = None
        worker.run(
            lambda: journal.save(snapshot, seq),
            on_done=lambda written: self._journal_written(seq, len(snapshot) if written else None),
            on_error=self._journal_failed,
            label="journal",
        )

    def _journal_written(self, seq: int, count: int | None) -> None:
        if count:
            log.info("kept %d unsaved write(s) in %s", count, self._journal.path if self._journal else "?")
        self._journal_saved = max(self._journal_saved, seq)
        self._journal_error = None
        retire, self._retire = self._retire, None
        if retire is not None and self._journal_worker is not None:
            # The writes taken over from earlier sessions are in this session's journal (or
            # saved in the database): their old journals can go.
            self._journal_worker.run(retire, on_error=lambda exc: log.error("cannot remove old journals: %s", exc), label="retire")
        if self.waiting_for_retry:
            self._show_save_banner()

    def _journal_failed(self, exc: BaseException) -> None:
        self._journal_error = getattr(exc, "strerror", None) or str(exc)
        self._journal_key = None  # the next change, or the next failed retry, tries again
        log.error("cannot keep the unsaved decisions on this computer: %s", exc)
        if self._outbox:
            self._show_save_banner()

    @property
    def unsaved_are_kept(self) -> bool:
        """Every unsaved write is in the journal on this computer (quitting loses nothing)."""
        return not self._outbox or (self._journal is not None and self._journal_error is None and self._journal_saved == self._journal_seq)

    def _show_save_banner(self) -> None:
        self.banner.emit("save", "error", self._save_banner_text)

    def _save_banner_text(self) -> str:
        """Why writes are waiting and where they are kept, as things stand (and in the current language)."""
        n = len(self._outbox)
        if self._journal is not None and self._journal_error is None and self._journal_saved == self._journal_seq:
            text = self.tr("Not saved yet: %1 — %n decision(s) kept on this computer and retried automatically.", "", n)
        elif self._journal_error is not None:
            text = self.tr(
                "Not saved yet: %1 — %n decision(s) kept and retried, but only in memory (%2): do not quit.", "", n
            ).replace("%2", self._journal_error)
        else:
            text = self.tr("Not saved yet: %1 — %n decision(s) kept and retried automatically.", "", n)
        return text.replace("%1", self._last_error)

    def adopt(self, orphans: list[Orphan]) -> None:
        """Take over the unsaved writes of earlier sessions that ended before saving them (found
        at start in their journals): they join the outbox and this session's journal and are
        saved like any other write, under their own ids, reviewers and times; the old journals
        are removed once this session's journal has been written. They are shown in the
        session list but are not this reviewer's to undo."""
        journal = self._journal
        seen: set[tuple[str, str | None]] = set()
        writes = []
        for w in (w for o in orphans for w in o.writes):
            if (w.decision.uuid, w.revert_uuid) not in seen:  # a crash while taking over: in two journals
                seen.add((w.decision.uuid, w.revert_uuid))
                writes.append(w)
        problems = [p for o in orphans for p in o.problems]
        by_uuid: dict[str, SessionEntry] = {}
        for w in writes:
            entry = by_uuid.get(w.decision.uuid)  # an undo queued behind its own decision: one entry
            if entry is None:
                entry = SessionEntry(w.decision, w.external_id, made_at=w.decision.decided_at or utcnow(), adopted=True)
                entry.message = self.tr("made in an earlier session, not saved then")
                by_uuid[w.decision.uuid] = entry
                self.entries.append(entry)
            if w.revert_uuid is not None:
                entry.state = EntryState.UNDOING
            self._outbox.append(_Op(entry, w.revert_uuid, w.revert_reviewer, w.reverted_at))
            self._model.set_local_state(w.decision.item_id, "saving")
        if journal is not None and orphans:
            damaged = [o for o in orphans if o.problems]
            intact = [o for o in orphans if not o.problems]

            def retire() -> None:
                for o in intact:
                    journal.forget(o)
                for o in damaged:  # kept for a person to look at, never taken over twice
                    o.journal.replace(o.journal.with_name(o.journal.name + ".damaged"))
                    journal.forget(o)

            self._retire = retire
            self._journalling = True
            self._journal_key = None
            self._save_journal()  # empty if there was nothing to take over: it retires all the same
        if writes:
            log.info("saving %d write(s) from earlier sessions", len(writes))
            n = len(writes)
            self.banner.emit(
                "adopted",
                "info",
                lambda: self.tr("Saving %n decision(s) made earlier on this computer that the database could not take then.", "", n),
            )
        if problems:
            log.error("unreadable journal entries: %s", "; ".join(problems))
            self.banner.emit(
                "adopted_damaged",
                "warning",
                lambda: self.tr("Some decisions kept from an earlier session could not be read and were not saved: %1").replace(
                    "%1", "; ".join(problems)
                ),
            )
        if writes:
            self.entries_changed.emit()
            self._pump()

    def _finish_op(self) -> _Op:
        op = self._in_flight
        assert op is not None and self._outbox and self._outbox[0] is op
        self._outbox.popleft()
        self._in_flight = None
        return op

    def _after_outbox_change(self) -> None:
        self._save_journal()
        self.entries_changed.emit()
        if self._outbox:
            self._pump()
        else:
            self.banner_cleared.emit("save")
            self.banner_cleared.emit("adopted")
            self.idle.emit()

    def _refresh_item(self, item_id: int) -> None:
        """Show the item as the database has it now (after a conflict or refusal)."""
        store = self._store

        def arrived(row: QueueRow) -> None:
            self._known_head.pop(item_id, None)
            self._model.replace_row(row)
            if self._current is not None and self._current.id == item_id:
                self._current = row

        # Best effort: if this read fails too, the row keeps its last known state and the
        # banner has already said what happened.
        self._reads.run(lambda: store.item(item_id), on_done=arrived, on_error=lambda _e: None, label="item")

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop retrying and wait for the write in flight (its commit is all-or-nothing)."""
        self._retry.stop()
        self._slow.stop()
        self._writer.shutdown(timeout_ms)
        if self._journal_worker is not None:
            self._journal_worker.shutdown(timeout_ms)  # after the writer: its last saves are queued


class SessionHistoryModel(RowListModel[SessionEntry]):
    """This reviewer's decisions of this session, newest first, with their saving state."""

    COLUMNS = 3  # item, decision, state

    def __init__(self, session: ReviewSession, policy: Policy, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._policy = policy
        self._lang = lang
        session.entries_changed.connect(self._reload)

    def _reload(self) -> None:
        new = list(reversed(self._session.entries))
        added = len(new) - len(self._rows)
        if added > 0 and (not self._rows or new[added] is self._rows[0]):
            # The session only appends: new entries go on top. Inserting them (rather than
            # resetting) spares the view a relayout of every row on each decision.
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._rows = new
            self.endInsertRows()
        elif added != 0:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
        else:
            self._rows = new
        if len(new) > added > -1 and new:
            # Saving states of the older entries may have changed too.
            self.dataChanged.emit(self.index(added, 0), self.index(len(new) - 1, self.COLUMNS - 1))

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Item"), self.tr("Decision"), self.tr("State"))

    def set_language(self, lang: str) -> None:
        self._lang = lang  # policy labels
        self.retranslate()

    def decision_text(self, entry: SessionEntry) -> str:
        inp = entry.inp
        if inp.kind == EventKind.SKIP:
            return self.tr("Skip")
        if inp.kind == EventKind.ESCALATE:
            return self.tr("Escalate")
        if inp.category and self._policy.has_category(inp.category):
            return self._policy.category(inp.category).label.get(self._lang)
        return inp.category or ""

    def state_text(self, entry: SessionEntry) -> str:
        return {
            EntryState.SAVING: self.tr("saving…"),
            EntryState.RETRYING: self.tr("not saved yet — retrying"),
            EntryState.RECORDED: self.tr("recorded"),
            EntryState.CONFLICT: self.tr("conflict — not recorded"),
            EntryState.REJECTED: self.tr("refused — not recorded"),
            EntryState.UNDOING: self.tr("undoing…"),
            EntryState.UNDONE: self.tr("undone"),
            EntryState.CANCELLED: self.tr("undone before saving"),
        }[entry.state]

    def entry(self, row: int) -> SessionEntry:
        return self._rows[row]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (e.external_id, self.decision_text(e), self.state_text(e))[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            when = e.made_at.astimezone().strftime("%H:%M:%S")
            return f"{when}\n{e.message}" if e.message else when
        if role == Qt.ItemDataRole.ForegroundRole and col == 2:
            if e.state in (EntryState.RETRYING, EntryState.CONFLICT, EntryState.REJECTED):
                return QColor(220, 38, 38)
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == 1 and e.inp.category:
            if self._policy.has_category(e.inp.category):
                return QColor(self._policy.category(e.inp.category).colour)
        return None


def tr_kind(kind: str) -> str:
    """A translated name of an event kind (for history lists)."""
    names = {
        "decide": QCoreApplication.translate("ReviewSession", "decided"),
        "skip": QCoreApplication.translate("ReviewSession", "skipped"),
        "escalate": QCoreApplication.translate("ReviewSession", "escalated"),
        "revert": QCoreApplication.translate("ReviewSession", "undone"),
    }
    return names.get(kind, kind)
