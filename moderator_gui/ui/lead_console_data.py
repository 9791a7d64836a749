"""The lead console's data: three reads (core/team_overview.py) run on the desk's worker
pool, never on the GUI thread, each at most once at a time.

* Every change event of the desk's :class:`ChangeFeed` (this desk's writes, other desks'
  through the change watcher) asks for all three again. A read asked for while the same
  read is running runs once more after it, with a short gap, so a busy team costs one
  read at a time, not one per change.
* Presence is a heartbeat (desks write no change event when they beat): a timer of about
  15 s reads who is online and the claims (a killed desk's claims run out with the clock).
  Kept conflicts are re-read with it too: a desk keeping a late decision on the server
  sends no change notification (no trigger on ``conflicts``).
* Only while the console is shown (:meth:`start` / :meth:`stop`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from moderator_gui.core.changes import Changes
from moderator_gui.core.store import Store
from moderator_gui.core.team_overview import read_conflicts, read_decisions, read_presence
from moderator_gui.ui.message_text import error_text
from moderator_gui.ui.tasks import TaskHandle, TaskRunner

PRESENCE_INTERVAL_MS = 15_000
# After a read, the same read again (changes arrived meanwhile) waits this long: a burst
# of changes (a reviewer clearing items at one a second, twenty desks' heartbeats) is one read.
GAP_MS = 250

KINDS = ("presence", "decisions", "conflicts")


class _Read(QObject):
    """One kind of read: started when asked, once more after it if asked meanwhile."""

    def __init__(self, name: str, runner: TaskRunner, fn: Callable[[], Any], done: Callable[[Any], None],
                 failed: Callable[[BaseException], None], parent: QObject) -> None:  # fmt: skip
        super().__init__(parent)
        self._name = name
        self._runner = runner
        self._fn = fn
        self._done = done
        self._failed = failed
        self._task: TaskHandle | None = None
        self._again = False
        self._gap = QTimer(self)
        self._gap.setSingleShot(True)
        self._gap.setInterval(GAP_MS)
        self._gap.timeout.connect(self._start)

    @property
    def busy(self) -> bool:
        return self._task is not None or self._gap.isActive()

    def want(self) -> None:
        if self.busy:
            self._again = True
        else:
            self._start()

    def _start(self) -> None:
        self._again = False
        self._task = self._runner.run(self._fn, on_done=self._answer, on_error=self._error, label=f"lead console {self._name}")

    def _answer(self, result: Any) -> None:
        self._task = None
        self._done(result)
        self._next()

    def _error(self, exc: BaseException) -> None:
        self._task = None
        self._failed(exc)
        self._next()

    def _next(self) -> None:
        if self._again:
            self._gap.start()

    def cancel(self) -> None:
        """Nothing of a running read reaches the console; nothing is asked again."""
        self._gap.stop()
        self._again = False
        if self._task is not None:
            self._task.cancel()
            self._task = None


class ConsoleData(QObject):
    presence = Signal(object)  # Presence
    decisions = Signal(object)  # (HourlyCounts, list[Escalation])
    conflicts = Signal(object)  # list[ConflictCase]
    failed = Signal(str)  # why a read failed, in the user's language

    def __init__(self, store: Store, runner: TaskRunner, *, team: bool, parent: QObject | None = None,
                 presence_ms: int = PRESENCE_INTERVAL_MS) -> None:  # fmt: skip
        super().__init__(parent)
        self._active = False
        fail = self._read_failed
        self._reads = {
            "presence": _Read("presence", runner, lambda: read_presence(store, team=team), self.presence.emit, fail, self),
            "decisions": _Read("decisions", runner, lambda: read_decisions(store), self.decisions.emit, fail, self),
            "conflicts": _Read("conflicts", runner, lambda: read_conflicts(store), self.conflicts.emit, fail, self),
        }
        self._timer = QTimer(self)
        self._timer.setInterval(presence_ms)
        self._timer.timeout.connect(lambda: self.refresh("presence", "conflicts"))

    @property
    def busy(self) -> bool:
        return any(r.busy for r in self._reads.values())

    @property
    def presence_interval_ms(self) -> int:
        return self._timer.interval()

    @presence_interval_ms.setter
    def presence_interval_ms(self, ms: int) -> None:
        """How often presence (and kept conflicts) are read again without a change event."""
        self._timer.setInterval(ms)

    def start(self) -> None:
        """The console is shown: read everything now, then keep it current."""
        self._active = True
        self._timer.start()
        self.refresh()

    def stop(self) -> None:
        """The console is hidden: no more reads; what is running is dropped."""
        self._active = False
        self._timer.stop()
        for r in self._reads.values():
            r.cancel()

    def refresh(self, *kinds: str) -> None:
        if not self._active:
            return
        for kind in kinds or KINDS:
            self._reads[kind].want()

    def changed(self, changes: Changes) -> None:
        """A change event of the desk: whatever it was, what the console shows may follow from it."""
        if not changes.empty:
            self.refresh()

    def _read_failed(self, exc: BaseException) -> None:
        self.failed.emit(error_text(exc))
