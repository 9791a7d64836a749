"""End to end on a real X server: the real ``moderator-gui`` process, real key presses
(xdotool/XTEST), then SIGKILL — the database must hold every decision the app said it
recorded, exactly once, and be intact.

How the test knows from outside what the app has recorded: the review session writes
only through ``Store.record``, which returns after COMMIT, so the test polls the
database file (read-only, with the plain sqlite3 module) for the events. The app also
logs each acknowledged write (``… INFO moderator_gui.ui.review_session: recorded <kind>
<uuid> item=<id>``, see ``ReviewSession._write_done``); every event it logged before
the kill must be in the file afterwards, as that kind and on that item.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from factories import make_items
from moderator_gui.core.store import QueueFilter, Store

pytestmark = [pytest.mark.x11, pytest.mark.slow]

RECORDED = re.compile(
    r"\brecorded (decide|skip|escalate) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) item=(\d+)$",
    re.MULTILINE,
)
WINDOW_TIMEOUT_S = 60
ACK_TIMEOUT_S = 30
# The main window loads the queue in the background right after it appears; a 12-item
# SQLite queue takes milliseconds, this leaves a wide margin before the first key.
QUEUE_LOAD_S = 3.0


class App:
    """One ``python -m moderator_gui`` process on the test's X display."""

    def __init__(self, display: str, db: Path, reviewer: str, log: Path) -> None:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", PYTHONUNBUFFERED="1")
        env.pop("WAYLAND_DISPLAY", None)
        self.display = display
        self.log = log
        self._log_file = open(log, "wb")  # noqa: SIM115 - the child writes to it; closed in close()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moderator_gui", "--db", str(db), "--reviewer", reviewer, "--lang", "en"],
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self.window = ""
        self.reviewer = reviewer

    def xdotool(self, *args: str, timeout: float = 20) -> str:
        try:
            out = subprocess.run(
                ["xdotool", *args],
                env=dict(os.environ, DISPLAY=self.display),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"xdotool {' '.join(args)} timed out after {timeout} s; app log:\n{self.output()}")
        if out.returncode != 0:
            pytest.fail(f"xdotool {' '.join(args)} failed: {out.stderr.strip()}; app log:\n{self.output()}")
        return out.stdout

    def wait_window(self) -> str:
        """The id of the app's main window once it is mapped (its title ends with the reviewer's
        name; the start-up window that precedes it does not), plus time for the queue's first page."""
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"the app exited with {self.proc.returncode} before showing a window:\n{self.output()}")
            found = subprocess.run(
                ["xdotool", "search", "--all", "--onlyvisible", "--pid", str(self.proc.pid), "--name", f" {self.reviewer}$"],
                env=dict(os.environ, DISPLAY=self.display),
                capture_output=True,
                text=True,
            ).stdout.split()
            if found:
                self.window = found[0]
                time.sleep(QUEUE_LOAD_S)
                return self.window
            time.sleep(0.2)
        pytest.fail(f"no main window within {WINDOW_TIMEOUT_S} s; app log:\n{self.output()}")

    def keys(self, *keys: str) -> None:
        """Real key presses (XTEST) into the app's window."""
        self.xdotool("windowfocus", "--sync", self.window)
        self.xdotool("key", "--delay", "60", *keys)

    def screenshot(self, path: Path) -> None:
        """The whole X display as the reviewer would see it (Pillow reads it over XCB)."""
        from PIL import ImageGrab

        ImageGrab.grab(xdisplay=self.display).save(path)

    def output(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]

    def recorded(self) -> list[tuple[str, int, str]]:
        """(uuid, item_id, kind) of every "recorded" line in the app's whole output so far."""
        if not self._log_file.closed:
            self._log_file.flush()
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return [(uuid, int(item), kind) for kind, uuid, item in RECORDED.findall(text)]

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log_file.close()


@pytest.fixture
def launch(x_display: str, tmp_path: Path) -> Iterator[Callable[[Path, str], App]]:
    apps: list[App] = []

    def start(db: Path, reviewer: str) -> App:
        app = App(x_display, db, reviewer, tmp_path / f"app-{len(apps)}.log")
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.kill()


@pytest.fixture
def queue_db(tmp_path: Path) -> Path:
    """A real SQLite file with text posts (no media: the test is about decisions, not decoding)."""
    path = tmp_path / "e2e.sqlite3"
    with Store.open(path) as store:
        make_items(store, 12, content_type="text", text_body="e2e post", media_path=None, media_type=None, sha256=None)
    return path


def wait_for(what: str, condition: Callable[[], bool], app: App, timeout: float = ACK_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}; app log:\n{app.output()}")
        if app.proc.poll() is not None:
            pytest.fail(f"the app exited with {app.proc.returncode} while waiting for {what}:\n{app.output()}")
        time.sleep(0.1)


def events(db: Path) -> list[tuple[str, int, str]]:
    """(uuid, item_id, kind) of every event, read with the plain sqlite3 module (not our store)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute("SELECT uuid, item_id, kind FROM decisions ORDER BY seq").fetchall()
    finally:
        con.close()


def integrity(db: Path) -> str:
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_sigkill_after_decisions_loses_nothing_and_doubles_nothing(
    launch: Callable[[Path, str], App], queue_db: Path, e2e_artifacts: Path
) -> None:
    app = launch(queue_db, "e2e")
    app.wait_window()
    acknowledged = 4
    for n in range(1, acknowledged + 1):
        app.keys("2", "Return")
        # The session writes only through Store.record, which returns after COMMIT: the
        # event being in the file is the precondition of the UI showing it as recorded.
        wait_for(f"decision {n} to be committed", lambda n=n: len(events(queue_db)) >= n, app)
        # The UI learns of the commit when Store.record returns; it logs it then.
        wait_for(f"decision {n} to be logged", lambda n=n: len(app.recorded()) >= n, app)
    app.screenshot(e2e_artifacts / "e2e-x11-after-decisions.png")
    # One more decision, killed while it is on its way to the disk.
    app.keys("2", "Return")
    time.sleep(0.05)
    app.kill()
    logged = app.recorded()  # everything the app wrote before it died

    assert integrity(queue_db) == "ok"
    stored = events(queue_db)
    uuids = [uuid for uuid, _, _ in stored]
    assert acknowledged <= len(logged) <= acknowledged + 1, app.output()
    assert set(logged) <= set(stored), "a decision the app reported as recorded is missing from the database"
    assert len(uuids) == len(set(uuids)) and acknowledged <= len(uuids) <= acknowledged + 1, stored
    assert all(kind == "decide" for _, _, kind in stored)
    decided_items = [item for _, item, _ in stored]
    assert len(decided_items) == len(set(decided_items)), "an item was decided twice"
    with Store.open(queue_db) as store:
        assert store.rebuild_projection() == 0, "items.status must already agree with the events"
        assert store.queue_count(QueueFilter(status="decided")) == len(stored)


def test_two_instances_are_never_handed_the_same_item(launch: Callable[[Path, str], App], queue_db: Path) -> None:
    """Two desks on one queue file: each is handed its own items (claims), so both decisions
    are recorded, once each, on different items — none is refused, none is doubled."""
    first, second = launch(queue_db, "e2e-a"), launch(queue_db, "e2e-b")
    first.wait_window()
    second.wait_window()
    first.keys("2", "Return")
    second.keys("2", "Return")
    wait_for("both decisions to be recorded", lambda: len(events(queue_db)) == 2, first)
    wait_for("both instances to say so", lambda: len(first.recorded()) == len(second.recorded()) == 1, second)
    first.kill()
    second.kill()
    stored = events(queue_db)
    items = [item for _, item, _ in stored]
    assert len(set(items)) == 2, f"each instance decided its own item, got {stored}"
    assert sorted(first.recorded() + second.recorded()) == sorted(stored)
    assert integrity(queue_db) == "ok"


def journals(data_dir: Path) -> list[Path]:
    """Journals of unsaved decisions (core/journal.py) under the app's per-user data folder."""
    return sorted((data_dir / "outbox").glob("*/*.json"))


def test_sigkill_during_an_outage_the_next_start_saves_the_decision_once(
    launch: Callable[[Path, str], App], queue_db: Path
) -> None:
    """The database is locked by another program; the reviewer decides (shown as not saved,
    kept on this computer); the app is killed. Started again after the lock is gone, the
    app saves that decision: once, under its id, dated when it was made."""
    data_dir = Path(os.environ["MODERATOR_DATA_DIR"])  # per test (tests/conftest.py), inherited by the app
    app = launch(queue_db, "e2e")
    app.wait_window()
    lock = sqlite3.connect(queue_db, isolation_level=None, timeout=10)
    lock.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        decided_after = time.time()
        app.keys("6", "Return")
        # The write gives up after the app's busy timeout (5 s); the writer keeps it in the journal.
        wait_for("the decision to be kept in the journal", lambda: len(journals(data_dir)) == 1, app)
        kept = json.loads(journals(data_dir)[0].read_text())["writes"]
        assert len(kept) == 1 and kept[0]["decision"]["kind"] == "decide"
        app.kill()
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert events(queue_db) == [], "nothing was written while the database was locked"
    uuid = kept[0]["decision"]["uuid"]

    again = launch(queue_db, "e2e")
    again.wait_window()
    wait_for("the kept decision to be saved", lambda: [u for u, _, _ in events(queue_db)] == [uuid], again)
    wait_for("the old journal to be retired", lambda: journals(data_dir) == [], again)
    assert (uuid, kept[0]["decision"]["item_id"], "decide") in again.recorded()
    con = sqlite3.connect(f"file:{queue_db}?mode=ro", uri=True)
    try:
        (decided_at,) = con.execute("SELECT decided_at FROM decisions WHERE uuid = ?", (uuid,)).fetchone()
    finally:
        con.close()
    made = datetime.fromisoformat(str(decided_at)).replace(tzinfo=UTC).timestamp()
    assert decided_after - 1 <= made <= decided_after + 10, "dated when the reviewer decided, not when it was saved"
    again.kill()
    assert integrity(queue_db) == "ok"
