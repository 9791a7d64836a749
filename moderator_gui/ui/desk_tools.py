"""The windows the desk opens: import, export, statistics, the lead console, keyboard help and settings.

Each is imported when first used: start-up does not pay for them (the statistics
bring QtCharts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog

from moderator_gui.ui import keymap
from moderator_gui.ui.i18n import available_languages, install_translators
from moderator_gui.ui.wellbeing import Wellbeing

if TYPE_CHECKING:
    from moderator_gui.ui.help_overlay import HelpOverlay
    from moderator_gui.ui.lead_console import LeadConsole
    from moderator_gui.ui.main_window import Desk, MainWindow
    from moderator_gui.ui.stats_view import StatsView

LANGUAGE_KEY = "language"  # the settings key of the interface language


class DeskTools(QObject):
    def __init__(self, window: MainWindow, desk: Desk, wellbeing: Wellbeing) -> None:
        super().__init__(window)
        self._window = window
        self._desk = desk
        self._wellbeing = wellbeing
        self._help: HelpOverlay | None = None
        self._stats: StatsView | None = None
        self._console: LeadConsole | None = None

    def open_export(self) -> None:
        from moderator_gui.ui.export_dialog import ExportDialog

        desk = self._desk
        dlg = ExportDialog(desk.store, desk.runner, desk.policy, self._window)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()

    def open_import(self) -> bool:
        """File → Import… (team leads and solo desks). False: refused."""
        desk = self._desk
        if not desk.lead:
            self._window.statusBar().showMessage(self.tr("Importing is for team leads."), 5000)
            return False
        from moderator_gui.ui.import_dialog import ImportDialog

        for open_one in self._window.findChildren(ImportDialog):
            if open_one.isVisible():  # one import dialog at a time: Ctrl+I again brings it forward
                open_one.raise_()
                open_one.activateWindow()
                return True
        dlg = ImportDialog(desk.store, desk.runner, desk.policy, self._window)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return True

    def open_statistics(self) -> None:
        if self._stats is None:
            from moderator_gui.ui.stats_view import StatsView

            desk = self._desk
            self._stats = StatsView(desk.store, desk.runner, desk.policy, self._window)
            self._stats.setWindowFlag(Qt.WindowType.Window)
            self._stats.setWindowTitle(self.tr("Statistics"))
            self._stats.resize(900, 640)
        self._stats.show()
        self._stats.raise_()

    @property
    def console(self) -> LeadConsole | None:
        return self._console

    def open_lead_console(self) -> bool:
        """Show the lead console (team leads and solo desks only). False: refused."""
        desk = self._desk
        if not desk.lead:
            # The entry is hidden from reviewers; whatever asks, the console stays closed (and
            # the server would refuse a reviewer's login what it offers anyway).
            self._window.statusBar().showMessage(self.tr("The lead console is for team leads."), 5000)
            return False
        if self._console is None:
            from moderator_gui.ui.lead_console import LeadConsole

            window = self._window
            self._console = LeadConsole(
                desk.store, desk.runner, desk.policy, lead=desk.reviewer,
                team=desk.identity is not None and desk.identity.team,
                open_at_desk=lambda item_id: window.open_item(item_id, "escalated"),
                parent=window,
            )  # fmt: skip
            window.change_feed.changed.connect(self._console.data.changed)
        self._console.show()
        self._console.raise_()
        self._console.activateWindow()
        return True

    def toggle_help(self) -> None:
        if self._help is None:
            from moderator_gui.ui.help_overlay import HelpOverlay

            self._help = HelpOverlay(self._window, keymap.for_desk(self._desk.lead))
        self._help.toggle()

    def open_settings(self) -> None:
        from moderator_gui.ui.settings_dialog import SettingsDialog

        desk = self._desk
        dlg = SettingsDialog(self._wellbeing.state, desk.lang, available_languages(), self._window)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            self._wellbeing.update(dlg.wellbeing())
            lang = dlg.language_code()
            if lang != desk.lang:
                desk.settings.setValue(LANGUAGE_KEY, lang)
                desk.settings.sync()
                # Qt then sends every window a LanguageChange: the desk relabels itself in changeEvent.
                app = QApplication.instance()
                assert app is not None  # a dialog is open
                install_translators(app, lang)

        dlg.accepted.connect(accepted)
        dlg.open()

    def shutdown(self) -> None:
        """Background work of the tools: an export stops (and removes its temporary file) and
        the statistics are dropped, so the runner's shutdown does not wait for them."""
        for dlg in self._window.findChildren(QDialog):
            if dlg.objectName() in ("ExportDialog", "ImportDialog") and dlg.isVisible():
                dlg.reject()
        if self._stats is not None:
            self._stats.cancel_running()
        if self._console is not None:
            self._console.shutdown()
        if self._help is not None:
            self._help.deleteLater()
