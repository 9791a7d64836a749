"""`moderator-gui [--db PATH_OR_URL] [--reviewer NAME] [--lang en|zh_CN] [--demo]`.

Start-up never blocks the GUI thread: the database is opened (and, with
``--demo``, a sample queue generated into a throwaway folder) in the background
while a small window says what is happening; a failure is shown in words and
the program exits cleanly. The demo folder is removed on exit.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import signal
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressBar, QVBoxLayout, QWidget

from moderator_gui.core.journal import DecisionJournal, JournalError, Orphan
from moderator_gui.core.media.worker_pool import DEFAULT_WORKERS, Prestarted
from moderator_gui.core.messages import Message
from moderator_gui.core.store import AuthenticationError, Store, StoreError
from moderator_gui.core.store.engine import server_target
from moderator_gui.core.store.team import Identity
from moderator_gui.core.store.watch import ChangeWatcher
from moderator_gui.ui.i18n import install_translators
from moderator_gui.ui.main_window import LANGUAGE_KEY, Desk, MainWindow
from moderator_gui.ui.media_bridge import MediaBridge, open_media_service
from moderator_gui.ui.message_text import message_text
from moderator_gui.ui.reviewer_prompt import ask_reviewer
from moderator_gui.ui.tasks import TaskRunner
from moderator_gui.ui.team_login import ask_password, refuse_reviewer_option
from moderator_gui.ui.wellbeing import APPLICATION, ORGANIZATION, app_settings

log = logging.getLogger(__name__)

DEMO_ITEMS = 60
SIGNAL_POLL_MS = 250  # how soon SIGTERM/SIGINT take effect while the event loop runs
DEMO_DECIDED = 40  # some history, so the context panel and statistics have something to show


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    p = argparse.ArgumentParser(prog="moderator-gui", description="Review flagged media for content harmful to minors.")
    p.add_argument("--db", metavar="PATH_OR_URL", help="database file or SQLAlchemy URL (default: your data folder)")
    p.add_argument("--reviewer", metavar="NAME", help="your name, recorded with each decision (asked once if missing)")
    p.add_argument(
        "--lang", choices=("en", "zh_CN"), help="language of the interface (default: as last chosen, else the system's)"
    )
    p.add_argument("--demo", action="store_true", help="open a generated sample queue in a throwaway folder")
    # Unknown options (-platform, -style…) are Qt's.
    return p.parse_known_args(argv)


def pick_language(requested: str | None, settings: QSettings) -> str:
    if requested:
        return requested
    saved = settings.value(LANGUAGE_KEY, "")
    if saved in ("en", "zh_CN"):
        return str(saved)
    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def install_language(app: QApplication, lang: str) -> str:
    """Install the translations; English if that language's catalogue cannot be loaded."""
    try:
        install_translators(app, lang)
    except ValueError as exc:
        log.warning("%s; showing English", exc)
        return "en"
    return lang


def apply_color_scheme(app: QApplication, scheme: Qt.ColorScheme | None = None) -> None:
    """Follow the system's light/dark scheme (or ``scheme``), also where the platform theme gives no dark palette."""
    dark = (scheme if scheme is not None else app.styleHints().colorScheme()) == Qt.ColorScheme.Dark
    window_is_dark = app.palette().color(QPalette.ColorRole.Window).lightness() < 128
    if dark == window_is_dark:
        return
    if not dark:
        app.setPalette(app.style().standardPalette())
        return
    p = QPalette()
    base, window, text = QColor(30, 30, 32), QColor(45, 45, 48), QColor(230, 230, 230)
    for role, colour in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, window),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Highlight, QColor(37, 99, 235)),
        (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
        (QPalette.ColorRole.PlaceholderText, QColor(150, 150, 150)),
    ):
        p.setColor(role, colour)
    app.setPalette(p)


class StartupWindow(QWidget):
    """Says what start-up is doing (opening the database, preparing the sample queue)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Moderator"))
        lay = QVBoxLayout(self)
        self.label = QLabel(self.tr("Opening the database…"), self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        lay.addWidget(self.label)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        lay.addWidget(self.bar)
        self.resize(420, 100)

    def show_preparing_demo(self) -> None:
        self.label.setText(self.tr("Preparing the sample queue…"))

    def demo_progress(self, value: tuple[str, int, int]) -> None:
        stage, done, total = value
        self.label.setText(self.tr("Preparing the sample queue… (%1)").replace("%1", stage))
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)


@dataclass
class _Opened:
    store: Store
    demo_dir: Path | None = None
    journal: DecisionJournal | None = None
    orphans: list[Orphan] = field(default_factory=list)  # unsaved writes of earlier sessions
    identity: Identity | None = None  # the login and its team role (a server); None: a SQLite file


@dataclass
class _App:
    """What must be cleaned up on exit, whatever happened."""

    store: Store | None = None
    demo_dir: Path | None = None
    window: MainWindow | None = None
    bridge: MediaBridge | None = None
    error_box: QMessageBox | None = None
    journal: DecisionJournal | None = None
    watcher: ChangeWatcher | None = None


@dataclass
class _Holder:
    """What the opening worker made, until the GUI thread takes it over (or cleans it up):
    if the start-up window is closed meanwhile, the ``opened`` callback never comes."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    store: Store | None = None
    demo_dir: Path | None = None
    journal: DecisionJournal | None = None

    def put(self, *, store: Store | None = None, demo_dir: Path | None = None, journal: DecisionJournal | None = None) -> None:
        with self.lock:
            if store is not None:
                self.store = store
            if demo_dir is not None:
                self.demo_dir = demo_dir
            if journal is not None:
                self.journal = journal

    def take(self) -> tuple[Store | None, Path | None, DecisionJournal | None]:
        with self.lock:
            taken = (self.store, self.demo_dir, self.journal)
            self.store = self.demo_dir = self.journal = None
            return taken

    def clean_up(self) -> None:
        store, folder, journal = self.take()
        if journal is not None:
            journal.close()
        if store is not None:
            store.close()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def open_journal(store: Store) -> tuple[DecisionJournal | None, list[Orphan]]:
    """This instance's journal of unsaved decisions for ``store``, and the journals left by
    earlier sessions that ended before saving everything (worker thread: file I/O)."""
    journal = DecisionJournal.for_database(store.describe())
    try:
        journal.open()
        return journal, journal.orphans()
    except (JournalError, OSError) as exc:
        # The desk still works; unsaved decisions are then kept in memory only (the banner says so).
        log.warning("unsaved decisions will be kept in memory only: %s", exc)
        journal.close()
        return None, []


def _open(db: str | None, demo: bool, report: Any, holder: _Holder | None = None) -> _Opened:
    """Runs in a worker thread. What it makes is in ``holder`` as soon as it exists."""
    holder = holder if holder is not None else _Holder()
    if not demo:
        store = Store.open(db)
        holder.put(store=store)
        identity = store.identity() if store.dialect == "postgresql" else None
        journal, orphans = open_journal(store)
        if journal is not None:
            holder.put(journal=journal)
        return _Opened(store, None, journal, orphans, identity)
    from moderator_gui.core.demo import generate_demo

    folder = Path(tempfile.mkdtemp(prefix="moderator-demo-"))
    holder.put(demo_dir=folder)
    try:
        store = Store.open(folder / "demo.sqlite3")
        holder.put(store=store)
        generate_demo(store, folder, items=DEMO_ITEMS, decided=DEMO_DECIDED, progress=lambda s, d, t: report((s, d, t)))
    except BaseException:
        holder.clean_up()
        raise
    return _Opened(store, folder)  # a throwaway queue: no journal to outlive it


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    """INFO and above to stderr, timestamped, unless the embedding program configured logging."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format=LOG_FORMAT)
        # Alembic narrates every start ("Context impl SQLiteImpl..."); only its problems matter here.
        logging.getLogger("alembic").setLevel(logging.WARNING)


def quit_on_signals(app: QApplication) -> tuple[QTimer, dict[signal.Signals, Any]]:
    """SIGTERM (logout, `kill`) and SIGINT (Ctrl+C) close the windows as the user would:
    writes in flight finish, unsaved decisions are asked about, temporary files go.

    Python runs signal handlers only between bytecodes, and Qt's event loop is C++:
    the returned timer wakes the interpreter a few times a second. Also returns the
    handlers it replaced, for ``restore_signals``.
    """

    def close(_signum: int, _frame: object) -> None:
        app.closeAllWindows()
        if not any(w.isVisible() for w in app.topLevelWidgets()):
            app.quit()  # e.g. still on the start-up window, or nothing shown yet

    previous = {sig: signal.signal(sig, close) for sig in (signal.SIGTERM, signal.SIGINT)}
    wake = QTimer(app)
    wake.start(SIGNAL_POLL_MS)
    return wake, previous


def restore_signals(wake: QTimer, previous: dict[signal.Signals, Any]) -> None:
    wake.stop()
    wake.deleteLater()
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def run(argv: list[str]) -> int:
    args, qt_args = parse_args(argv)
    configure_logging()
    if QApplication.instance() is None:
        # Fractional scale factors (150 %) as they are, not rounded: crisp text on high-DPI screens.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "moderator-gui", *qt_args])
    assert isinstance(app, QApplication)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app.setStyle("Fusion")
    apply_color_scheme(app)
    app.styleHints().colorSchemeChanged.connect(lambda s: apply_color_scheme(app, s))
    settings = app_settings()
    # Command-line choices are for this run; what is remembered changes only in the app.
    lang = install_language(app, pick_language(args.lang, settings))
    # On a server the reviewer is the login, whatever a desk would like to call itself.
    server = None if args.demo else server_target(args.db)
    reviewer: str | None = None
    if server is not None:
        if args.reviewer:
            return refuse_reviewer_option(server.user)
    elif args.reviewer and args.reviewer.strip():
        reviewer = args.reviewer.strip()
    else:
        reviewer = ask_reviewer(settings)
        if reviewer is None:
            return 1

    state = _App()
    # The media workers start now, while the database opens (and the demo queue is made): they
    # are warm when the first thumbnails are asked for. Those the service does not take, and
    # all of them if the app ends first, are stopped on the way out.
    ahead = Prestarted(DEFAULT_WORKERS)
    runner = TaskRunner(app, name="reads")
    startup = StartupWindow()
    if args.demo:
        startup.show_preparing_demo()
    startup.show()
    exit_code = {"code": 0}
    holder = _Holder()

    def opened(result: _Opened) -> None:
        holder.take()  # from now on ``state`` owns them
        state.store, state.demo_dir, state.journal = result.store, result.demo_dir, result.journal
        state.bridge = MediaBridge(open_media_service(result.store, ahead), app)
        # Changes made by other processes and desks reach this desk's views.
        state.watcher = ChangeWatcher(result.store).start()
        who = result.identity.login if result.identity is not None and result.identity.login else reviewer or "?"
        desk = Desk(
            result.store, runner, result.store.policy, who, lang, settings, state.bridge, journal=result.journal,
            identity=result.identity,
        )  # fmt: skip
        state.window = MainWindow(desk)
        state.window.show()
        state.window.session.adopt(result.orphans)
        startup.close()
        log.info("ready: reviewer %s on %s", who, result.store.describe())

    def open_database(target: str | None) -> None:
        runner.run(
            lambda report: _open(target, args.demo, report, holder),
            progress=True,
            on_progress=startup.demo_progress,
            on_done=opened,
            on_error=failed,
            label="open",
        )

    def failed(exc: BaseException) -> None:
        if server is not None and isinstance(exc, AuthenticationError):
            # No password found (ask for it), or a wrong one (ask again, saying so).
            reason = exc.msg.args.get("reason", exc.msg)
            asked = isinstance(reason, Message) and reason.code == "store.password_needed"
            problem = None if asked else message_text(exc.msg)
            password = ask_password(server, problem, startup)
            if password is not None:
                open_database(server.with_password(password))
                return
            exit_code["code"] = 1
            startup.close()
            return
        startup.close()
        if isinstance(exc, StoreError):
            text = message_text(exc.msg)
        elif isinstance(exc, ImportError):
            text = QCoreApplication.translate("main", "The sample queue cannot be made: %1").replace("%1", str(exc))
        else:
            log.error("start-up failed: %s", getattr(exc, "__traceback_text__", repr(exc)))
            text = repr(exc)
        exit_code["code"] = 2
        box = QMessageBox(QMessageBox.Icon.Critical, QCoreApplication.translate("main", "Cannot start"), text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # Closing the message box is closing the last window: the event loop ends by itself.
        box.open()
        state.error_box = box  # keeps the Python wrapper alive while the box is shown

    open_database(args.db)
    wake, previous_handlers = quit_on_signals(app)
    try:
        code = app.exec()
    finally:
        restore_signals(wake, previous_handlers)
        runner.shutdown()
        holder.clean_up()  # opened after the start-up window was closed: nobody took them
        if state.watcher is not None:
            state.watcher.stop()
        if state.bridge is not None:
            state.bridge.close()
        ahead.close()
        if state.journal is not None:
            state.journal.close()  # the file stays if it holds unsaved decisions
        if state.store is not None:
            state.store.close()
        if state.demo_dir is not None:
            shutil.rmtree(state.demo_dir, ignore_errors=True)
        startup.deleteLater()
        if state.window is not None:
            state.window.deleteLater()
    return exit_code["code"] or code
