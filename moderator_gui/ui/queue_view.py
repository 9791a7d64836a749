"""The queue pane: filters, find box and the table of items over :class:`QueueModel`.

The view tells the model which rows are on screen (after scrolling settles), so
thumbnails are fetched for those and the next few only, in that order.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from moderator_gui.core.store import QueueFilter, Store
from moderator_gui.ui.decision_panel import EscapeLeaves
from moderator_gui.ui.names import platform_name
from moderator_gui.ui.queue_model import THUMB_PX, Column, QueueModel, content_type_text
from moderator_gui.ui.tasks import TaskRunner

SEARCH_DEBOUNCE_MS = 300
VISIBLE_DEBOUNCE_MS = 60
COLUMN_WIDTHS = {Column.TYPE: 60, Column.PLATFORM: 72, Column.REPORTS: 50, Column.AGE: 58, Column.PRIORITY: 54, Column.STATUS: 74}
# The flag reason is what a reviewer reads in the queue; on a narrow pane (a laptop) these
# columns give way to it, in this order. Both are in the context panel and the row's tooltip.
REASON_MIN_WIDTH = 110
YIELDING_COLUMNS = (Column.REPORTS, Column.PLATFORM)


class QueueDelegate(QStyledItemDelegate):
    """Draws the thumbnail centred in its cell (the default puts it at the left edge)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        pm = index.data(Qt.ItemDataRole.DecorationRole)
        opt.icon = type(opt.icon)()  # background and selection only; the pixmap is drawn below
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if pm is not None and not pm.isNull():
            r: QRect = option.rect
            size = pm.deviceIndependentSize()
            x = r.x() + (r.width() - round(size.width())) // 2
            y = r.y() + (r.height() - round(size.height())) // 2
            painter.drawPixmap(x, y, pm)


class QueueView(QWidget):
    current_row_changed = Signal(int)  # -1: nothing selected

    def __init__(self, model: QueueModel, store: Store, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 0, 6)
        lay.setSpacing(4)

        filters = QHBoxLayout()
        # Items carry codes; their texts are set (again, when the language changes) by retranslate().
        self.status_box = QComboBox(self)
        for code in ("open", "pending", "skipped", "escalated", "decided", "all"):
            self.status_box.addItem("", code)
        self.type_box = QComboBox(self)
        for type_code in (None, "image", "animation", "video", "live_clip", "text"):
            self.type_box.addItem("", type_code)
        self.platform_box = QComboBox(self)
        self.platform_box.addItem("", None)
        self.order_box = QComboBox(self)
        self.order_box.addItem("", "priority")
        self.order_box.addItem("", "oldest")
        for box in (self.status_box, self.type_box, self.platform_box, self.order_box):
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.currentIndexChanged.connect(self._apply_filter)
            filters.addWidget(box)
        lay.addLayout(filters)

        find = QHBoxLayout()
        self.find_box = QLineEdit(self)
        self.find_box.setObjectName("find")
        self.find_box.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.find_box.textEdited.connect(lambda _t: self._search_timer.start())
        self.find_box.returnPressed.connect(self._find_now)
        find.addWidget(self.find_box, 1)
        # Duplicates: each cluster once (its first item) instead of N times.
        self.one_per_cluster = QCheckBox(self)
        self.one_per_cluster.setObjectName("one_per_cluster")
        self.one_per_cluster.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.one_per_cluster.toggled.connect(lambda _on: self._apply_filter())
        find.addWidget(self.one_per_cluster)
        self.count_label = QLabel(self)
        find.addWidget(self.count_label)
        lay.addLayout(find)

        self.table = QTableView(self)
        self.table.setObjectName("queue")
        self.table.setModel(model)
        # Only the thumbnail column needs Python painting; the others keep Qt's own C++
        # delegate (a Python delegate on every cell cost ~15 ms per decision's repaint).
        self.table.setItemDelegateForColumn(Column.THUMB, QueueDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(THUMB_PX + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.REASON, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(Column.THUMB, THUMB_PX + 10)
        for col, width in COLUMN_WIDTHS.items():
            header.resizeSection(col, width)
        header.setHighlightSections(False)
        lay.addWidget(self.table, 1)
        self.find_box.installEventFilter(EscapeLeaves(self.table, self, own_return=True))

        self._visible_timer = QTimer(self)
        self._visible_timer.setSingleShot(True)
        self._visible_timer.setInterval(VISIBLE_DEBOUNCE_MS)
        self._visible_timer.timeout.connect(self._report_visible)
        self.table.verticalScrollBar().valueChanged.connect(lambda _v: self._visible_timer.start())
        model.rowsInserted.connect(lambda *_a: self._visible_timer.start())
        model.modelReset.connect(self._visible_timer.start)
        model.thumbnails_invalidated.connect(self._visible_timer.start)
        model.count_changed.connect(self._show_count)
        model.page_loaded.connect(lambda _n: self._show_count(model.total))
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self.current_row_changed.emit(cur.row()))

        self.retranslate()
        runner.run(store.platforms, on_done=self._set_platforms, on_error=lambda _e: None, label="platforms")

    def retranslate(self) -> None:
        """Every text of the pane in the current language (again when the main window says it changed)."""
        status = {
            "open": self.tr("To review"),
            "pending": self.tr("Pending"),
            "skipped": self.tr("Skipped"),
            "escalated": self.tr("Escalated"),
            "decided": self.tr("Decided"),
            "all": self.tr("All"),
        }
        order = {"priority": self.tr("Priority first"), "oldest": self.tr("Oldest first")}
        for box, text in (
            (self.status_box, status.__getitem__),
            (self.type_box, lambda code: self.tr("All types") if code is None else content_type_text(code)),
            (self.platform_box, lambda code: self.tr("All platforms") if code is None else platform_name(code)),
            (self.order_box, order.__getitem__),
        ):
            for i in range(box.count()):
                box.setItemText(i, text(box.itemData(i)))
        self.find_box.setPlaceholderText(self.tr("Find external id or account (Ctrl+F)"))
        self.one_per_cluster.setText(self.tr("One per cluster"))
        self.one_per_cluster.setToolTip(self.tr("Show each group of duplicate pictures once"))
        self._show_count(self._model.total)

    def _set_platforms(self, platforms: list[str]) -> None:
        for p in platforms:
            self.platform_box.addItem(platform_name(p), p)

    def current_filter(self) -> QueueFilter:
        return QueueFilter(
            status=self.status_box.currentData(),
            content_type=self.type_box.currentData(),
            platform=self.platform_box.currentData(),
            search=self.find_box.text().strip() or None,
            order=self.order_box.currentData(),
            one_per_cluster=self.one_per_cluster.isChecked(),
        )

    def show_only_status(self, status: str) -> None:
        """Show every item of ``status`` (the other filters and the search cleared), read afresh."""
        self._search_timer.stop()
        boxes = (self.status_box, self.type_box, self.platform_box)
        for box in boxes:
            box.blockSignals(True)
        try:
            self.status_box.setCurrentIndex(max(0, self.status_box.findData(status)))
            self.type_box.setCurrentIndex(0)
            self.platform_box.setCurrentIndex(0)
            self.find_box.clear()
        finally:
            for box in boxes:
                box.blockSignals(False)
        self._model.set_filter(self.current_filter())

    def _apply_filter(self) -> None:
        self._search_timer.stop()
        f = self.current_filter()
        if f != self._model.queue_filter:
            self._model.set_filter(f)

    def _find_now(self) -> None:
        self._apply_filter()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_find(self) -> None:
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    def _show_count(self, total: int) -> None:
        loaded = self._model.rowCount()
        if total < 0:
            self.count_label.setText(self.tr("counting…"))
        else:
            self.count_label.setText(self.tr("%1 items").replace("%1", f"{total:,}") if loaded >= total else
                                     self.tr("%1 of %2 loaded").replace("%1", f"{loaded:,}").replace("%2", f"{total:,}"))

    def current_row(self) -> int:
        return self.table.selectionModel().currentIndex().row()

    def select_row(self, row: int) -> None:
        if row < 0 or row >= self._model.rowCount():
            self.table.selectionModel().clearSelection()
            self.table.selectionModel().setCurrentIndex(QModelIndex(), self.table.selectionModel().SelectionFlag.Clear)
            return
        idx = self._model.index(row, Column.TYPE)
        self.table.selectionModel().setCurrentIndex(
            idx,
            self.table.selectionModel().SelectionFlag.ClearAndSelect | self.table.selectionModel().SelectionFlag.Rows,
        )
        self.table.scrollTo(idx)

    def visible_rows(self) -> tuple[int, int]:
        vp = self.table.viewport()
        first = self.table.rowAt(0)
        last = self.table.rowAt(vp.height() - 1)
        if first < 0:
            return (0, -1) if self._model.rowCount() == 0 else (0, 0)
        return first, (last if last >= 0 else self._model.rowCount() - 1)

    def _report_visible(self) -> None:
        first, last = self.visible_rows()
        if last >= first:
            self._model.want_thumbnails(first, last)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()
        self._visible_timer.start()

    def _fit_columns(self) -> None:
        """Hide the columns that yield (reports, then platform) while the flag reason would be
        narrower than REASON_MIN_WIDTH; show them again when there is room."""
        header = self.table.horizontalHeader()
        room = self.table.viewport().width() - REASON_MIN_WIDTH

        def width(col: Column) -> int:  # a hidden section reports 0: use its own width
            return header.sectionSize(col) if not header.isSectionHidden(col) else COLUMN_WIDTHS.get(col, 0)

        others = sum(width(c) for c in Column if c != Column.REASON and c not in YIELDING_COLUMNS)
        for col in YIELDING_COLUMNS:
            others_with = others + sum(width(c) for c in YIELDING_COLUMNS[YIELDING_COLUMNS.index(col) :])
            header.setSectionHidden(col, others_with > room)
