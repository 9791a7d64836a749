"""The review queue as ONE lazily loaded table model.

Rows come from ``Store.queue_page`` in keyset pages (``after`` = the last row's
``sort_key``), fetched in the background when the view asks (canFetchMore /
fetchMore), so 100,000 items open as fast and in as little memory as 1,000:
only the pages the reviewer scrolled through are ever loaded. The total comes
from ``Store.queue_count`` in the background too. Thumbnails are requested
only for the rows on screen and the next few (:meth:`QueueModel.want_thumbnails`),
rendered with the wellbeing blur/grayscale in worker threads, and kept in a
bounded cache.

A filter change resets the model and bumps a generation number: pages that
arrive afterwards for the old filter are dropped.

Changes made after loading — this desk's decisions, another process's import,
another desk's decision — arrive as :class:`~moderator_gui.core.changes.Changes`
(:meth:`QueueModel.apply_changes`): the rows they name are updated in place (from
the new states the change carries, or read again in the background), new items
that match the filter are inserted where the queue's order puts them, and the
rest of the model is left alone: no reload, the selection stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from moderator_gui.core.changes import Changes
from moderator_gui.core.decision_builder import held_by_other
from moderator_gui.core.domain import ItemStatus, utcnow
from moderator_gui.core.store import QueueFilter, QueueRow, Store, StoreError
from moderator_gui.ui.media_bridge import MediaBridge
from moderator_gui.ui.queue_cells import (
    SLA_AMBER,
    SLA_RED,
    Column,
    age_text,
    cell_text,
    cell_tooltip,
    column_title,
    sla_colour,
    status_text,
)
from moderator_gui.ui.queue_rows import LoadedRows, order_key
from moderator_gui.ui.queue_thumbs import THUMB_PX, QueueThumbnails, content_type_text
from moderator_gui.ui.tasks import TaskRunner
from moderator_gui.ui.wellbeing import Wellbeing

__all__ = ["LOCAL_STATE_ROLE", "ROW_ROLE", "SLA_AMBER", "SLA_RED", "THUMB_PX", "Column", "QueueModel", "content_type_text"]

PAGE_SIZE = 200
OPEN_STATUSES = frozenset({ItemStatus.PENDING.value, ItemStatus.SKIPPED.value})

_DISPLAY = Qt.ItemDataRole.DisplayRole
_HORIZONTAL = Qt.Orientation.Horizontal
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the QueueRow of a row
LOCAL_STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "saving" | "failed" | None


_COLUMNS = len(Column)
_COLUMN_BY_INDEX = tuple(Column)  # Column(i) builds an enum member on every call: index this instead


class QueueModel(QAbstractTableModel):
    count_changed = Signal(int)  # total rows matching the filter (-1 while unknown)
    page_loaded = Signal(int)  # rows now loaded
    load_failed = Signal(str)  # a user-facing reason
    thumbnails_invalidated = Signal()  # wellbeing changed: the view should ask for its rows again

    def __init__(
        self,
        store: Store,
        runner: TaskRunner,
        wellbeing: Wellbeing,
        bridge: MediaBridge | None = None,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        clock: Callable[[], datetime] = utcnow,
        viewer: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._viewer = viewer  # the reviewer: whose skips hide items, whose claims are not "someone else's"
        self._store = store
        self._runner = runner
        self._page_size = page_size
        self._clock = clock
        self._filter = QueueFilter(status="open", viewer=viewer)
        self._rows = LoadedRows()
        self._local: dict[int, str] = {}  # item id -> "saving" | "failed"
        self._tick = 0  # changes applied so far
        self._state_tick: dict[int, int] = {}  # item -> the change that last set its state
        self._generation = 0
        self._loading = False
        self._exhausted = False
        self._error: str | None = None
        self._total = -1
        self._titles: tuple[str, ...] | None = None
        self.thumbs = QueueThumbnails(self._rows, wellbeing, bridge, self)
        self.thumbs.changed.connect(self._thumb_changed)
        self.thumbs.invalidated.connect(self._thumbs_invalidated)
        # Ages and SLA colours move with the clock.
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(60_000)
        self._age_timer.timeout.connect(self._refresh_ages)
        self._age_timer.start()

    # -- loading -------------------------------------------------------------------
    @property
    def queue_filter(self) -> QueueFilter:
        return self._filter

    @property
    def total(self) -> int:
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    def set_filter(self, f: QueueFilter) -> None:
        """Show another selection of the queue: reset, then load its first page and count."""
        self._filter = replace(f, viewer=self._viewer)
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._rows.clear()
        self.thumbs.forget_failures()  # a transient failure is retried when the rows come back
        # _local (this session's writes in flight) is kept: it is about items, not about
        # the filter, and an item shown again must still read "saving…", not "pending".
        self._loading = False
        self._exhausted = False
        self._error = None
        self._total = -1
        self.endResetModel()
        self.count_changed.emit(-1)
        gen, f = self._generation, self._filter
        store = self._store
        self._runner.run(
            lambda: store.queue_count(f),
            on_done=lambda n: self._count_arrived(gen, n),
            on_error=lambda exc: self._failed(gen, exc),
            label="queue_count",
        )
        self._fetch_page()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:
        if parent.isValid():
            return False
        return not (self._exhausted or self._loading or self._error is not None)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:
        if not parent.isValid():
            self._fetch_page()

    def _fetch_page(self) -> None:
        if self._loading or self._exhausted or self._error is not None:
            return
        self._loading = True
        gen, f, limit = self._generation, self._filter, self._page_size
        after = self._rows.last_key()
        store = self._store
        self._runner.run(
            lambda: store.queue_page(f, after=after, limit=limit),
            on_done=lambda rows: self._page_arrived(gen, rows),
            on_error=lambda exc: self._failed(gen, exc),
            label="queue_page",
        )

    def _page_arrived(self, gen: int, rows: list[QueueRow]) -> None:
        if gen != self._generation:
            return  # a page for a filter that is no longer shown
        self._loading = False
        if len(rows) < self._page_size:
            self._exhausted = True
        fresh = [r for r in rows if self._rows.row_of(r.id) is None]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for r in fresh:
                self._rows.append(r)
            self.endInsertRows()
        self.page_loaded.emit(len(self._rows))

    def _count_arrived(self, gen: int, n: int) -> None:
        if gen == self._generation:
            self._total = n
            self.count_changed.emit(n)

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._loading = False
        msg = exc.message if isinstance(exc, StoreError) else str(exc)
        self._error = msg
        self.load_failed.emit(msg)

    def has_row_or_fetch(self, row: int) -> bool:
        """True if ``row`` exists; otherwise asks for the next page (if any) and returns False."""
        if row < len(self._rows):
            return True
        self._fetch_page()
        return False

    # -- what changed (ours, other processes', other desks') --------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Update the rows a committed write changed; read only what the change does not say."""
        if changes.everything:
            self.refresh()
            return
        self._tick += 1
        for item_id, state in changes.states.items():
            self._state_tick[item_id] = self._tick
            self.update_status(item_id, state.status, state.head_event)
        stale = {i for i in changes.items if i not in changes.states and self._rows.row_of(i) is not None}
        for sha in changes.media:
            stale.update(self._rows[r].id for r in self._rows.rows_of_sha(sha))
        self.thumbs.forget_failures(list(changes.media))
        if not stale and not changes.added:
            return
        gen, f, store, tick = self._generation, self._filter, self._store, self._tick
        added = sorted(changes.added)
        viewer = self._viewer
        decided = sorted(changes.states) if f.one_per_cluster else []

        def read() -> tuple[list[QueueRow], list[QueueRow]]:
            # One per cluster: an item decided hands its place to the next of its cluster.
            new = sorted(set(added).union(store.cluster_peer_ids(decided))) if decided else added
            return store.rows(stale, viewer=viewer), store.rows(new, within=f) if new else []

        self._runner.run(
            read,
            on_done=lambda fresh: self._changed_rows_arrived(gen, tick, *fresh),
            on_error=lambda exc: self._failed(gen, exc),
            label="queue_changes",
        )

    def _changed_rows_arrived(self, gen: int, tick: int, changed: list[QueueRow], added: list[QueueRow]) -> None:
        if gen != self._generation:
            return  # the filter changed meanwhile: the reload has them
        for row in changed:
            r = self._rows.row_of(row.id)
            if r is not None and self._state_tick.get(row.id, 0) > tick:
                # A decision's state arrived after this read was asked for: the read may be
                # older than it. Keep that state; take the rest (claims, media) from the read.
                old = self._rows[r]
                row = row._replace(status=old.status, head_event=old.head_event)
            self.replace_row(row)
        new = [r for r in added if self._rows.row_of(r.id) is None]
        if not new:
            return
        key = order_key(self._filter)
        last = self._rows.last_key()
        inserted = 0
        for row in sorted(new, key=key):
            at = self._rows.insertion_point(row, key)
            if at == len(self._rows) and not self._exhausted and last is not None:
                continue  # beyond the loaded pages: a later page brings it
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self.endInsertRows()
            inserted += 1
        self._rows.reindex()
        if self._total >= 0:
            self._total += len(new)
            self.count_changed.emit(self._total)
        if inserted:
            self.page_loaded.emit(len(self._rows))

    # -- rows ----------------------------------------------------------------------
    def row_at(self, row: int) -> QueueRow:
        return self._rows[row]

    def row_of(self, item_id: int) -> int | None:
        return self._rows.row_of(item_id)

    def replace_row(self, new: QueueRow) -> None:
        """The item changed (recorded, undone, refreshed): show its new state."""
        r = self._rows.row_of(new.id)
        if r is None:
            return
        self._rows.replace(r, new)
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(Column) - 1))

    def update_status(self, item_id: int, status: str, head_event: str | None) -> None:
        r = self._rows.row_of(item_id)
        if r is not None:
            old = self._rows[r]
            if (old.status, old.head_event) != (status, head_event):
                self.replace_row(old._replace(status=status, head_event=head_event))

    def set_local_state(self, item_id: int, state: str | None) -> None:
        """Overlay the saving state of this session's write ("saving", "failed") on a row."""
        if state is None:
            self._local.pop(item_id, None)
        else:
            self._local[item_id] = state
        r = self._rows.row_of(item_id)
        if r is not None:
            idx = self.index(r, Column.STATUS)
            self.dataChanged.emit(idx, idx)

    def local_state(self, item_id: int) -> str | None:
        return self._local.get(item_id)

    def next_open(self, after_row: int) -> int | None:
        """The first loaded row below ``after_row`` that still needs a decision from this
        reviewer: not being saved, not skipped by them, not held by someone else."""
        now = self._clock()
        for r in range(after_row + 1, len(self._rows)):
            row = self._rows[r]
            if (
                row.status in OPEN_STATUSES
                and row.id not in self._local
                and not row.skipped_by_viewer
                and held_by_other(row, self._viewer, now) is None
            ):
                return r
        return None

    def holder(self, row: QueueRow) -> str | None:
        """Who else holds this item now (None: nobody, or this reviewer)."""
        return held_by_other(row, self._viewer, self._clock())

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else _COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role != _DISPLAY or orientation != _HORIZONTAL or not 0 <= section < _COLUMNS:
            return None
        if self._titles is None:  # translated once: views ask on every relayout
            self._titles = tuple(column_title(c) for c in Column)
        return self._titles[section]

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = _COLUMN_BY_INDEX[index.column()]
        if role == ROW_ROLE:
            return row
        if role == LOCAL_STATE_ROLE:
            return self._local.get(row.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.DecorationRole and col == Column.THUMB:
            return self.thumbs.pixmap(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        if role == Qt.ItemDataRole.BackgroundRole and col == Column.AGE:
            colour = sla_colour(self._age_seconds(row))
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (Column.REPORTS, Column.PRIORITY, Column.AGE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == Column.STATUS and row.id in self._local:
            f = QFont()
            f.setItalic(True)
            return f
        if role == Qt.ItemDataRole.SizeHintRole and col == Column.THUMB:
            return QSize(THUMB_PX + 8, THUMB_PX + 6)
        return None

    def retranslate(self) -> None:
        """The UI language changed: titles, cells and placeholder tiles in the new one."""
        self._titles = None
        self.thumbs.retranslate()
        self.headerDataChanged.emit(_HORIZONTAL, 0, _COLUMNS - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, _COLUMNS - 1))

    def _age_seconds(self, row: QueueRow) -> float:
        return max(0.0, (self._clock() - row.flagged_at).total_seconds())

    def _display(self, row: QueueRow, col: Column) -> str | None:
        if col == Column.AGE:
            return age_text(self._age_seconds(row))
        if col == Column.STATUS:
            return status_text(row.status, self._local.get(row.id), self.holder(row))
        return cell_text(row, col)

    def _tooltip(self, row: QueueRow, col: Column) -> str | None:
        return cell_tooltip(row, col, self.holder(row))

    # -- thumbnails ----------------------------------------------------------------------
    def want_thumbnails(self, first: int, last: int) -> None:
        """Rows ``first..last`` are on screen: fetch their thumbnails, then the next few."""
        self.thumbs.want(first, last)

    def _thumb_changed(self, sha: str) -> None:
        for r in self._rows.rows_of_sha(sha):
            idx = self.index(r, Column.THUMB)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])

    def _thumbs_invalidated(self) -> None:
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.THUMB),
                self.index(len(self._rows) - 1, Column.THUMB),
                [Qt.ItemDataRole.DecorationRole],
            )
        self.thumbnails_invalidated.emit()

    def _refresh_ages(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, Column.AGE), self.index(len(self._rows) - 1, Column.AGE))
