"""The team lead's statistics window: decisions per category, action, reviewer and day,
median handling time and the age of the open queue, as charts and as a table.

The numbers are ``core.stats.compute_stats`` (the same as ``moderator-cli stats``),
computed on a worker thread whenever the filters change; only the newest
request's result is shown. Category and action names come from the policy in the
current UI language, bars in the policy's category colours (the charts are built
in ``stats_charts.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCharts import QChart, QChartView
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QCloseEvent, QColor, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.decision_filter import FilterError
from moderator_gui.core.policy import Policy
from moderator_gui.core.stats import AGE_BUCKETS, Stats, compute_stats
from moderator_gui.core.store import Store
from moderator_gui.ui.decision_filter_form import DecisionFilterForm
from moderator_gui.ui.i18n import current_language
from moderator_gui.ui.message_text import error_text
from moderator_gui.ui.stats_charts import AGE_COLOUR, KIND_COLOURS, category_chart, day_chart, reviewer_chart, single_bars
from moderator_gui.ui.tasks import TaskHandle, TaskRunner

# Filters are usually changed in bursts (ticking a box, then typing a date): wait
# this long after the last change before asking the database again.
REFRESH_DELAY_MS = 300


@dataclass(frozen=True)
class StatsRow:
    """One line of the statistics table: which group, what, how many (and a colour swatch)."""

    group: str
    name: str
    value: str
    colour: str | None = None


class StatsTableModel(QAbstractTableModel):
    """The statistics as a flat read-only table: Group | Name | Value."""

    COLUMNS = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StatsRow] = []

    def set_rows(self, rows: list[StatsRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.COLUMNS

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (row.group, row.name, row.value)[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 1 and row.colour is not None:
            return QColor(row.colour)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < self.COLUMNS:
            return (self.tr("Group"), self.tr("Name"), self.tr("Value"))[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return section + 1
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class StatsView(QWidget):
    """Filters on the left; charts and a table of the same numbers on the right."""

    refreshed = Signal(object)  # the Stats now shown (for callers and tests)

    def __init__(self, store: Store, runner: TaskRunner, policy: Policy, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StatsView")
        self.setWindowFlag(Qt.WindowType.Window)
        self._store = store
        self._runner = runner
        self._policy = policy
        self._task: TaskHandle | None = None
        self._stats: Stats | None = None

        self.filters = DecisionFilterForm(store, runner, policy, self)
        self.refresh_button = QPushButton(self)
        self.summary = QLabel(self)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        side_panel = QWidget(self)
        side_panel.setMaximumWidth(300)
        side = QVBoxLayout(side_panel)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.filters)
        side.addWidget(self.refresh_button)
        side.addWidget(self.summary)
        side.addWidget(self.status)
        side.addStretch(1)

        # Minimum heights keep every bar label readable (QtCharts drops labels that would
        # overlap); a small window scrolls instead of squeezing the charts.
        self.category_view = self._chart_view(300)
        self.day_view = self._chart_view(240)
        self.reviewer_view = self._chart_view(240)
        self.action_view = self._chart_view(300)
        self.age_view = self._chart_view(300)
        charts = QWidget(self)
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 0, 0, 0)
        # The category names are long (in both languages): that chart gets the full width.
        grid.addWidget(self.category_view, 0, 0, 1, 2)
        grid.addWidget(self.day_view, 1, 0)
        grid.addWidget(self.reviewer_view, 1, 1)
        grid.addWidget(self.action_view, 2, 0)
        grid.addWidget(self.age_view, 2, 1)

        self.model = StatsTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)

        self.tabs = QTabWidget(self)
        scroller = QScrollArea(self)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(charts)
        self.tabs.addTab(scroller, "")
        self.tabs.addTab(self.table, "")
        layout = QHBoxLayout(self)
        layout.addWidget(side_panel, 0)
        layout.addWidget(self.tabs, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(REFRESH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.filters.changed.connect(self._debounce.start)
        self.filters.reviewers_failed.connect(self._reviewers_failed)
        self.refresh_button.clicked.connect(self._refresh_all)
        self._retranslate()
        self.resize(1200, 800)

    def _chart_view(self, min_height: int) -> QChartView:
        view = QChartView(self)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumSize(220, min_height)
        return view

    # -- texts ------------------------------------------------------------------------
    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Statistics"))
        self.refresh_button.setText(self.tr("&Refresh"))
        self.tabs.setTabText(0, self.tr("Charts"))
        self.tabs.setTabText(1, self.tr("Table"))
        if self._stats is not None:
            self._show(self._stats)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def kind_name(self, kind: str) -> str:
        return {
            "decide": self.tr("Decided"),
            "skip": self.tr("Skipped"),
            "escalate": self.tr("Escalated"),
        }.get(kind, kind)

    def status_name(self, status: str) -> str:
        return {
            "pending": self.tr("Pending"),
            "skipped": self.tr("Skipped"),
            "escalated": self.tr("Escalated"),
            "decided": self.tr("Decided"),
        }.get(status, status)

    def age_name(self, bucket: str) -> str:
        return {
            "<1h": self.tr("Under 1 hour"),
            "<4h": self.tr("1–4 hours"),
            "<24h": self.tr("4–24 hours"),
            "older": self.tr("Over 24 hours"),
        }.get(bucket, bucket)

    def duration_text(self, ms: float | None) -> str:
        if ms is None:
            return self.tr("no timed decisions")
        return self.tr("{seconds} s").format(seconds=QLocale().toString(ms / 1000, "f", 1))

    # -- refreshing -----------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._task is not None

    @Slot()
    def _refresh_all(self) -> None:
        self.filters.load_reviewers()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Recompute in the background; a newer request supersedes one still running."""
        self._debounce.stop()
        problem = self.filters.range_error()
        if problem is not None:
            self.status.setText(problem)
            return
        self._drop_running()  # superseded by this newer request
        flt, store = self.filters.value(), self._store
        self.status.setText(self.tr("Counting…"))
        self._task = self._runner.run(
            lambda: compute_stats(store, flt),
            on_done=self._done,
            on_error=self._failed,
            label="statistics",
        )

    def cancel_running(self) -> None:
        """The window closes: drop the running count (nothing of it reaches this view)."""
        self._drop_running()

    def _drop_running(self) -> None:
        """A cancelled task delivers neither its result nor its error."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _done(self, stats: Stats) -> None:
        self._task = None
        self.status.clear()
        self._show(stats)
        self.refreshed.emit(stats)

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        if isinstance(exc, FilterError) and self.filters.show_error(exc):
            self.status.clear()  # the filter's problem is shown next to its field
            return
        self.status.setText(self.tr("The statistics could not be computed: {reason}").format(reason=error_text(exc)))

    def _reviewers_failed(self, message: str) -> None:
        self.status.setText(self.tr("Could not read the reviewer list: {reason}").format(reason=message))

    # -- showing ---------------------------------------------------------------------------
    def _show(self, stats: Stats) -> None:
        self._stats = stats
        lang = current_language()
        loc = QLocale()
        self.summary.setText(
            self.tr("Decisions: {decisions}\nMedian handling time: {median}\nUndone (not counted): {undone}").format(
                decisions=loc.toString(stats.decisions),
                median=self.duration_text(stats.median_handling_ms),
                undone=loc.toString(stats.reverted_excluded),
            )
        )
        self.model.set_rows(self._rows(stats, lang))
        acts = self._policy.actions
        self._set_chart(
            self.category_view,
            category_chart(self.tr("Decisions per category"), self._policy.categories, stats.by_category, lang),
        )
        self._set_chart(
            self.day_view,
            day_chart(self.tr("Decisions per day (UTC)"), self.tr("Decisions"), stats.by_day, self.day_view.width()),
        )
        self._set_chart(
            self.reviewer_view, reviewer_chart(self.tr("Events per reviewer"), stats.by_reviewer, self.kind_name)
        )
        self._set_chart(
            self.action_view,
            single_bars(
                self.tr("Decisions per action"),
                [a.label.get(lang) for a in acts],
                [stats.by_action.get(a.code, 0) for a in acts],
                KIND_COLOURS["decide"],
            ),
        )
        self._set_chart(
            self.age_view,
            single_bars(
                self.tr("Open items by time since flagged"),
                [self.age_name(b) for b, _ in AGE_BUCKETS],
                [stats.open_age.get(b, 0) for b, _ in AGE_BUCKETS],
                AGE_COLOUR,
            ),
        )

    @staticmethod
    def _set_chart(view: QChartView, chart: QChart) -> None:
        old = view.chart()
        view.setChart(chart)  # the view owns the new chart and releases the old one
        old.deleteLater()

    def _rows(self, stats: Stats, lang: str) -> list[StatsRow]:
        n = QLocale().toString
        rows = [
            StatsRow(self.tr("Summary"), self.tr("Decisions"), n(stats.decisions)),
            StatsRow(self.tr("Summary"), self.tr("Median handling time"), self.duration_text(stats.median_handling_ms)),
            StatsRow(self.tr("Summary"), self.tr("Timed decisions"), n(stats.handling_samples)),
            StatsRow(self.tr("Summary"), self.tr("Undone (not counted)"), n(stats.reverted_excluded)),
        ]
        rows += [StatsRow(self.tr("Events"), self.kind_name(k), n(v)) for k, v in stats.events_by_kind.items()]
        rows += [
            StatsRow(self.tr("Category"), c.label.get(lang), n(stats.by_category.get(c.code, 0)), c.colour)
            for c in self._policy.categories
        ]
        rows += [
            StatsRow(self.tr("Action"), a.label.get(lang), n(stats.by_action.get(a.code, 0))) for a in self._policy.actions
        ]
        for name, kinds in stats.by_reviewer.items():
            rows += [
                StatsRow(self.tr("Reviewer"), f"{name} · {self.kind_name(k)}", n(v))
                for k, v in kinds.items()
                if v
            ]
        rows += [StatsRow(self.tr("Day (UTC)"), day, n(v)) for day, v in stats.by_day.items()]
        rows += [StatsRow(self.tr("Queue"), self.status_name(s), n(v)) for s, v in stats.queue_by_status.items()]
        rows += [StatsRow(self.tr("Open items by age"), self.age_name(b), n(stats.open_age.get(b, 0))) for b, _ in AGE_BUCKETS]
        return rows

    def showEvent(self, event: QShowEvent) -> None:
        """Count afresh each time the window is opened: decisions keep arriving while it is closed."""
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        """A result arriving after the window closed has nowhere to go: drop it."""
        self._drop_running()
        self.filters.cancel_loading()
        self._debounce.stop()
        super().closeEvent(event)
