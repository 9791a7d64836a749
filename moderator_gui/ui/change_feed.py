"""The store's change events, delivered to the GUI thread as one Qt signal.

The store publishes :class:`~moderator_gui.core.changes.Changes` on the thread that
committed (the desk's writer or reader threads; a watcher thread for other processes
and desks). This object collects them and posts ONE event to the GUI thread for
whatever arrived meanwhile (like Picard's batched delivery: an import committing
batch after batch causes one update per turn of the event loop, not one per batch),
at high priority, so a row changes before the repaint that follows.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal

from moderator_gui.core.changes import Changes
from moderator_gui.core.store import Store

_EVENT = QEvent.Type(QEvent.registerEventType())


class ChangeFeed(QObject):
    changed = Signal(object)  # Changes: everything committed since the last delivery, merged

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: Changes | None = None
        self._unsubscribe = store.changes.subscribe(self._arrived)

    def close(self) -> None:
        """Stop listening (idempotent); nothing is delivered after this."""
        self._unsubscribe()
        with self._lock:
            self._pending = None

    def _arrived(self, changes: Changes) -> None:  # any thread
        with self._lock:
            post = self._pending is None
            self._pending = changes if self._pending is None else self._pending.merged(changes)
        if post:
            QCoreApplication.postEvent(self, QEvent(_EVENT), Qt.EventPriority.HighEventPriority.value)

    def event(self, e: QEvent) -> bool:
        if e.type() != _EVENT:
            return super().event(e)
        with self._lock:
            changes, self._pending = self._pending, None
        if changes is not None:
            self.changed.emit(changes)
        return True
