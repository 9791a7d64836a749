"""Waiting in UI tests without waiting for time.

``drain_events()`` delivers every event already posted: the answers of worker threads that
have finished (queued signals), pending repaints and layout requests. A check that something
did *not* happen runs after it, once whatever could have caused it is known to be over
(``runner.wait()``, a thread joined): no sleep is long enough on a busy machine, and none
is needed then.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent

#: Delivering events may post more (a queued signal whose slot emits another): a few rounds.
ROUNDS = 5


def drain_events() -> None:
    for _ in range(ROUNDS):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
