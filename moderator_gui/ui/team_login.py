"""Signing in to a team database: the login is the reviewer; the password is asked only if
libpq finds none (``PGPASSWORD``, ``~/.pgpass``, a service file) and is kept in memory only.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QMessageBox, QVBoxLayout, QWidget

from moderator_gui.core.store.engine import ServerTarget


class LoginDialog(QDialog):
    def __init__(self, server: ServerTarget, problem: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign in to the team database"))
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr("Password of %1 on %2:").replace("%1", server.user or "?").replace("%2", server.where), self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        lay.addWidget(self.password)
        self.problem = QLabel(problem or "", self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #dc2626")
        self.problem.setVisible(bool(problem))
        lay.addWidget(self.problem)
        note = QLabel(self.tr("The password is not stored. To sign in without typing it, use ~/.pgpass."), self)
        note.setWordWrap(True)
        lay.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(440, self.sizeHint().height())


def ask_password(server: ServerTarget, problem: str | None = None, parent: QWidget | None = None) -> str | None:
    dlg = LoginDialog(server, problem, parent)
    try:
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.password.text()
    finally:
        dlg.deleteLater()


def refuse_reviewer_option(login: str | None) -> int:
    """``--reviewer`` with a team database: the reviewer is the login. Says so (window and
    stderr) and returns the exit code."""
    text = QCoreApplication.translate(
        "main", "--reviewer is not used with a team database: your decisions are recorded under your login (%1)."
    ).replace("%1", login or "?")
    print(f"moderator-gui: {text}", file=sys.stderr)
    QMessageBox.critical(None, QCoreApplication.translate("main", "Cannot start"), text)
    return 2
