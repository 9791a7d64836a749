"""The desk's commands as QActions: one per keymap binding (its shortcuts, its menu entry,
the decision panel's buttons), the menus, and their texts in the reviewer's language."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from moderator_gui.core.policy import Policy
from moderator_gui.ui import keymap
from moderator_gui.ui.wellbeing import Wellbeing

AUTO_REPEAT = ("next", "previous", "zoom_in", "zoom_out", "frame_back", "frame_forward")
SEPARATOR_AFTER = ("category_0", "undo", "refresh", "toggle_grayscale", "zoom_fit", "lead_console")


class DeskActions(QObject):
    def __init__(
        self, window: QMainWindow, handlers: dict[str, Callable[[], object]], policy: Policy, wellbeing: Wellbeing
    ) -> None:
        super().__init__(window)
        self._policy = policy
        self._wellbeing = wellbeing
        self.actions: dict[str, QAction] = {}
        for b in keymap.KEYMAP:
            a = QAction(window)
            a.setObjectName(f"action_{b.command}")
            a.setShortcuts(keymap.sequences(b))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.setAutoRepeat(b.command in AUTO_REPEAT)
            # triggered(bool) would hand `checked` to the handler: call it without arguments.
            a.triggered.connect(lambda _checked=False, fn=handlers[b.command]: fn())
            window.addAction(a)
            self.actions[b.command] = a
        for command in ("toggle_blur", "toggle_grayscale"):
            self.actions[command].setCheckable(True)
        self._sync_view_actions()
        wellbeing.changed.connect(self._sync_view_actions)
        self.menus: dict[str, QMenu] = {}
        bar = window.menuBar()
        for group in keymap.GROUPS:
            menu = self.menus[group] = bar.addMenu("")
            for b in keymap.KEYMAP:
                # Reveal works while a key or the viewer's button is held; a menu item cannot be held.
                if b.group == group and b.command != "reveal":
                    menu.addAction(self.actions[b.command])
                    if b.command in SEPARATOR_AFTER:
                        menu.addSeparator()

    def hide_empty_menus(self) -> None:
        """A menu whose every command is hidden (a reviewer's File menu) leaves the menu bar."""
        for menu in self.menus.values():
            menu.menuAction().setVisible(any(a.isVisible() for a in menu.actions() if not a.isSeparator()))

    def _sync_view_actions(self) -> None:
        self.actions["toggle_blur"].setChecked(self._wellbeing.state.blur)
        self.actions["toggle_grayscale"].setChecked(self._wellbeing.state.grayscale)

    def label(self, lang: str) -> None:
        """Menu titles and action texts in the current language; categories by the policy's labels."""
        for group, menu in self.menus.items():
            menu.setTitle(keymap.group_title(group))
        for b in keymap.KEYMAP:
            text = keymap.describe(b)
            cat = (
                self._policy.category_for_key(b.command.removeprefix("category_")) if b.command.startswith("category_") else None
            )
            if cat is not None:
                text = cat.label.get(lang)
            self.actions[b.command].setText(text)
        short = {"record": self.tr("Record"), "skip": self.tr("Skip"), "escalate": self.tr("Escalate"), "undo": self.tr("Undo")}
        for command, text in short.items():
            self.actions[command].setIconText(text)
