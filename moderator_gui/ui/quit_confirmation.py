"""Quitting while decisions could not be saved yet: ask, and say whether they are kept."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox, QWidget


def confirm_discard(parent: QWidget, count: int, reason: str, kept: bool) -> bool:
    """Ask whether to quit although ``count`` decisions could not be saved yet (``reason``: why).
    ``kept``: they are in the journal on this computer and the next start saves them;
    otherwise quitting loses them. True: quit."""
    return QuitConfirmation().ask(parent, count, reason, kept)


class QuitConfirmation(QObject):
    """(A QObject for its translation context: lupdate sees ``self.tr`` plurals.)"""

    def ask(self, parent: QWidget, count: int, reason: str, kept: bool) -> bool:
        if kept:
            answer = QMessageBox.question(
                parent,
                self.tr("Decisions not saved yet"),
                self.tr(
                    "%n decision(s) could not be saved in the database yet:\n%1\n\nThey are kept on this computer and"
                    " will be saved the next time Moderator opens this database. Until then they are not in the team's"
                    " logs or statistics. Quit now?",
                    "",
                    count,
                ).replace("%1", reason),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            return answer == QMessageBox.StandardButton.Yes
        answer = QMessageBox.warning(
            parent,
            self.tr("Decisions not saved"),
            self.tr("%n decision(s) could not be saved yet:\n%1\n\nQuit anyway? They will be lost.", "", count).replace(
                "%1", reason
            ),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard
