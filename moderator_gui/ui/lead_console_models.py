"""The lead console's tables: who is online, the claims, decisions per hour today, the
escalations waiting and the conflicts to adjudicate. Read-only models over the values of
core/team_overview.py; texts in the current language (``retranslate`` after a change)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QLocale, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from moderator_gui.core.domain import utcnow
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import Claim, HistoryRow
from moderator_gui.core.store.team import OnlineDesk
from moderator_gui.core.team_overview import ConflictCase, Escalation, HourlyCounts, Presence
from moderator_gui.ui.i18n import current_language
from moderator_gui.ui.row_list_model import RowListModel
from moderator_gui.ui.session_history import tr_kind

_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def when_text(t: datetime | None) -> str:
    """A time in the user's time zone: "14:05" today, "11-02 14:05" otherwise."""
    if t is None:
        return ""
    local = t.astimezone()
    return local.strftime("%H:%M" if local.date() == utcnow().astimezone().date() else "%m-%d %H:%M")


class _Rows(RowListModel[Any]):
    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, n: int) -> Any:
        return self._rows[n]

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def cell(self, row: Any, col: int, role: int) -> Any:
        raise NotImplementedError


class OnlineModel(_Rows):
    """Desks whose heartbeat came within two heartbeats, and how many items each reviewer holds."""

    COLUMNS = 4

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._presence: Presence | None = None

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Reviewer"), self.tr("Computer"), self.tr("Holds"), self.tr("Last seen"))

    def set_presence(self, presence: Presence) -> None:
        self._presence = presence
        self.set_rows(presence.online)

    def cell(self, d: OnlineDesk, col: int, role: int) -> Any:
        holds = self._presence.holds(d.reviewer) if self._presence is not None else 0
        if role == _DISPLAY:
            return (d.reviewer, d.host, QLocale().toString(holds), d.last_seen.astimezone().strftime("%H:%M:%S"))[col]
        if role == _TOOLTIP:
            return self.tr("Desk open since %1").replace("%1", when_text(d.started_at))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return _RIGHT
        return None


class ClaimsModel(_Rows):
    """The live claims: which reviewer holds which item, since and until when."""

    COLUMNS = 4

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Item"), self.tr("Reviewer"), self.tr("Since"), self.tr("Until"))

    def cell(self, c: Claim, col: int, role: int) -> Any:
        if role == _DISPLAY:
            return (c.external_id, c.reviewer, when_text(c.claimed_at), c.expires_at.astimezone().strftime("%H:%M:%S"))[col]
        return None


class HourlyModel(QAbstractTableModel):
    """Decisions per reviewer (rows, then the total) and UTC hour (columns, then the total)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._counts: HourlyCounts | None = None
        self._hours: list[int] = []
        self._reviewers: list[str] = []

    @property
    def counts(self) -> HourlyCounts | None:
        return self._counts

    def set_counts(self, counts: HourlyCounts) -> None:
        if self._counts is not None and (counts.per_reviewer, counts.hours()) == (self._counts.per_reviewer, self._hours):
            self._counts = counts
            return  # the same numbers
        self.beginResetModel()
        self._counts = counts
        self._hours = counts.hours()
        self._reviewers = counts.reviewers()
        self.endResetModel()

    def retranslate(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self._counts is None else len(self._reviewers) + 1

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() or self._counts is None else len(self._hours) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY or orientation != Qt.Orientation.Horizontal or self._counts is None:
            return None
        if section == 0:
            return self.tr("Reviewer")
        if section == len(self._hours) + 1:
            return self.tr("Total")
        return f"{self._hours[section - 1]:02d}" if 0 < section <= len(self._hours) else None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if not index.isValid() or self._counts is None:
            return None
        r, col = index.row(), index.column()
        reviewer = self._reviewers[r] if r < len(self._reviewers) else None  # None: the total row
        if role == _DISPLAY:
            if col == 0:
                return reviewer if reviewer is not None else self.tr("Total")
            hour = self._hours[col - 1] if col <= len(self._hours) else None
            n = self._counts.count(reviewer, hour)
            return QLocale().toString(n) if n or hour is None else "·"
        if role == Qt.ItemDataRole.TextAlignmentRole and col > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and (reviewer is None or col == len(self._hours) + 1):
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == _TOOLTIP and 0 < col <= len(self._hours):
            h = self._hours[col - 1]
            return self.tr("%1:00–%2:00 UTC").replace("%1", f"{h:02d}").replace("%2", f"{h + 1:02d}")
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled if index.isValid() else Qt.ItemFlag.NoItemFlags


class _DecisionTexts(_Rows):
    def __init__(self, policy: Policy, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._policy = policy

    def category_text(self, kind: str, category: str | None) -> str:
        if kind == "decide" and category and self._policy.has_category(category):
            return self._policy.category(category).label.get(current_language())
        return tr_kind(kind)

    def colour(self, kind: str, category: str | None) -> QColor | None:
        if kind == "decide" and category and self._policy.has_category(category):
            return QColor(self._policy.category(category).colour)
        return None


class EscalationsModel(_DecisionTexts):
    """Items escalated to the leads, with who escalated them, when, and their note."""

    COLUMNS = 4

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Item"), self.tr("Escalated by"), self.tr("When"), self.tr("Note"))

    def cell(self, e: Escalation, col: int, role: int) -> Any:
        if role == _DISPLAY:
            note = " ".join(e.note.split())
            return (e.external_id, e.escalated_by or "", when_text(e.escalated_at), note)[col]
        if role == _TOOLTIP:
            lines = [e.note, self.tr("Flagged: %1").replace("%1", e.flag_reason) if e.flag_reason else ""]
            return "\n\n".join(line for line in lines if line) or None
        return None


class ConflictsModel(_DecisionTexts):
    """Late decisions kept for a lead: whose, on which item, what it said, what is recorded now."""

    COLUMNS = 5

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Item"), self.tr("Reviewer"), self.tr("Decided"), self.tr("Their decision"), self.tr("Recorded now"))

    def recorded_text(self, case: ConflictCase) -> str:
        r: HistoryRow | None = case.recorded
        if r is None:
            return self.tr("nothing (the item is open)")
        return self.tr("%1 — %2").replace("%1", self.category_text(r.kind, r.category)).replace("%2", r.reviewer)

    def cell(self, case: ConflictCase, col: int, role: int) -> Any:
        c = case.conflict
        if role == _DISPLAY:
            return (c.external_id, c.reviewer, when_text(c.decided_at), self.category_text(c.kind, c.category),
                    self.recorded_text(case))[col]  # fmt: skip
        if role == _TOOLTIP and col == 3 and c.note:
            return c.note
        if role == _TOOLTIP and col == 4 and case.recorded is not None and case.recorded.note:
            return case.recorded.note
        if role == Qt.ItemDataRole.DecorationRole and col == 3:
            return self.colour(c.kind, c.category)
        if role == Qt.ItemDataRole.DecorationRole and col == 4 and case.recorded is not None:
            return self.colour(case.recorded.kind, case.recorded.category)
        return None
