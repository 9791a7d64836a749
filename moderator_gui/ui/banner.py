"""Banners: messages across the top of the window that do not block work.

A save failure, a conflict or a break reminder must be seen, but a modal dialog
would stop a reviewer mid-queue and swallow their next key presses. Each banner
has a key ("save", "conflict", "break"…): showing a key again replaces its text,
so a retry loop never stacks up copies.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

LEVEL_STYLES = {
    "error": "background:#fee2e2; color:#7f1d1d; border:1px solid #f87171;",
    "warning": "background:#fef3c7; color:#78350f; border:1px solid #f59e0b;",
    "info": "background:#dbeafe; color:#1e3a8a; border:1px solid #60a5fa;",
}


# A banner's text: a string, or a function that makes it in the current language (so that
# an open banner follows a language switch).
Text = str | Callable[[], str]


def _say(text: Text) -> str:
    return text() if callable(text) else text


class Banner(QFrame):
    closed = Signal(str)

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"banner-{key}")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # messages may quote user data
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        lay.addWidget(self.label, 1)
        self._buttons = QHBoxLayout()
        lay.addLayout(self._buttons)
        self._close = QPushButton(self)
        self._close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._close.clicked.connect(lambda: self.closed.emit(self.key))
        lay.addWidget(self._close)
        self._text: Text = ""
        self._titles: list[Text] = []
        self._render()

    def set_message(self, level: str, text: Text, actions: list[tuple[Text, Callable[[], None]]]) -> None:
        self.setStyleSheet(f"Banner {{{LEVEL_STYLES.get(level, LEVEL_STYLES['info'])} border-radius:4px;}}"
                           f" QLabel {{{LEVEL_STYLES.get(level, LEVEL_STYLES['info'])} border:none;}}")
        while self._buttons.count():
            item = self._buttons.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for _title, fn in actions:
            b = QPushButton(self)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(fn)
            self._buttons.addWidget(b)
        self._text, self._titles = text, [title for title, _fn in actions]
        self._render()

    def _render(self) -> None:
        """The texts in the current language (a text given as a function is made again)."""
        self._close.setText(self.tr("Dismiss"))
        self.label.setText(_say(self._text))
        for i, title in enumerate(self._titles):
            self._button(i).setText(_say(title))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def button_texts(self) -> list[str]:
        return [self._button(i).text() for i in range(self._buttons.count())]

    def _button(self, i: int) -> QPushButton:
        item = self._buttons.itemAt(i)
        button = item.widget() if item is not None else None
        assert isinstance(button, QPushButton), i
        return button


class BannerArea(QWidget):
    """A stack of keyed banners."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 4, 6, 0)
        self._layout.setSpacing(4)
        self._banners: dict[str, Banner] = {}
        self.hide()

    def show_message(
        self, key: str, level: str, text: Text, actions: list[tuple[Text, Callable[[], None]]] | None = None
    ) -> None:
        b = self._banners.get(key)
        if b is None:
            b = self._banners[key] = Banner(key, self)
            b.closed.connect(self.clear)
            self._layout.addWidget(b)
        b.set_message(level, text, actions or [])
        self.show()

    def clear(self, key: str) -> None:
        b = self._banners.pop(key, None)
        if b is not None:
            self._layout.removeWidget(b)
            b.deleteLater()
        if not self._banners:
            self.hide()

    def banner(self, key: str) -> Banner | None:
        return self._banners.get(key)

    def text(self, key: str) -> str | None:
        b = self._banners.get(key)
        return b.label.text() if b is not None else None
