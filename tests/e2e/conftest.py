"""A real X server for the end-to-end tests: Xvfb on a free display, driven with xdotool.

Skipped (with the reason) only when Xvfb or xdotool is not installed;
``scripts/dev.sh`` installs both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

XVFB_START_TIMEOUT_S = 15.0
REPO = Path(__file__).resolve().parents[2]


def _missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


@pytest.fixture(scope="session")
def x_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``:N`` of a private Xvfb. ``-displayfd`` lets the server pick a free display itself,
    so parallel test workers and other X servers on the machine never collide."""
    missing = _missing_tools()
    if missing:
        pytest.skip(f"end-to-end tests need {' and '.join(missing)} (apt-get install xvfb xdotool)")
    read_fd, write_fd = os.pipe()
    log = tmp_path_factory.mktemp("xvfb") / "xvfb.log"
    with open(log, "wb") as log_file:
        proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x900x24", "-nolisten", "tcp", "-noreset"],
            pass_fds=(write_fd,),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    os.close(write_fd)
    try:
        number = _read_display(read_fd, proc, log)
        yield f":{number}"
    finally:
        os.close(read_fd)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _read_display(fd: int, proc: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + XVFB_START_TIMEOUT_S
    data = b""
    os.set_blocking(fd, False)
    while not data.endswith(b"\n"):
        if proc.poll() is not None:
            pytest.fail(f"Xvfb exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"Xvfb did not report its display within {XVFB_START_TIMEOUT_S:.0f} s")
        try:
            data += os.read(fd, 64)
        except BlockingIOError:
            time.sleep(0.05)
    return data.decode().strip()


@pytest.fixture
def e2e_artifacts() -> Path:
    """Where screenshots of the X display go (as the UI tests' artifacts)."""
    path = Path(os.environ.get("MODERATOR_TEST_ARTIFACTS", REPO / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
