"""Context of the current item: who uploaded it, why it was flagged, and what we decided before.

The history of the uploader's account and of identical media (same SHA-256) is
read in the background when the item changes; answers for an item that is no
longer shown are dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.policy import Policy
from moderator_gui.core.store import HistoryRow, ItemCluster, QueueRow, Store, StoreError
from moderator_gui.ui.cluster_strip import ClusterStrip
from moderator_gui.ui.media_bridge import MediaBridge
from moderator_gui.ui.names import flag_source_name, platform_name
from moderator_gui.ui.row_list_model import RowListModel
from moderator_gui.ui.session_history import tr_kind
from moderator_gui.ui.tasks import TaskRunner
from moderator_gui.ui.wellbeing import Wellbeing

HISTORY_LIMIT = 50
# History is read once the reviewer stays on an item this long: holding J to skim the
# queue, or recording, must not queue two database reads per item passed.
HISTORY_DELAY_MS = 120


class HistoryModel(RowListModel[HistoryRow]):
    """Earlier events (date, item, decision, reviewer) of an account or of one media file."""

    COLUMNS = 3  # decision, reviewer, date; the item's id and the note are in the tooltip

    def __init__(self, policy: Policy, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._policy = policy
        self._lang = lang

    def set_rows(self, rows: list[HistoryRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Decision"), self.tr("Reviewer"), self.tr("Date"))

    def set_language(self, lang: str) -> None:
        self._lang = lang  # policy labels
        self.retranslate()

    def _decision(self, r: HistoryRow) -> str:
        if r.kind == "decide" and r.category and self._policy.has_category(r.category):
            text = self._policy.category(r.category).label.get(self._lang)
        else:
            text = tr_kind(r.kind)
        return self.tr("%1 (undone)").replace("%1", text) if r.reverted else text

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 2:
                return r.decided_at.astimezone().strftime("%m-%d %H:%M")
            return (self._decision(r), r.reviewer)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [r.external_id, r.decided_at.astimezone().strftime("%Y-%m-%d %H:%M"), r.note]
            return "\n".join(line for line in lines if line)
        if role == Qt.ItemDataRole.ForegroundRole and r.reverted:
            return QColor(128, 128, 128)
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and r.category and self._policy.has_category(r.category):
            return QColor(self._policy.category(r.category).colour)
        return None


def _history_table(model: HistoryModel, parent: QWidget) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the decision matters most
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setWordWrap(False)
    return view


class ContextPanel(QWidget):
    def __init__(
        self,
        store: Store,
        runner: TaskRunner,
        policy: Policy,
        lang: str,
        parent: QWidget | None = None,
        *,
        wellbeing: Wellbeing,
        bridge: MediaBridge | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._policy = policy
        self._lang = lang
        self._row: QueueRow | None = None  # the item shown
        self.cluster_read_for: int | None = None  # the item whose cluster was read (None: not yet)
        self._history_timer = QTimer(self)
        self._history_timer.setSingleShot(True)
        self._history_timer.setInterval(HISTORY_DELAY_MS)
        self._history_timer.timeout.connect(self._load_history)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields: dict[str, QLabel] = {}
        self._titles: dict[str, QLabel] = {}
        for key in ("external_id", "uploader", "platform", "flag", "reason", "reports", "score", "suspected"):
            label = QLabel(self)
            label.setTextFormat(Qt.TextFormat.PlainText)  # uploader names and reasons are untrusted text
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.fields[key] = label
            self._titles[key] = QLabel(self)
            form.addRow(self._titles[key], label)
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet("color:#b91c1c;")
        form.addRow(self.status)
        left = QWidget(self)
        left.setLayout(form)
        left.setMinimumWidth(200)
        lay.addWidget(left, 1)
        self.account_model = HistoryModel(policy, lang, self)
        self.media_model = HistoryModel(policy, lang, self)
        self.tabs = QTabWidget(self)
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(_history_table(self.account_model, self.tabs), "")
        self.tabs.addTab(_history_table(self.media_model, self.tabs), "")
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        self.cluster_strip = ClusterStrip(policy, lang, wellbeing, bridge, self)
        right.addWidget(self.cluster_strip)
        right.addWidget(self.tabs, 1)
        lay.addLayout(right, 2)
        for model in (self.account_model, self.media_model):
            model.modelReset.connect(self._update_tab_titles)
        self._retranslate()
        self.show_item(None)

    def _retranslate(self) -> None:
        for key, title in (
            ("external_id", self.tr("Item")),
            ("uploader", self.tr("Account")),
            ("platform", self.tr("Platform")),
            ("flag", self.tr("Flagged by")),
            ("reason", self.tr("Reason")),
            ("reports", self.tr("Reports")),
            ("score", self.tr("Classifier score")),
            ("suspected", self.tr("Suspected")),
        ):
            self._titles[key].setText(title)
        self._update_tab_titles()

    def set_language(self, lang: str) -> None:
        """The UI language changed (the main window says so): titles, names and policy labels anew."""
        self._lang = lang
        for model in (self.account_model, self.media_model):
            model.set_language(lang)
        self.cluster_strip.set_language(lang)
        self._retranslate()
        if self._row is not None:
            self._fill(self._row)

    def _update_tab_titles(self) -> None:
        self.tabs.setTabText(0, self.tr("This account before (%1)").replace("%1", str(self.account_model.rowCount())))
        self.tabs.setTabText(1, self.tr("Same media before (%1)").replace("%1", str(self.media_model.rowCount())))
        self.tabs.setTabToolTip(1, self.tr("Earlier items with identical media (same SHA-256)"))

    @property
    def row(self) -> QueueRow | None:
        """The item shown."""
        return self._row

    @property
    def cluster(self) -> ItemCluster | None:
        """The other items with the shown item's picture, once read (None: none, or not read yet)."""
        return self.cluster_strip.cluster

    def _showing(self, item_id: int) -> bool:
        return self._row is not None and self._row.id == item_id

    def show_item(self, row: QueueRow | None) -> None:
        self._row = row
        self.account_model.set_rows([])
        self.media_model.set_rows([])
        self.cluster_strip.show_cluster(None)
        self.cluster_read_for = None
        self.status.clear()
        if row is None:
            for label in self.fields.values():
                label.clear()
            return
        self._fill(row)
        self._history_timer.start()

    def _fill(self, row: QueueRow) -> None:
        dash = "—"
        source = flag_source_name(row.flag_source) if row.flag_source else dash
        self.fields["external_id"].setText(row.external_id)
        self.fields["uploader"].setText(row.uploader or dash)
        self.fields["platform"].setText(platform_name(row.platform))
        self.fields["flag"].setText(source)
        self.fields["reason"].setText(row.flag_reason or dash)
        self.fields["reports"].setText(str(row.report_count))
        self.fields["score"].setText(dash if row.classifier_score is None else f"{row.classifier_score:.2f}")
        suspected = row.suspected_category
        if suspected and self._policy.has_category(suspected):
            suspected = self._policy.category(suspected).label.get(self._lang)
        self.fields["suspected"].setText(suspected or dash)

    def refresh_history(self) -> None:
        """Read the histories again (a decision on a related item was recorded); no flicker."""
        if self._row is not None:
            self._history_timer.start()

    def _load_history(self) -> None:
        row = self._row
        if row is None:
            return
        store, item_id, uploader, sha = self._store, row.id, row.uploader, row.sha256

        def load() -> tuple[list[HistoryRow], list[HistoryRow], ItemCluster | None]:
            account = store.account_history(uploader, HISTORY_LIMIT) if uploader else []
            media = store.media_history(sha, HISTORY_LIMIT) if sha else []
            cluster = store.item_cluster(item_id) if sha else None
            # The item itself is not "history" of itself.
            return [h for h in account if h.item_id != item_id], [h for h in media if h.item_id != item_id], cluster

        def done(result: tuple[list[HistoryRow], list[HistoryRow], ItemCluster | None]) -> None:
            if self._showing(item_id):
                self.account_model.set_rows(result[0])
                self.media_model.set_rows(result[1])
                self.cluster_strip.show_cluster(result[2])
                self.cluster_read_for = item_id

        def failed(exc: BaseException) -> None:
            if self._showing(item_id):
                msg = exc.message if isinstance(exc, StoreError) else str(exc)
                self.status.setText(self.tr("History unavailable: %1").replace("%1", msg))

        self._runner.run(load, on_done=done, on_error=failed, label="history")
