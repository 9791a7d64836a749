"""Commit-first painting: hold the window's repaint while a decision's commit is on its way.

After Enter the desk paints the next item in the viewer at once (synchronously),
then holds every other repaint of the window (queue rows, context, session list,
status) until the decision's write is acknowledged, or ``max_ms`` at most, and
paints them in one go. While the window waits, the GUI thread is idle, so the
writer thread has the interpreter to itself and commits at full speed instead of
competing with half a window of repainting; and "recorded" appears in the same
paint as the rest, instead of one paint later.

How: Qt's repaint manager asks for a repaint by posting one ``UpdateRequest`` (at
low priority) to the top-level window and posts no other until that one is
handled. The gate swallows it while held and posts a new one on release; the
dirty regions collected meanwhile are all painted then. Nothing is lost: at
worst the rest of the window paints ``max_ms`` late.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

DEFAULT_MAX_MS = 30  # under two frames: longer than a local commit, too short to notice


class PaintGate(QObject):
    released = Signal()  # the window paints again: bring the panes that waited up to date

    def __init__(self, window: QWidget, max_ms: int = DEFAULT_MAX_MS) -> None:
        super().__init__(window)
        self._window = window
        self._held = False
        self._swallowed = False
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(max_ms)
        self._deadline.timeout.connect(self.release)
        window.installEventFilter(self)

    @property
    def held(self) -> bool:
        return self._held

    def hold(self) -> None:
        """Hold the window's repaint until :meth:`release`, or ``max_ms`` from now."""
        self._held = True
        self._deadline.start()

    def paint_through(self, paint: Callable[[], None]) -> None:
        """Run ``paint`` (a synchronous repaint) with the gate open: a second Enter while the
        first commit is on its way still puts its next item on screen at once. What else is
        dirty then is painted with it; the hold goes on afterwards."""
        held, self._held = self._held, False
        try:
            paint()
        finally:
            self._held = held

    def release(self) -> None:
        """Paint what was held back (idempotent)."""
        self._deadline.stop()
        if not self._held:
            return
        self._held = False
        if self._swallowed:
            self._swallowed = False
            QCoreApplication.postEvent(self._window, QEvent(QEvent.Type.UpdateRequest), Qt.EventPriority.LowEventPriority.value)
        self.released.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._held and watched is self._window and event.type() == QEvent.Type.UpdateRequest:
            self._swallowed = True
            return True
        return False
