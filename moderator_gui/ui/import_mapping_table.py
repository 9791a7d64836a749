"""The import dialog's column mapping: one row per column of the manifest, and the field it
is read as (a combo box: "not imported" or one of the manifest fields).

A column named like a field starts mapped to that field (exact names only); a mapping file
loaded or a previous choice for the same column name wins over that. The table makes a
:class:`ColumnMapping` with the core's checks (two columns on one field is a coded
:class:`MappingError`), and says ``changed`` after every edit.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from moderator_gui.core.ingest.fields import KNOWN_FIELDS
from moderator_gui.core.ingest.mapping import ColumnMapping

# The fields in the order of docs/manifest.md (required first).
FIELD_ORDER: tuple[str, ...] = (
    "external_id", "platform", "content_type", "media_path", "text", "uploader", "flagged_at", "flag_source",
    "flag_reason", "report_count", "classifier_score", "suspected_category", "priority", "sha256", "width",
    "height", "duration_ms",
)  # fmt: skip
assert set(FIELD_ORDER) == KNOWN_FIELDS


class MappingTable(QTableWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setObjectName("mapping")
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._retranslate()

    # -- texts ------------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.setHorizontalHeaderLabels([self.tr("Column in the file"), self.tr("Imported as")])
        for row in range(self.rowCount()):
            self.combo(row).setItemText(0, self.tr("(not imported)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # -- contents ---------------------------------------------------------------------------
    def columns(self) -> list[str]:
        return [item.text() for row in range(self.rowCount()) if (item := self.item(row, 0)) is not None]

    def combo(self, row: int) -> QComboBox:
        widget = self.cellWidget(row, 1)
        assert isinstance(widget, QComboBox)
        return widget

    def row_of(self, column: str) -> int:
        return self.columns().index(column)

    def set_columns(self, columns: list[str], mapping: ColumnMapping | None = None) -> None:
        """One row per column; each starts as ``mapping`` says, else as chosen before for a column
        of that name, else the field of the same name, else not imported."""
        before = {c: self.field(row) for row, c in enumerate(self.columns())}
        self.setRowCount(0)
        for row, column in enumerate(columns):
            if mapping is not None and column in mapping.columns:
                target = mapping.columns[column]
            elif column in before:
                target = before[column]
            else:
                target = column if column in KNOWN_FIELDS else None
            self.insertRow(row)
            item = QTableWidgetItem(column)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.setItem(row, 0, item)
            combo = QComboBox(self)
            combo.setObjectName(f"field:{column}")
            combo.addItem(self.tr("(not imported)"), None)
            for name in FIELD_ORDER:
                combo.addItem(name, name)
            combo.setCurrentIndex(0 if target is None else combo.findData(target))
            combo.currentIndexChanged.connect(self.changed)
            self.setCellWidget(row, 1, combo)
        self.changed.emit()

    def apply(self, mapping: ColumnMapping) -> None:
        """A loaded mapping file: its entries for the columns shown."""
        self.set_columns(self.columns(), mapping)

    def field(self, row: int) -> str | None:
        data = self.combo(row).currentData()
        return data if isinstance(data, str) else None

    def set_field(self, column: str, target: str | None) -> None:
        combo = self.combo(self.row_of(column))
        combo.setCurrentIndex(0 if target is None else combo.findData(target))

    def mapping(self, *, origin: str, platform: str | None = None) -> ColumnMapping:
        """The table as a mapping; raises MappingError (two columns on one field)."""
        pairs = [(column, self.field(row)) for row, column in enumerate(self.columns())]
        return ColumnMapping.build(pairs, origin=origin, platform=platform)
