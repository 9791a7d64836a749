"""The import dialog's preview: the first rows of the manifest with the mapping applied, and
what each would become (its content type, inferred or given) or why it would be rejected.

The rows come from ``core.ingest.preview`` (mapped and validated on a worker thread, files
stat-ed and sniffed there); this table only shows them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from moderator_gui.core.ingest.preview import PreviewRow
from moderator_gui.ui.import_mapping_table import FIELD_ORDER
from moderator_gui.ui.message_text import message_text

PROBLEM_COLOUR = QColor("#b91c1c")
# A cell shows at most this many characters of a value (a text post may be long).
CELL_CHARS = 80


class PreviewTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("preview")
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self._rows: list[PreviewRow] = []
        self._fields: list[str] = []
        self._retranslate()

    def _retranslate(self) -> None:
        self.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Result"), *self._fields])
        for row, r in enumerate(self._rows):
            if (item := self.item(row, 1)) is not None:
                item.setText(self._result(r))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _result(self, r: PreviewRow) -> str:
        if r.problem is not None:
            return message_text(r.problem)
        kind = self._type_text(r.content_type or "")
        if "content_type" in r.fields:
            return self.tr("imports as {type}").format(type=kind)
        return self.tr("imports as {type} (inferred)").format(type=kind)

    def _type_text(self, code: str) -> str:
        """A content type as the sentence above names it (an unknown code as it is)."""
        names = {
            "image": self.tr("image"),
            "animation": self.tr("animation"),
            "video": self.tr("video"),
            "live_clip": self.tr("live clip"),
            "text": self.tr("text"),
        }
        return names.get(code, code)

    def show_rows(self, rows: list[PreviewRow]) -> None:
        """The rows mapped: a column per field any of them has, in the manifest's field order."""
        self._rows = rows
        present = {f for r in rows for f in r.fields}
        self._fields = [f for f in FIELD_ORDER if f in present]
        self.clearContents()
        self.setColumnCount(2 + len(self._fields))
        self.setRowCount(len(rows))
        for row, r in enumerate(rows):
            self.setItem(row, 0, QTableWidgetItem(str(r.line)))
            result = QTableWidgetItem()
            if r.problem is not None:
                result.setForeground(QBrush(PROBLEM_COLOUR))
            self.setItem(row, 1, result)
            for col, name in enumerate(self._fields, start=2):
                self.setItem(row, col, QTableWidgetItem(_cell(r.fields.get(name))))
        self._retranslate()
        self.resizeColumnsToContents()

    def cell_text(self, row: int, header: str) -> str:
        """The text shown in ``row`` under the column headed ``header`` (for tests and callers)."""
        for col in range(self.columnCount()):
            head = self.horizontalHeaderItem(col)
            if head is not None and head.text() == header:
                item = self.item(row, col)
                return item.text() if item is not None else ""
        raise KeyError(header)

    def clear_rows(self) -> None:
        self.show_rows([])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\n", " ⏎ ")
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS] + "…"
