"""The copy of the unsaved writes on this computer (core/journal.py), kept by the desk.

From the first retryable failure (or a write that has not been answered for
``SLOW_WRITE_MS``) until everything is saved, the write queue's pending writes are
mirrored in this instance's journal, written on the journal's own thread (never behind
a write that hangs): a crash or quitting during an outage loses nothing, and the next
start saves them. :meth:`JournalCopy.take_over` joins the journals of instances that
are gone to this one and removes them once it has been written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from moderator_gui.core.journal import DecisionJournal, Orphan
from moderator_gui.core.write_queue import SLOW_WRITE_MS, JournalKey, WriteQueue
from moderator_gui.ui.tasks import SerialWorker

log = logging.getLogger(__name__)


class JournalCopy(QObject):
    saved = Signal()  # a save was written: the writes pending then are kept on this computer
    failed = Signal()  # a save failed (``error`` says why): the writes are in memory only

    def __init__(self, journal: DecisionJournal | None, queue: WriteQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journal = journal if journal is not None and journal.is_open else None
        self._queue = queue
        self._keeping = False  # the write queue is mirrored in the journal
        self._seq = 0  # snapshots asked for
        self._saved = -1  # the last snapshot written
        self._error: str | None = None
        self._key: JournalKey | None = None  # the writes last sent to the journal
        self._retire: Callable[[], None] | None = None  # removes journals taken over, once ours is written
        self._worker = SerialWorker(self, name="decision-journal") if self._journal is not None else None
        self._slow = QTimer(self)
        self._slow.setSingleShot(True)
        self._slow.setInterval(SLOW_WRITE_MS)
        self._slow.timeout.connect(self._write_is_slow)

    # -- state, for the banner and for quitting ---------------------------------------------------
    @property
    def all_kept(self) -> bool:
        """The last snapshot asked for is written: every pending write is on this computer."""
        return self._journal is not None and self._error is None and self._saved == self._seq

    @property
    def error(self) -> str | None:
        """Why the last save failed (None: it did not)."""
        return self._error

    # -- following the write queue ------------------------------------------------------------------
    def write_started(self) -> None:
        self._slow.start()

    def write_answered(self) -> None:
        self._slow.stop()

    def keep(self) -> None:
        """A write failed and waits for a retry: mirror the queue from now on (if there is a journal)."""
        self._keeping = self._journal is not None
        self.save()

    def _write_is_slow(self) -> None:
        """The database has not answered for SLOW_WRITE_MS (a lock, a server that does not
        answer): keep the unsaved writes on this computer now, not only once it gives up."""
        if self._queue.in_flight is not None and self._journal is not None and not self._keeping:
            log.warning("the database has not answered for %d ms; keeping the unsaved writes on this computer", SLOW_WRITE_MS)
            self._keeping = True
            self.save()

    def save(self) -> None:
        """Mirror the write queue in the journal, on the journal's own thread (never behind a
        write that hangs); ``seq`` keeps a late save from overwriting a newer one."""
        journal, worker = self._journal, self._worker
        if journal is None or worker is None or not self._keeping:
            return
        key = self._queue.journal_key()
        if key == self._key:
            return  # the same writes (a retry failed again): the file already says this
        self._key = key
        snapshot = self._queue.snapshot()
        self._seq += 1
        seq = self._seq
        if not snapshot:
            self._keeping = False  # everything is saved: the journal goes
            self._key = None
        worker.run(
            lambda: journal.save(snapshot, seq),
            on_done=lambda written: self._written(seq, len(snapshot) if written else None),
            on_error=self._failed,
            label="journal",
        )

    def _written(self, seq: int, count: int | None) -> None:
        if count:
            log.info("kept %d unsaved write(s) in %s", count, self._journal.path if self._journal else "?")
        self._saved = max(self._saved, seq)
        self._error = None
        retire, self._retire = self._retire, None
        if retire is not None and self._worker is not None:
            # The writes taken over from earlier sessions are in this session's journal (or
            # saved in the database): their old journals can go.
            self._worker.run(retire, on_error=lambda exc: log.error("cannot remove old journals: %s", exc), label="retire")
        self.saved.emit()

    def _failed(self, exc: BaseException) -> None:
        self._error = getattr(exc, "strerror", None) or str(exc)
        self._key = None  # the next change, or the next failed retry, tries again
        log.error("cannot keep the unsaved decisions on this computer: %s", exc)
        self.failed.emit()

    # -- journals of instances that are gone ----------------------------------------------------------
    def take_over(self, orphans: list[Orphan]) -> None:
        """The writes of ``orphans`` are in the write queue now: keep them in this session's
        journal, then remove the old journals (a damaged one is renamed ``*.damaged`` for a
        person to look at, never taken over twice). Never before this journal is written:
        the database may still be down and the old journal the only copy."""
        journal = self._journal
        if journal is None or not orphans:
            return
        damaged = [o for o in orphans if o.problems]
        intact = [o for o in orphans if not o.problems]

        def retire() -> None:
            for o in intact:
                journal.forget(o)
            for o in damaged:
                o.journal.replace(o.journal.with_name(o.journal.name + ".damaged"))
                journal.forget(o)

        self._retire = retire
        self._keeping = True
        self._key = None
        self.save()  # empty if there was nothing to take over: it retires all the same

    def shutdown(self, timeout_ms: int) -> None:
        """Stop watching for slow writes and finish the saves queued (after the writer's last)."""
        self._slow.stop()
        if self._worker is not None:
            self._worker.shutdown(timeout_ms)
