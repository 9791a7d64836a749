"""TaskRunner: results and errors come back on the GUI thread; a cancelled task delivers nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from moderator_gui.ui.tasks import TaskRunner

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
    qtbot.wait(20)
    assert got.calls == [("progress", "started")], "neither later progress nor the result nor the error"
