"""Qt test infrastructure for the UI tests.

* Offscreen by default (set before any Qt import), so the tests run headless.
* QSettings point at a temporary folder: tests never read or write a developer's settings.
* An autouse fixture FAILS a test that leaks top-level widgets or threads (like napari's):
  a leaked window or a worker still running after the test is a bug that becomes a
  crash or a hang on quit in the real app.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import contextlib
import gc
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThreadPool
from PySide6.QtWidgets import QApplication
from sqlalchemy import event, insert
from sqlalchemy.engine import Engine

from factories import item_values
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import items_t
from moderator_gui.ui.tasks import TaskRunner

REPO = Path(__file__).resolve().parents[2]
LEAK_GRACE_S = 5.0


def _flush_deletes() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    gc.collect()


def _live_threads() -> set[threading.Thread]:
    # _DummyThread: Python's record of a foreign (Qt pool) thread that once ran Python code;
    # it is never removed, so it says nothing about a thread still running.
    return {t for t in threading.enumerate() if t.is_alive() and not isinstance(t, threading._DummyThread)}


# The offscreen platform plugin warns about window-manager requests it cannot pass on;
# that says nothing about the app, every other Qt warning still fails the test.
OFFSCREEN_NOISE = r"This plugin does not support (propagateSizeHints|raise)\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/tests/ui/" in str(item.path).replace(os.sep, "/"):
            # pytest-qt reads only the closest qt_log_ignore marker: merge with the test's own.
            own = item.get_closest_marker("qt_log_ignore")
            patterns = (*(own.args if own else ()), OFFSCREEN_NOISE)
            item.add_marker(pytest.mark.qt_log_ignore(*patterns), append=False)


@pytest.fixture(scope="session", autouse=True)
def _english(qapp: QApplication) -> None:
    """The UI in English, as the app installs it (with its plural forms: "1 decision")."""
    from moderator_gui.ui.i18n import install_translators

    install_translators(qapp, "en")


@pytest.fixture(autouse=True)
def _qsettings_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every QSettings (INI) of the test lives in its own temporary folder."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(folder))
    return folder


def _busy_pools(runners: weakref.WeakSet[TaskRunner]) -> int:
    """Worker threads (QThreads of QThreadPools) still running a task."""
    busy = QThreadPool.globalInstance().activeThreadCount()
    for r in list(runners):
        with contextlib.suppress(RuntimeError):  # the C++ object is gone: its threads were joined
            busy += r._pool.activeThreadCount()
    return busy


@pytest.fixture(autouse=True)
def _fail_on_leaks(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test if it leaves top-level widgets or running threads behind.

    Python threads are seen in ``threading``; Qt's pool threads are not, so every
    TaskRunner made during the test is tracked and its pool must be idle at the end.
    Set up before ``qtbot`` (autouse), so it is torn down after qtbot has closed
    the widgets the test registered.
    """
    runners: weakref.WeakSet[TaskRunner] = weakref.WeakSet()
    original_init = TaskRunner.__init__

    def tracking_init(self: TaskRunner, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        runners.add(self)

    monkeypatch.setattr(TaskRunner, "__init__", tracking_init)
    before_widgets = {id(w) for w in QApplication.topLevelWidgets()}
    before_threads = _live_threads()
    yield
    _flush_deletes()
    deadline = time.monotonic() + LEAK_GRACE_S
    while True:
        leaked_threads = _live_threads() - before_threads
        busy_pool = _busy_pools(runners)
        if (not leaked_threads and not busy_pool) or time.monotonic() > deadline:
            break
        time.sleep(0.02)
        _flush_deletes()
    widgets = [
        w
        for w in QApplication.topLevelWidgets()
        if id(w) not in before_widgets and w.objectName() != "qt_scrollarea_viewport" and not _is_qt_internal(w)
    ]
    problems = []
    if widgets:
        problems.append("leaked top-level widgets: " + ", ".join(f"{type(w).__name__}({w.objectName()!r})" for w in widgets))
    if leaked_threads:
        problems.append("leaked threads: " + ", ".join(t.name for t in leaked_threads))
    if busy_pool:
        problems.append(f"{busy_pool} worker (QThreadPool) thread(s) still running a task")
    for w in widgets:  # do not let one leak fail every later test too
        w.close()
        w.deleteLater()
    _flush_deletes()
    if problems:
        pytest.fail("; ".join(problems))


def _is_qt_internal(w: Any) -> bool:
    # Popups Qt creates lazily and keeps for the life of the app (combo box lists, tooltips).
    return type(w).__name__ in ("QComboBoxPrivateContainer", "QTipLabel", "QMenu") and not w.isVisible()


UI_PACKAGE = str(REPO / "moderator_gui" / "ui") + os.sep


def _ui_caller() -> str | None:
    """The innermost frame of the Qt layer on the current stack ("file:line (function)"), if any."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(UI_PACKAGE):
            return f"{Path(frame.f_code.co_filename).name}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back  # type: ignore[assignment]
    return None


@pytest.fixture(autouse=True)
def sql_on_gui_thread() -> Iterator[list[str]]:
    """FAIL any test in which the Qt layer executes SQL on the GUI thread.

    The architecture's rule (the window never waits on the database) made checkable: every
    statement any engine executes on the main (GUI) thread is traced back to its caller; if
    the stack holds a frame of ``moderator_gui/ui``, the desk did it. Statements a test runs
    itself (fixtures filling a database, assertions reading it) have no such frame.
    """
    found: list[str] = []

    def check(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if threading.current_thread() is threading.main_thread():
            caller = _ui_caller()
            if caller is not None:
                found.append(f"{statement.split(None, 1)[0] if statement.strip() else '?'} from {caller}")

    event.listen(Engine, "before_cursor_execute", check)
    try:
        yield found
    finally:
        event.remove(Engine, "before_cursor_execute", check)
    if found:
        pytest.fail("SQL executed on the GUI thread: " + "; ".join(sorted(set(found))[:5]))


@pytest.fixture
def ui_store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite file."""
    s = Store.open(tmp_path / "x.sqlite3")
    yield s
    s.close()


@pytest.fixture
def quick_store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite file whose store gives up on a lock after 150 ms (the app's default waits 5 s)."""
    s = Store.open(tmp_path / "quick.sqlite3", busy_timeout_ms=150)
    yield s
    s.close()


@pytest.fixture
def add_items() -> Callable[..., list[int]]:
    """``add_items(store, n, **overrides)``: insert n items in one transaction; returns their ids."""

    def add(store: Store, n: int, **overrides: Any) -> list[int]:
        rows = [item_values(**overrides) for _ in range(n)]
        with store.write() as conn:
            return list(conn.execute(insert(items_t).returning(items_t.c.id, sort_by_parameter_order=True), rows).scalars())

    return add


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    r = TaskRunner(name="test-reads")
    yield r
    r.shutdown()
    r.deleteLater()


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(os.environ.get("MODERATOR_TEST_ARTIFACTS", REPO / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def make_window(qtbot: Any, ui_store: Store, runner: TaskRunner) -> Iterator[Callable[..., Any]]:
    """``make_window(reviewer=, lang=, bridge=, store=, break_interval_ms=, journal=, identity=)``: a shown, active
    main window (``identity``: the login's team role, ``store.identity()``; None: a solo desk).

    Teardown waits for the session's writes, then shuts the window down cleanly.
    """
    from moderator_gui.ui.main_window import Desk, MainWindow
    from moderator_gui.ui.wellbeing import app_settings

    windows: list[MainWindow] = []

    def make(
        *,
        reviewer: str = "alice",
        lang: str = "en",
        bridge: Any = None,
        store: Store | None = None,
        break_interval_ms: int | None = None,
        wait_for_item: bool = True,
        journal: Any = None,
        identity: Any = None,
    ) -> MainWindow:
        st = store or ui_store
        desk = Desk(st, runner, st.policy, reviewer, lang, app_settings(), bridge, break_interval_ms, journal, identity)
        w = MainWindow(desk)
        # pytest-qt closes and deletes its widgets before this fixture's teardown: let a write
        # still on its way (a test may end right after a key press) finish first.
        qtbot.addWidget(w, before_close_func=settle)
        windows.append(w)
        w.show()
        w.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5000)
        if wait_for_item:
            qtbot.waitUntil(lambda: w.session.current is not None, timeout=5000)
        return w

    def settle(w: MainWindow) -> None:
        try:
            qtbot.waitUntil(lambda: w.session.unsaved == 0 or w.session.waiting_for_retry, timeout=10_000)
        finally:
            w.shutdown()

    yield make
    for w in windows:
        if not w._shut_down:  # (a window the test deleted itself is shut down already)
            settle(w)
    # Reads still running report to the windows' models: let them land while those exist.
    runner.wait()
    QCoreApplication.processEvents()


class FakeMediaService:
    """Stands in for core.media.MediaService (same contract): answers from a worker thread
    with images it "rendered" (Pillow-drawn PNGs in a temp folder).

    ``images[sha]`` = (w, h) picture size; ``failures[sha]`` = reason; ``frames[sha]`` = timestamps.
    """

    def __init__(self, folder: Path) -> None:
        import queue

        self.folder = folder
        self.failures: dict[str, str] = {}
        self.frames: dict[str, list[int]] = {}
        self.requests: list[tuple[str, str, float]] = []
        self.reprioritized: list[dict[str, float]] = []
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="fake-media", daemon=True)
        self._thread.start()

    @staticmethod
    def picture(path: Path, size: tuple[int, int], seed: int) -> None:
        """A sharp, colourful test pattern: stripes of pure colours (easy to tell blurred/gray pixels)."""
        from PIL import Image, ImageDraw

        img = Image.new("RGB", size, (255, 255, 255))
        d = ImageDraw.Draw(img)
        colours = [(255, 0, 0), (0, 160, 0), (0, 0, 255), (255, 255, 255)]
        stripe = max(2, size[0] // 16)
        for i, x in enumerate(range(0, size[0], stripe)):
            d.rectangle([x, 0, x + stripe - 1, size[1]], fill=colours[(i + seed) % len(colours)])
        img.save(path)

    def request(self, job: Any, priority: float, callback: Callable[[Any], None]) -> None:
        self.requests.append((job.sha256, job.kind.value, priority))
        self._jobs.put((job, callback))

    def reprioritize(self, sha_priorities: dict[str, float]) -> None:
        self.reprioritized.append(dict(sha_priorities))

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(5)

    def _work(self) -> None:
        from moderator_gui.core.media.types import Frame, MediaKind, MediaResult

        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, callback = item
            if job.sha256 in self.failures:
                callback(MediaResult(job.sha256, job.kind, False, self.failures[job.sha256], None, None))
                continue
            size = {MediaKind.THUMB: (256, 192), MediaKind.PREVIEW: (640, 480), MediaKind.STRIP: (256, 192)}[job.kind]
            seed = int(job.sha256[:4], 16)
            if job.kind == MediaKind.STRIP:
                frames = []
                for i, ts in enumerate(self.frames.get(job.sha256, [0, 100, 200])):
                    p = self.folder / f"{job.sha256}-f{i}.png"
                    self.picture(p, size, seed + i)
                    frames.append(Frame(p, ts))
                callback(MediaResult(job.sha256, job.kind, True, None, {}, frames[0].path, tuple(frames)))
                continue
            p = self.folder / f"{job.sha256}-{job.kind.value}.png"
            self.picture(p, size, seed)
            callback(MediaResult(job.sha256, job.kind, True, None, {}, p))


@pytest.fixture
def fake_media(tmp_path: Path, qapp: QApplication) -> Iterator[tuple[FakeMediaService, Any]]:
    """(service, bridge): a MediaBridge over a FakeMediaService; closed after the test."""
    from moderator_gui.ui.media_bridge import MediaBridge

    folder = tmp_path / "media-cache"
    folder.mkdir()
    service = FakeMediaService(folder)
    bridge = MediaBridge(service)
    yield service, bridge
    bridge.close()
    bridge.deleteLater()
