"""SIGTERM and SIGINT close the real app as the user would: clean exit, temporary files gone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

READY_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 20


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_closes_the_demo_and_removes_its_temporary_queue(tmp_path: Path, sig: signal.Signals) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    log = tmp_path / "app.log"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "TMPDIR": str(tmp),  # where --demo makes its throwaway queue
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moderator_gui", "--demo", "--reviewer", "sig", "--lang", "en"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )
        try:
            wait_for(lambda: b"ready: reviewer sig" in log.read_bytes() or proc.poll() is not None,
                     READY_TIMEOUT_S, "the window")
            assert proc.poll() is None, log.read_text(errors="replace")
            assert list(tmp.glob("moderator-demo-*")), "the demo queue should exist while the app runs"
            proc.send_signal(sig)
            code = proc.wait(EXIT_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert code == 0, log.read_text(errors="replace")
    assert list(tmp.glob("moderator-demo-*")) == [], "the throwaway queue must be removed on exit"
    assert "Traceback" not in log.read_text(errors="replace")
