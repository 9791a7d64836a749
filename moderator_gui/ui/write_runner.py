"""Runs the write queue (core/write_queue.py): ONE writer thread, the retry timer, and what
each answer changes on screen (the queue row's state, the banners, the item shown).

The queue decides what to write next and what an answer means; this runs each write on
the writer thread (a :class:`~moderator_gui.ui.tasks.SerialWorker`: decisions commit in
the order they were made), reports the answer back to the queue, and keeps the queue
model and the journal copy (:class:`~moderator_gui.ui.journal_copy.JournalCopy`) in step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from moderator_gui.core.changes import Changes, Origin
from moderator_gui.core.journal import DecisionJournal
from moderator_gui.core.store import Store
from moderator_gui.core.write_queue import BACKOFF_MS, Outcome, WriteQueue, WriteResult
from moderator_gui.ui.journal_copy import JournalCopy
from moderator_gui.ui.message_text import message_text
from moderator_gui.ui.navigation import Navigation
from moderator_gui.ui.tasks import SerialWorker

# The desk's log of acknowledged writes ("recorded decide <uuid> item=<id>"): its name is
# what operators and the end-to-end test read, from when this lived in review_session.py.
log = logging.getLogger("moderator_gui.ui.review_session")


class WriteRunner(QObject):
    """The session's writer: see :class:`~moderator_gui.ui.review_session.ReviewSession` for the signals."""

    banner = Signal(str, str, object)
    banner_cleared = Signal(str)
    refused = Signal(str)
    recorded = Signal(object)
    entries_changed = Signal()
    write_finished = Signal()
    idle = Signal()
    kept_for_retry = Signal()  # a write failed and waits for its retry: the save banner says why
    local_state = Signal(int, object)  # item id, "saving" | "failed" | None: this desk's writes of it

    def __init__(
        self,
        store: Store,
        nav: Navigation,
        reviewer: Callable[[], str],
        journal: DecisionJournal | None,
        parent: QObject | None = None,
        *,
        backoff_ms: tuple[int, ...] = BACKOFF_MS,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._nav = nav
        self._reviewer = reviewer
        # ONE writer thread: decisions commit in the order they were made. Its answers are
        # delivered ahead of repaints: the reviewer sees "recorded" as soon as COMMIT returns.
        self._writer = SerialWorker(self, name="decision-writer", priority=Qt.EventPriority.HighEventPriority)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.retry_now)
        self.queue = WriteQueue(schedule_retry=self._retry.start, cancel_retry=self._retry.stop, backoff_ms=backoff_ms)
        self.journal = JournalCopy(journal, self.queue, self)

    def retry_now(self) -> None:
        self.queue.cancel_retry()
        self.pump()

    def pump(self) -> None:
        """Start the next write, if one may start now."""
        dropped = self.queue.drop_needless_revert()
        if dropped is not None:  # its decision never got recorded: nothing to revert
            self.sync_local_state(dropped.item_id)
            self.after_change()
            return
        write = self.queue.start(self._reviewer())
        if write is None:
            return
        store = self._store
        self._writer.run(lambda: write.perform(store), on_done=self._write_done, on_error=self._write_failed, label="record")
        self.journal.write_started()

    def run_batch(
        self, work: Callable[[], int], on_done: Callable[[int], None], on_error: Callable[[BaseException], None]
    ) -> None:
        """Run ``work`` (a batch of decisions or their undo, one transaction) on the writer thread."""
        self._writer.run(work, on_done=on_done, on_error=on_error, label="batch")

    def sync_local_state(self, item_id: int) -> None:
        """The row reads "saving…" while any write of this item is still queued."""
        self.local_state.emit(item_id, "saving" if self.queue.has_item(item_id) else None)

    def after_change(self) -> None:
        """The queue changed: mirror it, show it, and go on with the next write (or say all is saved)."""
        self.journal.save()
        self.entries_changed.emit()
        if self.queue:
            self.pump()
        else:
            self.banner_cleared.emit("save")
            self.banner_cleared.emit("adopted")
            self.idle.emit()

    def _write_done(self, result: WriteResult) -> None:
        self.journal.write_answered()
        op = self.queue.succeeded(result)
        entry, item_id, ev = op.entry, op.item_id, result.event
        self.sync_local_state(item_id)
        if op.is_revert:
            if result.never_written:
                log.info("undone before saving: %s item=%s", entry.inp.uuid, item_id)
            elif ev is not None:
                log.info("reverted %s by %s item=%s", ev.reverts, ev.uuid, ev.item_id)
            else:
                log.info("reverted %s (already undone) item=%s", entry.inp.uuid, item_id)
        else:
            assert ev is not None
            log.info("recorded %s %s item=%s", ev.kind, ev.uuid, ev.item_id)
            # (The row shows the new status through the store's change event, like any change.)
            if not entry.adopted:  # (not this reviewer's work: no break reminder count)
                self.recorded.emit(ev)
        self.banner_cleared.emit("save")
        self.after_change()
        self.write_finished.emit()

    def _write_failed(self, exc: BaseException) -> None:
        self.journal.write_answered()
        failure = self.queue.failed(exc)
        item_id, reason = failure.op.item_id, failure.reason
        if failure.outcome == Outcome.RETRY:
            self.local_state.emit(item_id, "failed")
            self.journal.keep()
            self.kept_for_retry.emit()
            self.entries_changed.emit()
            self.write_finished.emit()
            return
        self.sync_local_state(item_id)
        if failure.unexpected:
            log.error("unexpected error while saving: %s", getattr(exc, "__traceback_text__", repr(exc)))
        if failure.outcome == Outcome.UNDO_FAILED:
            self.banner.emit("conflict", "warning", lambda: self.tr("Could not undo: %1").replace("%1", message_text(reason)))
        elif failure.outcome == Outcome.CONFLICT:
            self.banner.emit("conflict", "warning", lambda: self.tr("Not recorded: %1").replace("%1", message_text(reason)))
        else:
            self.banner.emit("invalid", "error", lambda: self.tr("Not recorded: %1").replace("%1", message_text(reason)))
            self._nav.go_to_item(item_id)
            self.refused.emit(message_text(reason))
        self._refresh_item(item_id)
        self.after_change()
        self.write_finished.emit()

    def _refresh_item(self, item_id: int) -> None:
        """A conflict or refusal: the item changed elsewhere. Say so like any change from
        elsewhere; the views read it again (best effort: if that read fails too, the row keeps
        its last known state and the banner has already said what happened)."""
        self.queue.forget_head(item_id)
        self._store.changes.publish(Changes(items=frozenset({item_id}), origin=Origin.EXTERNAL))

    def shutdown(self, timeout_ms: int) -> None:
        """Stop retrying and wait for the write in flight (its commit is all-or-nothing)."""
        self.queue.cancel_retry()
        self.journal.write_answered()
        self._writer.shutdown(timeout_ms)
        self.journal.shutdown(timeout_ms)  # after the writer: its last saves are queued
