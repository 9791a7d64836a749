"""Main-loop watchdog: measures how long the GUI thread was unable to run a timer.

Like Anki's: a repeating timer notes when it actually fires; if it fires much
later than asked, the event loop was blocked that long (a slow slot, a sync
call on the GUI thread) and the stall is logged with its length. The counters
let tests and the GUI benchmarks assert that the window stays responsive.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer

log = logging.getLogger(__name__)

STALL_MS = 50  # a stall longer than this is visible to the user


class Watchdog(QObject):
    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 100, threshold_ms: int = STALL_MS) -> None:
        super().__init__(parent)
        self._interval = interval_ms
        self._threshold = threshold_ms
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self.stalls = 0
        self.worst_ms = 0

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        late = self._clock.restart() - self._interval
        if late > self._threshold:
            self.stalls += 1
            self.worst_ms = max(self.worst_ms, late)
            log.warning("main loop stalled for %d ms", late)
