"""TaskRunner and SerialWorker: results and errors come back on the GUI thread; a cancelled
task delivers nothing; the serial worker keeps order and delivers at its priority."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from pytestqt.qtbot import QtBot

from moderator_gui.ui.tasks import SerialWorker, TaskRunner
from qt_wait import drain_events

pytestmark = pytest.mark.gui


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def __getattr__(self, kind: str) -> Callable[[Any], None]:
        return lambda value: self.calls.append((kind, value))


def held(release: threading.Event, outcome: Callable[[], Any]) -> Callable[[Callable[[Any], None]], Any]:
    """A task that reports progress, waits for ``release``, reports again, then ends with ``outcome()``."""

    def work(report: Callable[[Any], None]) -> Any:
        report("started")
        assert release.wait(10)
        report("late")
        return outcome()

    return work


def boom() -> Any:
    raise ValueError("boom")


def test_a_task_delivers_its_result_or_its_error(qtbot: QtBot, runner: TaskRunner) -> None:
    got = Recorder()
    runner.run(lambda: 42, on_done=got.done, on_error=got.error)
    runner.run(boom, on_done=got.done, on_error=got.error)
    qtbot.waitUntil(lambda: not runner.busy)
    assert ("done", 42) in got.calls
    errors = [v for k, v in got.calls if k == "error"]
    assert len(errors) == 1 and isinstance(errors[0], ValueError) and str(errors[0]) == "boom"


@pytest.mark.parametrize("outcome", [lambda: "result", boom], ids=["result", "error"])
def test_a_cancelled_task_delivers_nothing(qtbot: QtBot, runner: TaskRunner, outcome: Callable[[], Any]) -> None:
    got = Recorder()
    release = threading.Event()
    handle = runner.run(
        held(release, outcome), progress=True, on_progress=got.progress, on_done=got.done, on_error=got.error
    )
    qtbot.waitUntil(lambda: got.calls == [("progress", "started")])
    handle.cancel()
    release.set()
    assert runner.wait(10_000)
    qtbot.waitUntil(lambda: not runner.busy)  # its last message has been handled
    drain_events()
    assert got.calls == [("progress", "started")], "neither later progress nor the result nor the error"


def test_serial_worker_runs_in_order_on_one_thread_and_stops(qtbot: QtBot, qapp: Any) -> None:
    worker = SerialWorker(name="test-serial")
    got: list[tuple[str, Any]] = []
    threads: set[int] = set()

    def task(n: int) -> Callable[[], int]:
        def work() -> int:
            threads.add(threading.get_ident())
            return n

        return work

    for n in range(20):
        worker.run(task(n), on_done=lambda v: got.append(("done", v)), on_error=lambda e: got.append(("error", e)))
    worker.run(boom, on_done=lambda v: got.append(("done", v)), on_error=lambda e: got.append(("error", str(e))))
    qtbot.waitUntil(lambda: not worker.busy)
    assert got == [("done", n) for n in range(20)] + [("error", "boom")]
    assert len(threads) == 1 and threading.get_ident() not in threads
    assert worker.shutdown(5000)
    assert not any(t.name == "test-serial" for t in threading.enumerate())
    with pytest.raises(RuntimeError):
        worker.run(lambda: 1)
    worker.deleteLater()


def test_a_high_priority_answer_overtakes_events_already_waiting(qtbot: QtBot, qapp: Any) -> None:
    """The decision writer's answers are delivered before repaints and other events posted
    earlier (that is what lets the window say "recorded" without waiting for a repaint)."""
    order: list[str] = []

    class Receiver(QObject):
        def event(self, e: QEvent) -> bool:
            if e.type() == QEvent.Type.User:
                order.append("earlier event")
                return True
            return super().event(e)

    receiver = Receiver()
    worker = SerialWorker(name="test-priority", priority=Qt.EventPriority.HighEventPriority)
    answered = threading.Event()
    post = worker._post

    def post_then_tell(*args: Any) -> None:
        post(*args)
        answered.set()

    worker._post = post_then_tell  # type: ignore[method-assign]
    try:
        QCoreApplication.postEvent(receiver, QEvent(QEvent.Type.User))  # first in the queue
        worker.run(lambda: "answer", on_done=order.append)
        assert answered.wait(10)  # (the GUI thread runs no events meanwhile: both now wait)
        qtbot.waitUntil(lambda: len(order) == 2)
        assert order == ["answer", "earlier event"]
    finally:
        assert worker.shutdown(5000)
        worker.deleteLater()


def test_a_serial_worker_destroyed_without_shutdown_still_stops_its_thread(qtbot: QtBot, qapp: Any) -> None:
    """Like QThreadPool's destructor: deleting the worker's owner (a window closed in a hurry)
    waits for the task in flight and stops the thread; the late answer goes nowhere, quietly."""
    import time

    import shiboken6

    owner = QObject()
    worker = SerialWorker(owner, name="test-owned")
    started = threading.Event()

    def slow() -> str:
        started.set()
        time.sleep(0.2)
        return "late"

    got: list[str] = []
    worker.run(slow, on_done=got.append)
    assert started.wait(5)
    shiboken6.delete(owner)  # the C++ objects go now, the worker with them
    assert not any(t.name == "test-owned" and t.is_alive() for t in threading.enumerate())
    drain_events()
    assert got == []
