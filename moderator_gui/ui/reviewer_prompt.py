"""First start: ask the reviewer's name once (it signs every decision) and remember it."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

REVIEWER_KEY = "reviewer"
MAX_NAME = 200  # the reviewers.name column


class ReviewerPrompt(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who is reviewing?"))
        lay = QVBoxLayout(self)
        text = QLabel(
            self.tr("Your name is recorded with every decision you make. It is asked once and remembered on this computer."),
            self,
        )
        text.setWordWrap(True)
        lay.addWidget(text)
        self.name = QLineEdit(self)
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText(self.tr("Reviewer name"))
        lay.addWidget(self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.name.textChanged.connect(lambda t: ok.setEnabled(bool(t.strip())))
        self.resize(420, self.sizeHint().height())

    def value(self) -> str:
        return self.name.text().strip()


def remembered_reviewer(settings: QSettings) -> str | None:
    name = settings.value(REVIEWER_KEY, "")
    return name.strip() if isinstance(name, str) and name.strip() else None


def ask_reviewer(settings: QSettings, parent: QWidget | None = None) -> str | None:
    """The remembered reviewer, or ask (None if the reviewer cancels)."""
    name = remembered_reviewer(settings)
    if name:
        return name
    dlg = ReviewerPrompt(parent)
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.value():
            return None
        settings.setValue(REVIEWER_KEY, dlg.value())
        settings.sync()
        return dlg.value()
    finally:
        dlg.deleteLater()
