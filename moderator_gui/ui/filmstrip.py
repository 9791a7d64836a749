"""The filmstrip under the viewer: a video's frames (or an animation's), each with its time."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

FILMSTRIP_ICON = QSize(96, 54)


class Filmstrip(QListWidget):
    """Frames of a video under the viewer; a click (or , and .) picks one."""

    frame_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(FILMSTRIP_ICON)
        self.setFixedHeight(FILMSTRIP_ICON.height() + 34)
        self.setMovement(QListWidget.Movement.Static)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.itemClicked.connect(lambda item: self.frame_chosen.emit(self.row(item)))

    def set_frames(self, frames: list[tuple[int | None, QPixmap]]) -> None:
        self.clear()
        for ts, pm in frames:
            item = QListWidgetItem(QIcon(pm), "" if ts is None else f"{ts / 1000:.1f} s")
            self.addItem(item)
