"""The session history: this reviewer's decisions of this session, newest first, with their
saving state (the list under the decision panel); and the names of event kinds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from moderator_gui.core.domain import EventKind
from moderator_gui.core.policy import Policy
from moderator_gui.core.write_queue import EntryState, SessionEntry
from moderator_gui.ui.message_text import message_text
from moderator_gui.ui.row_list_model import RowListModel

if TYPE_CHECKING:
    from moderator_gui.ui.review_session import ReviewSession


class SessionHistoryModel(RowListModel[SessionEntry]):
    """This reviewer's decisions of this session, newest first, with their saving state."""

    COLUMNS = 3  # item, decision, state

    def __init__(self, session: ReviewSession, policy: Policy, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._policy = policy
        self._lang = lang
        session.entries_changed.connect(self._reload)

    def _reload(self) -> None:
        new = list(reversed(self._session.entries))
        added = len(new) - len(self._rows)
        if added > 0 and (not self._rows or new[added] is self._rows[0]):
            # The session only appends: new entries go on top. Inserting them (rather than
            # resetting) spares the view a relayout of every row on each decision.
            self.beginInsertRows(QModelIndex(), 0, added - 1)
            self._rows = new
            self.endInsertRows()
        elif added != 0:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
        else:
            self._rows = new
        if len(new) > added > -1 and new:
            # Saving states of the older entries may have changed too.
            self.dataChanged.emit(self.index(added, 0), self.index(len(new) - 1, self.COLUMNS - 1))

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Item"), self.tr("Decision"), self.tr("State"))

    def set_language(self, lang: str) -> None:
        self._lang = lang  # policy labels
        self.retranslate()

    def decision_text(self, entry: SessionEntry) -> str:
        inp = entry.inp
        if inp.kind == EventKind.SKIP:
            return self.tr("Skip")
        if inp.kind == EventKind.ESCALATE:
            return self.tr("Escalate")
        if inp.category and self._policy.has_category(inp.category):
            return self._policy.category(inp.category).label.get(self._lang)
        return inp.category or ""

    def state_text(self, entry: SessionEntry) -> str:
        return {
            EntryState.SAVING: self.tr("saving…"),
            EntryState.RETRYING: self.tr("not saved yet — retrying"),
            EntryState.RECORDED: self.tr("recorded"),
            EntryState.CONFLICT: self.tr("conflict — not recorded"),
            EntryState.REJECTED: self.tr("refused — not recorded"),
            EntryState.UNDOING: self.tr("undoing…"),
            EntryState.UNDONE: self.tr("undone"),
            EntryState.CANCELLED: self.tr("undone before saving"),
        }[entry.state]

    def entry(self, row: int) -> SessionEntry:
        return self._rows[row]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        e = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (e.external_id, self.decision_text(e), self.state_text(e))[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            when = e.made_at.astimezone().strftime("%H:%M:%S")
            return f"{when}\n{message_text(e.reason)}" if e.reason is not None else when
        if role == Qt.ItemDataRole.ForegroundRole and col == 2:
            if e.state in (EntryState.RETRYING, EntryState.CONFLICT, EntryState.REJECTED):
                return QColor(220, 38, 38)
            return None
        if role == Qt.ItemDataRole.DecorationRole and col == 1 and e.inp.category and self._policy.has_category(e.inp.category):
            return QColor(self._policy.category(e.inp.category).colour)
        return None


def tr_kind(kind: str) -> str:
    """A translated name of an event kind (for history lists). (The context is the one these
    names had when they lived in review_session.py: their translations are filed under it.)"""
    names = {
        "decide": QCoreApplication.translate("ReviewSession", "decided"),
        "skip": QCoreApplication.translate("ReviewSession", "skipped"),
        "escalate": QCoreApplication.translate("ReviewSession", "escalated"),
        "revert": QCoreApplication.translate("ReviewSession", "undone"),
    }
    return names.get(kind, kind)
