"""Background operations: run core calls off the GUI thread, get results back on it.

The idea follows Anki's ``QueryOp``/``CollectionOp``: the GUI never waits on the
database or on media; it hands a callable to :class:`TaskRunner`, which runs it
on a ``QThreadPool`` and delivers the result (or the exception) to callbacks on
the GUI thread through a queued signal.
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ProgressFn = Callable[[Any], None]


@dataclass
class TaskHandle:
    """Lets the caller ask a running task to stop (the task polls ``cancelled``)."""

    id: int
    label: str
    _cancel: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


@dataclass
class _Pending:
    handle: TaskHandle
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[Any], None] | None


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Callable[..., Any], pass_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._runner = runner
        self._id = task_id
        self._fn = fn
        self._pass_progress = pass_progress

    def run(self) -> None:  # worker thread
        emit = self._runner._relay.emit
        try:
            if self._pass_progress:
                result = self._fn(lambda value: emit(self._id, "progress", value))
            else:
                result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, never swallowed
            exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
            emit(self._id, "error", exc)
        else:
            emit(self._id, "done", result)


class TaskRunner(QObject):
    """Runs callables on a private thread pool; callbacks run on the GUI thread.

    ``run(fn, on_done=..., on_error=...)`` — ``fn()`` runs in a worker thread.
    ``run(fn, progress=True, on_progress=...)`` — ``fn(report)`` gets a function
    it may call with progress values from the worker thread.
    """

    # (task id, kind: done|error|progress, payload). Emitted from workers, received
    # by _deliver on the thread this runner lives in (the GUI thread): a queued connection.
    _relay = Signal(int, str, object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 4, name: str = "tasks") -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._pool.setObjectName(name)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._relay.connect(self._deliver)

    def run(
        self,
        fn: Callable[..., Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        progress: bool = False,
        label: str = "",
    ) -> TaskHandle:
        task_id = next(self._ids)
        handle = TaskHandle(task_id, label or getattr(fn, "__name__", "task"))
        was_idle = not self._pending
        self._pending[task_id] = _Pending(handle, on_done, on_error, on_progress)
        self._pool.start(_Job(self, task_id, fn, progress))
        if was_idle:
            self.busy_changed.emit(True)
        return handle

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @Slot(int, str, object)
    def _deliver(self, task_id: int, kind: str, payload: object) -> None:
        pending = self._pending.get(task_id)
        if pending is None:
            return
        if kind == "progress":
            if pending.on_progress is not None and not pending.handle.cancelled:
                pending.on_progress(payload)
            return
        del self._pending[task_id]
        if not self._pending:
            self.busy_changed.emit(False)
        if pending.handle.cancelled:
            # Whoever cancelled has moved on: neither the result nor the error is wanted.
            if kind == "error":
                log.debug("cancelled task %r ended with %r", pending.handle.label, payload)
            return
        if kind == "done":
            if pending.on_done is not None:
                pending.on_done(payload)
        else:
            assert isinstance(payload, BaseException)
            if pending.on_error is not None:
                pending.on_error(payload)
            else:
                log.error(
                    "background task %r failed:\n%s",
                    pending.handle.label,
                    getattr(payload, "__traceback_text__", repr(payload)),
                )

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until every started task has finished running (for shutdown and tests)."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop queued-but-unstarted tasks, wait for running ones; no callbacks after this."""
        self._pool.clear()
        ok = self._pool.waitForDone(timeout_ms)
        self._pending.clear()
        return ok
