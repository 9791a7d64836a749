"""The reviewer's desk: queue (left), viewer + context (centre), decision panel (right).

The window only assembles widgets and wires them: the keymap table makes its QActions
(menus, shortcuts, buttons: desk_actions.py) and desk_commands.py says what each command
does, :class:`ReviewSession`
owns the decision loop, the widgets own their own display; the layout
(desk_layout.py), the banners (desk_banners.py), the other windows (desk_tools.py)
and the question asked when quitting with unsaved decisions (quit_confirmation.py)
have their own modules.
Every dependency is passed in (:class:`Desk`); nothing here is global.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from moderator_gui.core.changes import Changes
from moderator_gui.core.journal import DecisionJournal
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import QueueFilter, QueueRow, RecordedEvent, Store
from moderator_gui.core.store.team import Identity
from moderator_gui.ui import keymap
from moderator_gui.ui.banner import BannerArea
from moderator_gui.ui.change_feed import ChangeFeed
from moderator_gui.ui.claim_keeper import ClaimKeeper
from moderator_gui.ui.cluster_batch import ClusterBatch
from moderator_gui.ui.context_panel import ContextPanel
from moderator_gui.ui.decision_panel import DecisionPanel, EscapeLeaves
from moderator_gui.ui.desk_actions import DeskActions
from moderator_gui.ui.desk_banners import DeskBanners
from moderator_gui.ui.desk_commands import DeskCommands
from moderator_gui.ui.desk_goto import DeskGoTo
from moderator_gui.ui.desk_layout import arrange, default_size, remember, restore_geometry
from moderator_gui.ui.desk_tools import LANGUAGE_KEY, DeskTools
from moderator_gui.ui.i18n import current_language
from moderator_gui.ui.media_bridge import MediaBridge
from moderator_gui.ui.paint_gate import PaintGate
from moderator_gui.ui.queue_model import QueueModel
from moderator_gui.ui.queue_view import QueueView
from moderator_gui.ui.quit_confirmation import confirm_discard
from moderator_gui.ui.review_session import ReviewSession
from moderator_gui.ui.session_history import SessionHistoryModel
from moderator_gui.ui.tasks import TaskRunner
from moderator_gui.ui.viewer import Viewer
from moderator_gui.ui.watchdog import Watchdog
from moderator_gui.ui.wellbeing import BreakReminder, Wellbeing

log = logging.getLogger(__name__)

# (LANGUAGE_KEY and default_size live with the code that uses them; main.py and tests import them from here.)
__all__ = ["LANGUAGE_KEY", "Desk", "MainWindow", "default_size"]


@dataclass
class Desk:
    """Everything the window needs, made by ``main.run`` (or by a test)."""

    store: Store
    runner: TaskRunner
    policy: Policy
    reviewer: str
    lang: str
    settings: QSettings
    bridge: MediaBridge | None = None
    break_interval_ms: int | None = None  # None: the reviewer's setting (tests use a short one)
    journal: DecisionJournal | None = None  # unsaved decisions kept on this computer (None: in memory only)
    identity: Identity | None = None  # the login and its team role (None: solo, the desk names its reviewer)

    @property
    def lead(self) -> bool:
        return self.identity is None or not self.identity.team or self.identity.is_lead


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self._closing = False
        self._shut_down = False
        restore_geometry(self, desk.settings)

        self.wellbeing = Wellbeing(desk.settings, desk.reviewer, self)
        self.model = QueueModel(desk.store, desk.runner, self.wellbeing, desk.bridge, self, viewer=desk.reviewer)
        # Every committed write (this desk's, another process's, another desk's) reaches the
        # window here, once per turn of the event loop; the panes update what it changed.
        self.change_feed = ChangeFeed(desk.store, self)
        self.change_feed.changed.connect(self.model.apply_changes)
        self.change_feed.changed.connect(self._on_changes)
        self.session = ReviewSession(
            desk.store, desk.runner, self.model, desk.policy, desk.reviewer, self, lang=desk.lang, journal=desk.journal,
            lead=desk.lead,
        )  # fmt: skip
        # The item on screen and the next few are this desk's (claims); others' are read-only.
        self.claims = ClaimKeeper(desk.store, desk.reviewer, self, pending=self.session.pending_items)
        self.session.before_saving_adopted = self.claims.release_then
        self.session.current_changed.connect(self.claims.showing)
        self.session.recorded.connect(self.claims.top_up)
        self.claims.taken.connect(self.session.taken_elsewhere)
        self.cluster_batch = ClusterBatch(desk.store, self.session, desk.policy, self)
        self.history_model = SessionHistoryModel(self.session, desk.policy, desk.lang, self)
        self.reminder = BreakReminder(self.wellbeing, self, interval_ms=desk.break_interval_ms)
        self.watchdog = Watchdog(self)
        self.paint_gate = PaintGate(self)

        self.banners = BannerArea(self)
        self.queue_view = QueueView(self.model, desk.store, desk.runner, self)
        self.viewer = Viewer(desk.bridge, self.wellbeing, self)
        self.context = ContextPanel(
            desk.store, desk.runner, desk.policy, desk.lang, self, wellbeing=self.wellbeing, bridge=desk.bridge
        )
        self.panel = DecisionPanel(desk.policy, desk.lang, self.history_model, self)
        self.panel.note.installEventFilter(EscapeLeaves(self.queue_view.table, self))
        # Tab goes from the queue straight to the note (the placeholder says so), and back.
        QWidget.setTabOrder(self.queue_view.table, self.panel.note)
        QWidget.setTabOrder(self.panel.note, self.queue_view.find_box)

        self._splitters = arrange(self, desk.settings, self.banners, self.queue_view, self.viewer, self.context, self.panel)

        self.status_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.status_label)

        self.tools = DeskTools(self, desk, self.wellbeing)
        self.commands = DeskCommands(self)
        desk_actions = self._desk_actions = DeskActions(self, self.commands.handlers(), desk.policy, self.wellbeing)
        self.desk_actions, self._menus = desk_actions.actions, desk_actions.menus
        desk_actions.label(desk.lang)
        for command in keymap.LEAD_COMMANDS:  # hidden (and their keys off) at a reviewer's desk
            self.desk_actions[command].setVisible(desk.lead)
        desk_actions.hide_empty_menus()  # a reviewer's File menu (only lead commands in it)
        acts = self.desk_actions
        self.panel.connect_actions(acts["record"], acts["skip"], acts["escalate"], acts["undo"])
        self._retranslate()

        # Wiring: selection <-> session -> widgets.
        self.queue_view.current_row_changed.connect(self.session.set_current_row)
        self.session.select_requested.connect(self._select_in_queue)
        self.session.current_changed.connect(self._show_item)
        self.session.refused.connect(self.panel.show_message)
        self.session.recorded.connect(self._on_recorded)
        self.session.local_state_changed.connect(self.model.set_local_state)
        self.session.entries_changed.connect(self._update_status)
        self.session.idle.connect(self._on_idle)
        self.cluster_batch.finished.connect(self._on_idle)
        self.session.write_finished.connect(self.paint_gate.release)
        self.paint_gate.released.connect(self._sync_panes)
        self._desk_banners = DeskBanners(self.banners, self.session, self.model, self.reminder, self)
        self.cluster_batch.banner.connect(self._desk_banners.show_batch)
        self.goto = DeskGoTo(self.queue_view, self.model, self.session, self)
        self.goto.not_found.connect(
            lambda _item: self.statusBar().showMessage(
                self.tr("That item is not there any more: it changed meanwhile (another lead may have decided it)."), 5000
            )
        )
        self.watchdog.start()
        self.model.set_filter(QueueFilter(status="open"))
        self.claims.start()
        self.queue_view.table.setFocus()

    def open_item(self, item_id: int, status: str) -> None:
        """Show this item here (the queue filtered to ``status``) and bring the desk forward."""
        self.goto.show_item(item_id, status)
        self.raise_()
        self.activateWindow()

    def _retranslate(self) -> None:
        """This window's own texts in the current language."""
        self.setWindowTitle(self.tr("Moderator — %1").replace("%1", self.desk.reviewer))
        self.statusBar().showMessage(
            self.tr("Reviewer: %1 · Database: %2").replace("%1", self.desk.reviewer).replace("%2", self.desk.store.describe())
        )
        self._update_status()

    def set_language(self, lang: str) -> None:
        """Show the desk in ``lang`` now (its translations are installed): every pane relabels
        itself; the policy's category and action labels follow. Nothing is rebuilt or reloaded."""
        self.desk.lang = lang
        self._desk_actions.label(lang)
        self._retranslate()
        self.queue_view.retranslate()
        self.model.retranslate()
        self.viewer.retranslate()
        self.context.set_language(lang)
        self.panel.set_language(lang)
        self.session.set_language(lang)
        self.history_model.set_language(lang)

    def _show_item(self, row: QueueRow | None) -> None:
        self.viewer.show_item(row)
        if self.session.submitting:
            # Enter was pressed: the next item goes on screen now, alone; the decision panel,
            # the queue's selection, the context and the rest of the window follow once the
            # decision's commit is acknowledged, in one paint (paint_gate.py).
            self.paint_gate.paint_through(self.viewer.paint_now)
            self.paint_gate.hold()
        self.panel.reset()  # before this handler returns: the next key press is about this item
        self._show_match(row)
        if QApplication.focusWidget() is self.panel.note:
            self.queue_view.table.setFocus()
        if not self.paint_gate.held:
            self._sync_panes()

    def _show_match(self, row: QueueRow | None) -> None:
        """A hash-list match: a banner, and its category pre-selected (the reviewer still records it)."""
        policy = self.desk.policy
        code = row.match_category if row is not None else None
        if row is None or row.match_source is None or code is None or not policy.has_category(code):
            self._desk_banners.show_match(None, str)
            return
        self._desk_banners.show_match(row.match_source, lambda: policy.category(code).label.get(self.desk.lang))
        self.panel.choose_category(code)

    def _select_in_queue(self, row: int) -> None:
        # While the gate holds, _sync_panes selects it when the gate opens.
        if not self.paint_gate.held and self.queue_view.current_row() != row:
            self.queue_view.select_row(row)

    def _sync_panes(self) -> None:
        """The queue's selection, the context and the item rendered ahead follow the current
        item (whichever it is by now: a click meanwhile wins)."""
        if self._shut_down:
            return  # (the gate opened while closing: nothing may start now)
        row = self.session.current
        if self.queue_view.current_row() != self.session.current_row:
            self.queue_view.select_row(self.session.current_row)
        if self.context.row != row:
            self.context.show_item(row)
        # Rendering the item ahead (a worker thread's work) starts after the commit, not
        # beside it: it has the reviewer's whole look at this item to finish.
        for ahead in self.session.upcoming():
            self.viewer.preload(ahead)

    def _on_recorded(self, _ev: RecordedEvent) -> None:
        self.reminder.item_reviewed()

    def _on_changes(self, changes: Changes) -> None:
        """A decision on another item of the same account or media is history of the shown one."""
        cur = self.session.current
        if cur is None or not (changes.events or changes.everything):
            return
        for item_id in changes.items:
            row = self.model.row_of(item_id)
            if item_id == cur.id or row is None:
                continue
            other = self.model.row_at(row)
            if (cur.uploader and other.uploader == cur.uploader) or (cur.sha256 and other.sha256 == cur.sha256):
                self.context.refresh_history()
                return

    # -- status -------------------------------------------------------------------------------
    def _update_status(self) -> None:
        n = self.session.unsaved
        self.status_label.setText(self.tr("%n decision(s) saving…", "", n) if n else self.tr("All decisions saved"))

    # -- reveal while held -----------------------------------------------------------------------
    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        # R's press is a shortcut (the keymap); its release reaches the window from the
        # focused widget, which ignores it. (Not an application-wide event filter: that
        # would run Python for every event of the program.)
        if event.key() == Qt.Key.Key_R and not event.isAutoRepeat():
            self.wellbeing.set_revealed(False)
        super().keyReleaseEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # R held while the window loses the keyboard (Alt+Tab, a dialog): its release goes
        # elsewhere. Never leave the media revealed behind the reviewer's back.
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            self.wellbeing.set_revealed(False)
        elif event.type() == QEvent.Type.LanguageChange and hasattr(self, "_menus"):
            # New translations were installed (settings, or another window): relabel everything.
            self.set_language(current_language())
        super().changeEvent(event)

    # -- closing -------------------------------------------------------------------------------
    def confirm_discard(self, count: int, reason: str, kept: bool) -> bool:
        """Ask whether to quit although ``count`` decisions could not be saved yet (tests replace
        this). ``kept``: they are in the journal on this computer and the next start saves them."""
        return confirm_discard(self, count, reason, kept)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.cluster_batch.busy:  # a cluster batch on its way: close once it is answered
            self._closing = True
            self.statusBar().showMessage(self.tr("Saving the cluster's decisions before closing…"))
            event.ignore()
            return
        pending = self.session.unsaved
        if pending:
            if self.session.waiting_for_retry:
                reason = self.banners.text("save") or ""
                if not self.confirm_discard(pending, reason, self.session.unsaved_are_kept):
                    event.ignore()
                    return
            else:
                # Writes are on their way: close as soon as the last commit returns.
                self._closing = True
                self.statusBar().showMessage(self.tr("Saving %n decision(s) before closing…", "", pending))
                event.ignore()
                return
        remember(self, self.desk.settings, self._splitters)
        self.shutdown()
        event.accept()

    def _on_idle(self) -> None:
        self._update_status()
        if self._closing:
            self.close()

    def shutdown(self) -> None:
        """Stop timers, playback and background work; no callbacks after this. Idempotent."""
        if self._shut_down:
            return
        self._shut_down = True
        self.change_feed.close()
        # Every timer of the desk (reminder, watchdog, debounces, retries, animation): none may
        # start background work that would report to widgets about to be deleted.
        for timer in self.findChildren(QTimer):
            timer.stop()
        self.viewer.shutdown()
        self.tools.shutdown()  # an export stops, the statistics are dropped, the help goes
        self.paint_gate.release()
        self.session.shutdown()
        self.claims.shutdown()  # after the last write: its item is not handed to anyone before it commits
