"""The review session: the coordinator of the decision loop.

It turns the reviewer's choices into decisions (core/decision_builder.py), queues them
in the write queue (core/write_queue.py) and has them written through ONE serial writer
thread (ui/write_runner.py), so decisions reach the database in the order they were
made and an undo never overtakes the decision it undoes. Where the reviewer is in the
queue is ui/navigation.py; the copy of unsaved writes on this computer (and taking over
the copies of earlier sessions) is ui/journal_copy.py.

Saving is optimistic for the *flow* but honest for the *state*: the window moves
to the next item at once, while the decision is shown as "saving…" until
``Store.record`` returns (its COMMIT is the acknowledgement) and only then as
"recorded". A retryable storage failure (locked, disk full, read-only) keeps the
decision in the write queue and retries it with backoff under the same uuid, which
makes the retry idempotent; a conflict (someone else decided the item) records
nothing and says who; a policy refusal brings the reviewer back to the item. Every
decision carries the time the reviewer made it, so a write saved late still says
when it was decided.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from moderator_gui.core.decision_builder import make_decision, refusal
from moderator_gui.core.domain import DecisionInput, EventKind, utcnow
from moderator_gui.core.journal import DecisionJournal, Orphan
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import QueueRow, Store
from moderator_gui.core.write_queue import BACKOFF_MS, SessionEntry, UndoAction
from moderator_gui.ui.message_text import message_text
from moderator_gui.ui.navigation import Navigation
from moderator_gui.ui.queue_model import QueueModel
from moderator_gui.ui.tasks import TaskRunner
from moderator_gui.ui.write_runner import WriteRunner

log = logging.getLogger(__name__)


class ReviewSession(QObject):
    """Current item + decide/skip/escalate/undo + the serial writer with its write queue."""

    current_changed = Signal(object)  # QueueRow | None
    select_requested = Signal(int)  # ask the queue view to select this model row
    banner = Signal(str, str, object)  # key, level ("error"|"warning"|"info"), message: a function making it (see banner.py)
    banner_cleared = Signal(str)  # key
    refused = Signal(str)  # a decision was not accepted: why (shown at the decision panel)
    recorded = Signal(object)  # RecordedEvent of a decide/skip/escalate
    entries_changed = Signal()
    write_finished = Signal()  # the write in flight was answered (committed, refused or failed)
    idle = Signal()  # nothing left to write
    local_state_changed = Signal(int, object)  # item id, "saving" | "failed" | None (the queue shows it)

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
        lead: bool = True,
    ) -> None:
        super().__init__(parent)
        self._lang = lang
        self._lead = lead  # may decide escalated items (solo desks and team leads)
        # Called with the items of adopted writes and the function that starts saving them.
        self.before_saving_adopted: Callable[[list[int], Callable[[], None]], None] | None = None
        self._model = model
        self._policy = policy
        self.reviewer = reviewer
        self.entries: list[SessionEntry] = []
        self._submitting = False
        self.started_at = utcnow()
        self._nav = Navigation(model, self)
        self._writes = WriteRunner(store, self._nav, lambda: self.reviewer, journal, self, backoff_ms=backoff_ms)
        self._queue, self._journal = self._writes.queue, self._writes.journal
        self._writes.local_state.connect(self.local_state_changed)
        for name in ("banner", "banner_cleared", "refused", "recorded", "entries_changed", "write_finished", "idle"):
            getattr(self._writes, name).connect(getattr(self, name))
        self._writes.kept_for_retry.connect(self._show_save_banner)
        self._journal.saved.connect(self._journal_saved)
        self._journal.failed.connect(self._journal_failed)
        self._nav.current_changed.connect(self.current_changed)
        self._nav.select_requested.connect(self.select_requested)

    # -- the current item ---------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self._lang = lang  # the policy's labels in messages

    @property
    def lang(self) -> str:
        return self._lang

    @property
    def lead(self) -> bool:
        return self._lead

    def shown_ms(self) -> int | None:
        """How long the current item has been on screen."""
        return self._nav.shown_ms()

    def advance(self) -> None:
        """On to the next open item (a batch was recorded: ui/cluster_batch.py)."""
        self._nav.advance()

    def run_batch(
        self, work: Callable[[], int], on_done: Callable[[int], None], on_error: Callable[[BaseException], None]
    ) -> None:
        """A batch write on the writer thread, after the writes started before it."""
        self._writes.run_batch(work, on_done, on_error)

    @property
    def current(self) -> QueueRow | None:
        return self._nav.current

    @property
    def current_row(self) -> int:
        """The current item's row in the queue model (-1: none)."""
        return self._nav.current_row

    def set_current_row(self, row: int) -> None:
        """The queue view selected ``row`` (or -1 for nothing)."""
        self._nav.set_current_row(row)

    def upcoming(self, count: int = 2) -> list[QueueRow]:
        """The next ``count`` items Enter will move to (to render ahead)."""
        return self._nav.upcoming(count)

    def move(self, delta: int) -> None:
        """J/K: go to the next/previous item without deciding."""
        self._nav.move(delta)

    def go_to_item(self, item_id: int) -> None:
        """Make this item the current one, if it is in the queue model (the lead console's
        "Open at my desk")."""
        self._nav.go_to_item(item_id)

    def taken_elsewhere(self, item_id: int) -> None:
        """Someone else got the item shown before this reviewer started on it: move on."""
        current = self._nav.current
        if current is not None and current.id == item_id and not self._queue.has_item(item_id):
            self._nav.advance()

    # -- deciding -------------------------------------------------------------------------------
    def record(self, category: str | None, actions: tuple[str, ...], note: str) -> str | None:
        """Decide the current item. Returns why it was refused (shown to the reviewer) or None."""
        return self._submit(EventKind.DECIDE, category, actions, note)

    def skip(self, note: str = "") -> str | None:
        return self._submit(EventKind.SKIP, None, (), note)

    def escalate(self, note: str) -> str | None:
        return self._submit(EventKind.ESCALATE, None, ("escalate",), note)

    def _submit(self, kind: EventKind, category: str | None, actions: tuple[str, ...], note: str) -> str | None:
        row = self._nav.current
        saving = row is not None and self._queue.has_item(row.id)
        why = refusal(
            self._policy, kind, category, actions, note, item=row, saving=saving, lang=self._lang,
            viewer=self.reviewer, lead=self._lead,
        )  # fmt: skip
        if why is not None:
            return message_text(why)
        assert row is not None
        inp = make_decision(row, kind, category, actions, note, reviewer=self.reviewer, time_spent_ms=self._nav.shown_ms())
        self._enqueue(inp, row.external_id)
        # The order is for speed. The next item is shown first (the window paints it at
        # once, alone: see paint_gate.py), the rest of the window is only marked for the
        # paint that follows the commit, and the write starts last, as this key's handler
        # returns: the commit then runs while the GUI thread is idle instead of competing
        # with it for the interpreter (interleaved, both took twice as long).
        self._submitting = True
        try:
            self._nav.advance()
        finally:
            self._submitting = False
        self.local_state_changed.emit(row.id, "saving")
        self.entries_changed.emit()
        self._writes.pump()
        self._journal.save()
        return None

    def keep_writing(self, decisions: list[tuple[DecisionInput, str]]) -> int:
        """Queue decisions made elsewhere (``(decision, external_id)``: a cluster batch whose
        transaction failed for a reason that may pass) as this session's own: each is then kept
        in the journal and retried like any decision, under its uuid (so a batch that did commit
        after all records nothing twice). An item with a write of its own queued meanwhile (the
        reviewer went back to it while the batch was on its way) keeps that one: it is the later
        decision, and the batch's would overwrite it. Returns how many were queued."""
        queued = 0
        for inp, external_id in decisions:
            if self._queue.has_item(inp.item_id):
                continue
            self._enqueue(inp, external_id)
            self.local_state_changed.emit(inp.item_id, "saving")
            queued += 1
        self.entries_changed.emit()
        self._writes.pump()
        self._journal.save()
        return queued

    def _enqueue(self, inp: DecisionInput, external_id: str) -> None:
        assert inp.decided_at is not None  # make_decision stamps it
        entry = SessionEntry(inp, external_id, made_at=inp.decided_at)
        self.entries.append(entry)
        self._queue.add(entry)

    def undo(self) -> str | None:
        """Undo this session's last decision still in force. Returns why not, or None."""
        entry = next((e for e in reversed(self.entries) if e.undoable), None)
        if entry is None:
            return self.tr("Nothing to undo in this session.")
        action = self._queue.undo(entry, self.reviewer)
        if action == UndoAction.CANCELLED:
            self._writes.sync_local_state(entry.inp.item_id)
            self._writes.after_change()
        else:
            self.local_state_changed.emit(entry.inp.item_id, "saving")
            self._writes.pump()
        self.entries_changed.emit()
        self._journal.save()
        self._nav.go_to_item(entry.inp.item_id)
        return None

    # -- the serial writer -------------------------------------------------------------------
    @property
    def unsaved(self) -> int:
        """Writes not yet committed (queued, in flight or waiting for a retry)."""
        return len(self._queue)

    @property
    def submitting(self) -> bool:
        """A decision was just made and the next item is being shown; its write starts next."""
        return self._submitting

    @property
    def waiting_for_retry(self) -> bool:
        return self._queue.waiting_for_retry

    def retry_now(self) -> None:
        self._writes.retry_now()

    # -- unsaved writes kept on this computer ---------------------------------------------------------
    @property
    def unsaved_are_kept(self) -> bool:
        """Every unsaved write is in the journal on this computer (quitting loses nothing)."""
        return not self._queue or self._journal.all_kept

    def _journal_saved(self) -> None:
        if self.waiting_for_retry:
            self._show_save_banner()

    def _journal_failed(self) -> None:
        if self._queue:
            self._show_save_banner()

    def _show_save_banner(self) -> None:
        self.banner.emit("save", "error", self._save_banner_text)

    def _save_banner_text(self) -> str:
        """Why writes are waiting and where they are kept, as things stand (and in the current language)."""
        n = len(self._queue)
        if self._journal.all_kept:
            text = self.tr("Not saved yet: %1 — %n decision(s) kept on this computer and retried automatically.", "", n)
        elif (error := self._journal.error) is not None:
            text = self.tr(
                "Not saved yet: %1 — %n decision(s) kept and retried, but only in memory (%2): do not quit.", "", n
            ).replace("%2", error)
        else:
            text = self.tr("Not saved yet: %1 — %n decision(s) kept and retried automatically.", "", n)
        last = self._queue.last_error
        return text.replace("%1", message_text(last) if last is not None else "")

    def adopt(self, orphans: list[Orphan]) -> None:
        """Take over the unsaved writes of earlier sessions that ended before saving them (found
        at start in their journals): they join the write queue and this session's journal and
        are saved like any other write, under their own ids, reviewers and times; the old
        journals are removed once this session's journal has been written. They are shown in
        the session list but are not this reviewer's to undo."""
        adopted = self._queue.adopt(w for o in orphans for w in o.writes)
        self.entries.extend(adopted.entries)
        for op in adopted.ops:
            self.local_state_changed.emit(op.item_id, "saving")
        self._journal.take_over(orphans)
        n = len(adopted.ops)
        if n:
            log.info("saving %d write(s) from earlier sessions", n)
            self.banner.emit(
                "adopted",
                "info",
                lambda: self.tr(
                    "Saving %n decision(s) made earlier on this computer that the database could not take then.", "", n
                ),
            )
        problems = [p for o in orphans for p in o.problems]
        if problems:
            log.error("unreadable journal entries: %s", "; ".join(problems))
            self.banner.emit(
                "adopted_damaged",
                "warning",
                lambda: self.tr("Some decisions kept from an earlier session could not be read and were not saved: %1").replace(
                    "%1", "; ".join(problems)
                ),
            )
        if n:
            self.entries_changed.emit()
            items = sorted({op.item_id for op in adopted.ops})
            if self.before_saving_adopted is not None:
                # This desk's own claims must not stand in the way of writes made here earlier
                # (perhaps under another reviewer's name): give those items back first.
                self.before_saving_adopted(items, self._writes.pump)
            else:
                self._writes.pump()

    def pending_items(self) -> set[int]:
        """Items this desk still has writes of (queued, in flight, waiting for a retry)."""
        return {op.item_id for op in self._queue}

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop retrying and wait for the write in flight (its commit is all-or-nothing)."""
        self._writes.shutdown(timeout_ms)
