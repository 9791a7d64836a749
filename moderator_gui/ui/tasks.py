"""Background operations: run core calls off the GUI thread, get results back on it.

The idea follows Anki's ``QueryOp``/``CollectionOp``: the GUI never waits on the
database or on media; it hands a callable to :class:`TaskRunner`, which runs it
on a ``QThreadPool`` and delivers the result (or the exception) to callbacks on
the GUI thread through a queued signal.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRunnable, Qt, QThreadPool, Signal

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


_RESULT_EVENT = QEvent.Type(QEvent.registerEventType())


class _ResultEvent(QEvent):
    """A task's progress, result or exception, posted from a worker to the runner's thread."""

    def __init__(self, task_id: int, kind: str, payload: object) -> None:
        super().__init__(_RESULT_EVENT)
        self.task_id = task_id
        self.kind = kind  # done | error | progress
        self.payload = payload


def _execute(post: Callable[[int, str, object], None], task_id: int, fn: Callable[..., Any], pass_progress: bool) -> None:
    """Worker thread: run one task and post its progress and its result or exception."""
    try:
        if pass_progress:
            result = fn(lambda value: post(task_id, "progress", value))
        else:
            result = fn()
    except BaseException as exc:  # noqa: BLE001 - delivered to the GUI thread, never swallowed
        exc.__traceback_text__ = traceback.format_exc()  # type: ignore[attr-defined]
        post(task_id, "error", exc)
    else:
        post(task_id, "done", result)


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, task_id: int, fn: Callable[..., Any], pass_progress: bool) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._post = runner._post
        self._id = task_id
        self._fn = fn
        self._pass_progress = pass_progress

    def run(self) -> None:  # worker thread
        _execute(self._post, self._id, self._fn, self._pass_progress)


class _Delivery(QObject):
    """Results of tasks run elsewhere, delivered to callbacks on this object's (the GUI) thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None, priority: Qt.EventPriority) -> None:
        super().__init__(parent)
        self._priority = int(priority.value)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}

    def _register(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[Any], None] | None,
        label: str,
    ) -> TaskHandle:
        task_id = next(self._ids)
        handle = TaskHandle(task_id, label or getattr(fn, "__name__", "task"))
        was_idle = not self._pending
        self._pending[task_id] = _Pending(handle, on_done, on_error, on_progress)
        if was_idle:
            self.busy_changed.emit(True)
        return handle

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def _post(self, task_id: int, kind: str, payload: object) -> None:
        """Worker thread: hand a result to this object's thread (thread-safe)."""
        with contextlib.suppress(RuntimeError):  # the receiver was deleted (its window closed): nobody wants the answer
            QCoreApplication.postEvent(self, _ResultEvent(task_id, kind, payload), self._priority)

    def event(self, event: QEvent) -> bool:
        if event.type() == _RESULT_EVENT:
            assert isinstance(event, _ResultEvent)
            self._deliver(event.task_id, event.kind, event.payload)
            return True
        return super().event(event)

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


class TaskRunner(_Delivery):
    """Runs callables on a private thread pool; callbacks run on the GUI thread.

    ``run(fn, on_done=..., on_error=...)`` — ``fn()`` runs in a worker thread.
    ``run(fn, progress=True, on_progress=...)`` — ``fn(report)`` gets a function
    it may call with progress values from the worker thread.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_threads: int = 4,
        name: str = "tasks",
    ) -> None:
        super().__init__(parent, Qt.EventPriority.NormalEventPriority)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._pool.setObjectName(name)

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
        handle = self._register(fn, on_done, on_error, on_progress, label)
        self._pool.start(_Job(self, handle.id, fn, progress))
        return handle

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until every started task has finished running (for shutdown and tests)."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop queued-but-unstarted tasks, wait for running ones; no callbacks after this."""
        self._pool.clear()
        ok = self._pool.waitForDone(timeout_ms)
        self._pending.clear()
        return ok


class SerialWorker(_Delivery):
    """ONE dedicated thread that runs tasks one at a time, in the order given (the decision
    writer). Handing it a task is a queue put: no thread to start, and the GUI thread never
    waits for the interpreter while the worker picks it up. Answers are delivered at
    ``priority`` (the writer's overtake waiting repaints)."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        name: str = "serial",
        priority: Qt.EventPriority = Qt.EventPriority.NormalEventPriority,
    ) -> None:
        super().__init__(parent, priority)
        self._queue: queue.SimpleQueue[tuple[int, Callable[..., Any]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()
        # Deleted without shutdown() (its window destroyed): stop the thread all the same, as
        # QThreadPool's destructor waits for its threads. Bound to the queue and thread, not self.
        self.destroyed.connect(functools.partial(_stop_thread, self._queue, self._thread))

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        label: str = "",
    ) -> TaskHandle:
        if not self._thread.is_alive():
            raise RuntimeError("the worker was shut down")
        handle = self._register(fn, on_done, on_error, None, label)
        self._queue.put((handle.id, fn))
        return handle

    def _loop(self) -> None:  # the worker thread
        while (item := self._queue.get()) is not None:
            _execute(self._post, item[0], item[1], False)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Finish the task running (and those queued before this call), then stop the thread;
        no callbacks after this. False if it did not stop within ``timeout_ms``."""
        _stop_thread(self._queue, self._thread, timeout_ms)
        self._pending.clear()
        return not self._thread.is_alive()


def _stop_thread(q: queue.SimpleQueue[Any], thread: threading.Thread, timeout_ms: int = 30_000, *_signal_args: Any) -> None:
    if thread.is_alive():
        q.put(None)
        thread.join(timeout_ms / 1000)
