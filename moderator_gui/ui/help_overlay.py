"""The keyboard help (F1 or ?): every binding of the keymap table, grouped, over a dimmed window.

It is drawn from the same table the main window builds its shortcuts from
(``moderator_gui.ui.keymap.KEYMAP``), so the help cannot disagree with the keys.
While it is shown it takes the keyboard: a reviewer reading the help cannot
record a decision by accident. Escape, F1, ? or a click close it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from moderator_gui.ui.keymap import Binding, describe, group_title, key_text

CLOSE_KEYS = frozenset({Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question})
DIM = QColor(0, 0, 0, 150)
PANEL_STYLE = """
#HelpPanel { background: rgba(24, 24, 27, 235); border-radius: 10px; }
#HelpPanel QLabel { color: #f4f4f5; }
#HelpPanel QLabel[role="title"] { font-size: 15pt; font-weight: 600; }
#HelpPanel QLabel[role="group"] { color: #a5b4fc; font-weight: 600; padding-top: 8px; }
#HelpPanel QLabel[role="key"] {
    color: #fafafa; background: #3f3f46; border: 1px solid #71717a; border-radius: 4px; padding: 1px 6px;
}
#HelpPanel QLabel[role="hint"] { color: #a1a1aa; }
"""


class HelpOverlay(QWidget):
    """A child widget covering its parent; ``toggle()`` shows or hides it (the help command calls it)."""

    def __init__(self, parent: QWidget, keymap: Sequence[Binding]) -> None:
        super().__init__(parent)
        self.setObjectName("HelpOverlay")
        self._keymap = tuple(keymap)
        self._return_focus: QWidget | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.panel = QFrame(self)
        self.panel.setObjectName("HelpPanel")
        self.panel.setStyleSheet(PANEL_STYLE)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        self._build()
        self.hide()
        parent.installEventFilter(self)

    # -- content ------------------------------------------------------------------------
    def groups(self) -> list[tuple[str, list[Binding]]]:
        """The bindings by group, groups in the order they first appear in the table."""
        grouped: dict[str, list[Binding]] = {}
        for b in self._keymap:
            grouped.setdefault(b.group, []).append(b)
        return list(grouped.items())

    def _build(self) -> None:
        """Lay the groups out in two columns, splitting where the row counts balance best."""
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(24, 18, 24, 18)
        self.title = QLabel(self.panel)
        self.title.setProperty("role", "title")
        layout.addWidget(self.title)
        columns = QHBoxLayout()
        columns.setSpacing(32)
        layout.addLayout(columns)
        self.hint = QLabel(self.panel)
        self.hint.setProperty("role", "hint")
        layout.addWidget(self.hint, 0, Qt.AlignmentFlag.AlignRight)
        groups = self.groups()
        sizes = [len(bs) + 1 for _, bs in groups]
        split = min(range(len(groups) + 1), key=lambda i: abs(sum(sizes[:i]) - sum(sizes[i:])))
        self._group_labels: list[tuple[QLabel, str]] = []
        self._desc_labels: list[tuple[QLabel, Binding]] = []
        self._key_labels: list[tuple[QLabel, Binding]] = []
        for part in (groups[:split], groups[split:]):
            if not part:
                continue
            grid = QGridLayout()
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(4)
            r = 0
            for group, bindings in part:
                heading = QLabel(self.panel)
                heading.setProperty("role", "group")
                self._group_labels.append((heading, group))
                grid.addWidget(heading, r, 0, 1, 2)
                r += 1
                for b in bindings:
                    keys = QLabel(self.panel)
                    keys.setProperty("role", "key")
                    keys.setObjectName(f"keys:{b.command}")
                    desc = QLabel(self.panel)
                    desc.setObjectName(f"help:{b.command}")
                    self._key_labels.append((keys, b))
                    self._desc_labels.append((desc, b))
                    grid.addWidget(keys, r, 0, Qt.AlignmentFlag.AlignRight)
                    grid.addWidget(desc, r, 1)
                    r += 1
            grid.setRowStretch(r, 1)
            columns.addLayout(grid)
        self._retranslate()

    def _retranslate(self) -> None:
        self.title.setText(self.tr("Keyboard shortcuts"))
        self.hint.setText(self.tr("Esc, F1 or ? closes this help"))
        for label, group in self._group_labels:
            label.setText(group_title(group))
        for label, b in self._desc_labels:
            label.setText(describe(b))
        for label, b in self._key_labels:
            label.setText(key_text(b))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # -- showing ------------------------------------------------------------------------
    @Slot()
    def toggle(self) -> None:
        if self.isVisible():
            self.close_help()
        else:
            self.open_help()

    def open_help(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self._return_focus = QWidget.focusWidget(parent) if parent is not None else None
        self.raise_()
        self.show()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def close_help(self) -> None:
        self.hide()
        if self._return_focus is not None:
            self._return_focus.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self._return_focus = None

    # -- events -------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    def event(self, event: QEvent) -> bool:
        # Take every key while shown: the window's shortcuts (record, skip, …) must not fire
        # behind the help; the keys then arrive here as ordinary key presses.
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in CLOSE_KEYS or event.text() == "?":
            self.close_help()
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close_help()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), DIM)
