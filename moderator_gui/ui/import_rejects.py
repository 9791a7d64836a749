"""The import dialog's list of rejected rows (line and reason, in the reviewer's language),
and saving it to a CSV file (``line,code,reason``) on a worker thread."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.ingest import Rejection
from moderator_gui.ui.message_text import error_text, message_text
from moderator_gui.ui.tasks import TaskHandle, TaskRunner


def write_rejects(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    """Write (place, code, reason) rows as CSV, atomically. File work: a worker thread's."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:  # a BOM: spreadsheets read it as UTF-8
        out = csv.writer(fh)
        out.writerow(["line", "code", "reason"])
        out.writerows(rows)
    os.replace(tmp, path)
    return path


class RejectsList(QWidget):
    saved = Signal(object)  # the Path written

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._save_task: TaskHandle | None = None
        self._rejected: list[Rejection] = []
        self.title = QLabel(self)
        self.table = QTableWidget(0, 2, self)
        self.table.setObjectName("rejects")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.save_button = QPushButton(self)
        self.save_button.setObjectName("save_rejects")
        self.save_button.setEnabled(False)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result)
        self.save_button.clicked.connect(self.save)
        self._retranslate()

    def _retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("Where"), self.tr("Reason")])
        self.title.setText(self.tr("Rejected rows: {count}").format(count=len(self._rejected)))
        self.save_button.setText(self.tr("Save &list…"))
        for row, r in enumerate(self._rejected):
            for col, text in enumerate((message_text(r.place), message_text(r.msg))):
                if (item := self.table.item(row, col)) is not None:
                    item.setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def show_rejected(self, rejected: list[Rejection]) -> None:
        self._rejected = list(rejected)
        self.table.setRowCount(len(rejected))
        for row in range(len(rejected)):
            self.table.setItem(row, 0, QTableWidgetItem())
            self.table.setItem(row, 1, QTableWidgetItem())
        self.save_button.setEnabled(bool(rejected))
        self.result.clear()
        self._retranslate()

    def rows(self) -> list[tuple[str, str, str]]:
        """(line or path, code, reason as shown) for each rejected row."""
        return [
            (str(r.line) if r.line is not None else r.where, r.code, message_text(r.msg)) for r in self._rejected
        ]

    def ask_path(self) -> str:
        """Where to save the list (a file dialog; tests replace it)."""
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the rejected rows"), "rejected.csv", self.tr("CSV files (*.csv)")
        )
        return chosen

    def save(self) -> None:
        chosen = self.ask_path()
        if not chosen:
            return
        path = Path(chosen) if Path(chosen).suffix else Path(chosen).with_suffix(".csv")
        rows = self.rows()
        self.save_button.setEnabled(False)
        self._save_task = self._runner.run(
            lambda: write_rejects(path, rows), on_done=self._saved, on_error=self._failed, label="save rejects"
        )

    def cancel(self) -> None:
        """The dialog closes: a save still running finishes, but its answer is not shown."""
        if self._save_task is not None:
            self._save_task.cancel()
            self._save_task = None

    def _saved(self, path: Path) -> None:
        self._save_task = None
        self.save_button.setEnabled(True)
        self.result.setStyleSheet("")
        self.result.setText(self.tr("Saved to {path}").format(path=path))
        self.saved.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self._save_task = None
        self.save_button.setEnabled(True)
        self.result.setStyleSheet("color: #b91c1c;")
        self.result.setText(self.tr("The list could not be saved: {reason}").format(reason=error_text(exc)))
