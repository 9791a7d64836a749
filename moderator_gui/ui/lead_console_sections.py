"""The parts of the lead console: a titled table, and the tables with buttons (claims:
release and reassign; escalations: open at my desk; conflicts: accept and dismiss).

A section only says what the lead asked for (signals); the console does it. The rows
are replaced whenever the team's state changes: the selected row stays selected (by
its item or conflict), so a refresh never moves the lead's hand.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QAbstractItemModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.store import Claim
from moderator_gui.core.team_overview import ConflictCase, Escalation


@runtime_checkable
class RowSource(Protocol):
    """A model that hands out its row objects (the selectable sections' models)."""

    def row(self, n: int) -> Any: ...


class TableSection(QGroupBox):
    """A titled read-only table; subclasses add buttons below it."""

    def __init__(
        self,
        model: QAbstractItemModel,
        name: str,
        parent: QWidget | None = None,
        *,
        selectable: bool = True,
        stretch: tuple[int, ...] = (),
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView(self)
        self.table.setObjectName(name)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(
            QAbstractItemView.SelectionMode.SingleSelection if selectable else QAbstractItemView.SelectionMode.NoSelection
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        for col in stretch:  # the long texts (notes, decisions) take the room left, elided
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.buttons = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.sync_buttons())

    def selected_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def selected(self) -> Any:
        row = self.selected_row()
        return self._row(row) if row is not None else None

    def keep_selection(self, replace: Callable[[], None], key: Callable[[Any], Hashable]) -> None:
        """Replace the rows (``replace``), keeping the same row selected if it is still there."""
        was = self.selected()
        replace()
        if was is not None:
            wanted = key(was)
            for r in range(self.model.rowCount()):
                if key(self._row(r)) == wanted:
                    self.table.selectRow(r)
                    break
        self.sync_buttons()

    def _row(self, n: int) -> Any:
        assert isinstance(self.model, RowSource), "a table without row objects has no selection"
        return self.model.row(n)

    def sync_buttons(self) -> None:
        """Buttons act on the selected row: enabled only while there is one."""

    def retranslate(self) -> None:
        """Button texts in the current language (the console sets the title)."""


class ClaimsSection(TableSection):
    release_requested = Signal(int, str, str)  # item id, external id, holder
    reassign_requested = Signal(int, str, str)  # item id, external id, to whom

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(model, "claims", parent)
        self.release_button = QPushButton(self)
        self.release_button.setObjectName("release")
        self.reassign_label = QLabel(self)
        self.reassign_to = QComboBox(self)
        self.reassign_to.setObjectName("reassign_to")
        self.reassign_to.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.reassign_label.setBuddy(self.reassign_to)
        self.reassign_button = QPushButton(self)
        self.reassign_button.setObjectName("reassign")
        self.buttons.addWidget(self.release_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.reassign_label)
        self.buttons.addWidget(self.reassign_to)
        self.buttons.addWidget(self.reassign_button)
        self.release_button.clicked.connect(self._release)
        self.reassign_button.clicked.connect(self._reassign)
        self.reassign_to.currentIndexChanged.connect(lambda _i: self.sync_buttons())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._suggest())
        self._people: list[str] = []
        self._online: list[str] = []
        self.sync_buttons()

    def retranslate(self) -> None:
        self.release_button.setText(self.tr("&Release"))
        self.release_button.setToolTip(self.tr("Give the item back to everyone"))
        self.reassign_label.setText(self.tr("Hand &to:"))
        self.reassign_button.setText(self.tr("Re&assign"))
        self.reassign_button.setToolTip(self.tr("The chosen reviewer holds the item now, with a fresh lease"))
        self._fill_people()

    def set_people(self, people: list[str], online: list[str]) -> None:
        """Whom items can be handed to: those online first."""
        if (people, online) != (self._people, self._online):
            self._people, self._online = list(people), list(online)
            self._fill_people()

    def _fill_people(self) -> None:
        chosen = self.reassign_to.currentData()
        self.reassign_to.blockSignals(True)
        self.reassign_to.clear()
        here = set(self._online)
        for name in sorted(self._people, key=lambda n: (n not in here, n)):
            self.reassign_to.addItem(self.tr("%1 (online)").replace("%1", name) if name in here else name, name)
        found = self.reassign_to.findData(chosen)
        self.reassign_to.setCurrentIndex(found if found >= 0 else 0 if self.reassign_to.count() else -1)
        self.reassign_to.blockSignals(False)
        self.sync_buttons()

    def _suggest(self) -> None:
        """A claim was selected: offer someone other than its holder (online first)."""
        claim: Claim | None = self.selected()
        if claim is not None and self.reassign_to.currentData() == claim.reviewer:
            others = [i for i in range(self.reassign_to.count()) if self.reassign_to.itemData(i) != claim.reviewer]
            if others:
                self.reassign_to.setCurrentIndex(others[0])

    def sync_buttons(self) -> None:
        claim: Claim | None = self.selected()
        to = self.reassign_to.currentData()
        self.release_button.setEnabled(claim is not None)
        self.reassign_button.setEnabled(claim is not None and to is not None and to != claim.reviewer)

    def _release(self) -> None:
        claim: Claim | None = self.selected()
        if claim is not None:
            self.release_requested.emit(claim.item_id, claim.external_id, claim.reviewer)

    def _reassign(self) -> None:
        claim: Claim | None = self.selected()
        to = self.reassign_to.currentData()
        if claim is not None and to:
            self.reassign_requested.emit(claim.item_id, claim.external_id, str(to))


class EscalationsSection(TableSection):
    open_requested = Signal(int)  # item id

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(model, "escalations", parent, stretch=(3,))
        self.open_button = QPushButton(self)
        self.open_button.setObjectName("open_at_desk")
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.open_button)
        self.open_button.clicked.connect(self._open)
        self.table.doubleClicked.connect(lambda _i: self._open())
        self.sync_buttons()

    def retranslate(self) -> None:
        self.open_button.setText(self.tr("&Open at my desk"))
        self.open_button.setToolTip(self.tr("Show the item at your desk and decide it there"))

    def sync_buttons(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def _open(self) -> None:
        e: Escalation | None = self.selected()
        if e is not None:
            self.open_requested.emit(e.item_id)


class ConflictsSection(TableSection):
    resolve_requested = Signal(object, bool)  # ConflictCase, accept

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(model, "conflicts", parent, stretch=(3, 4))
        self.accept_button = QPushButton(self)
        self.accept_button.setObjectName("accept")
        self.dismiss_button = QPushButton(self)
        self.dismiss_button.setObjectName("dismiss")
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.dismiss_button)
        self.buttons.addWidget(self.accept_button)
        self.accept_button.clicked.connect(lambda: self._resolve(True))
        self.dismiss_button.clicked.connect(lambda: self._resolve(False))
        self.sync_buttons()

    def retranslate(self) -> None:
        self.accept_button.setText(self.tr("A&ccept…"))
        self.accept_button.setToolTip(self.tr("Record the late decision now, under your name, on top of what is recorded"))
        self.dismiss_button.setText(self.tr("Dis&miss…"))
        self.dismiss_button.setToolTip(self.tr("Keep what is recorded; the late decision is marked dismissed"))

    def sync_buttons(self) -> None:
        on = self.selected() is not None
        self.accept_button.setEnabled(on)
        self.dismiss_button.setEnabled(on)

    def _resolve(self, accept: bool) -> None:
        case: ConflictCase | None = self.selected()
        if case is not None:
            self.resolve_requested.emit(case, accept)
