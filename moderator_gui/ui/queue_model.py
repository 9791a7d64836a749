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
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPainter, QPixmap

from moderator_gui.core.domain import ItemStatus, utcnow
from moderator_gui.core.store import QueueFilter, QueueRow, Store, StoreError
from moderator_gui.ui.media_bridge import MediaBridge, Rendered, Variant
from moderator_gui.ui.names import platform_name
from moderator_gui.ui.tasks import TaskRunner
from moderator_gui.ui.wellbeing import Wellbeing

PAGE_SIZE = 200
THUMB_PX = 48  # thumbnail cell size (logical pixels)
THUMB_CACHE = 600  # pixmaps kept; far below one page of screens
LOOKAHEAD = 8  # rows after the last visible one whose thumbnails are fetched too
# A thumbnail is seen at ~48 px: the same relative blur as the viewer's would leave
# shapes recognisable, so thumbnails are blurred this much more, relative to their size.
THUMB_BLUR_FACTOR = 2.5
# Service-level targets: an item flagged longer ago than this is late.
SLA_AMBER_HOURS = 4
SLA_RED_HOURS = 24
SLA_AMBER = QColor(245, 158, 11, 90)
SLA_RED = QColor(220, 38, 38, 100)
OPEN_STATUSES = frozenset({ItemStatus.PENDING.value, ItemStatus.SKIPPED.value})

_DISPLAY = Qt.ItemDataRole.DisplayRole
_HORIZONTAL = Qt.Orientation.Horizontal
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the QueueRow of a row
LOCAL_STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "saving" | "failed" | None


class Column(IntEnum):
    THUMB = 0
    TYPE = 1
    PLATFORM = 2
    REASON = 3
    REPORTS = 4
    AGE = 5
    PRIORITY = 6
    STATUS = 7


def column_title(col: Column) -> str:
    return {
        Column.THUMB: "",
        Column.TYPE: QCoreApplication.translate("QueueModel", "Type"),
        Column.PLATFORM: QCoreApplication.translate("QueueModel", "Platform"),
        Column.REASON: QCoreApplication.translate("QueueModel", "Flag reason"),
        Column.REPORTS: QCoreApplication.translate("QueueModel", "Reports"),
        Column.AGE: QCoreApplication.translate("QueueModel", "Age"),
        Column.PRIORITY: QCoreApplication.translate("QueueModel", "Priority"),
        Column.STATUS: QCoreApplication.translate("QueueModel", "Status"),
    }[col]


def content_type_text(code: str) -> str:
    names = {
        "image": QCoreApplication.translate("QueueModel", "Image"),
        "animation": QCoreApplication.translate("QueueModel", "Sticker"),
        "video": QCoreApplication.translate("QueueModel", "Video"),
        "live_clip": QCoreApplication.translate("QueueModel", "Live clip"),
        "text": QCoreApplication.translate("QueueModel", "Text"),
    }
    return names.get(code, code)


def status_text(status: str, local: str | None = None) -> str:
    if local == "saving":
        return QCoreApplication.translate("QueueModel", "saving…")
    if local == "failed":
        return QCoreApplication.translate("QueueModel", "not saved")
    names = {
        "pending": QCoreApplication.translate("QueueModel", "pending"),
        "skipped": QCoreApplication.translate("QueueModel", "skipped"),
        "escalated": QCoreApplication.translate("QueueModel", "escalated"),
        "decided": QCoreApplication.translate("QueueModel", "decided"),
    }
    return names.get(status, status)


def age_text(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return QCoreApplication.translate("QueueModel", "%1 min").replace("%1", str(max(0, minutes)))
    hours = minutes // 60
    if hours < 48:
        return QCoreApplication.translate("QueueModel", "%1 h").replace("%1", str(hours))
    return QCoreApplication.translate("QueueModel", "%1 d").replace("%1", str(hours // 24))


def sla_colour(seconds: float) -> QColor | None:
    hours = seconds / 3600
    if hours > SLA_RED_HOURS:
        return SLA_RED
    if hours >= SLA_AMBER_HOURS:
        return SLA_AMBER
    return None


def _placeholder(text: str, failed: bool = False) -> QPixmap:
    """A neutral tile shown until (or instead of) a pipeline thumbnail."""
    pm = QPixmap(THUMB_PX, THUMB_PX)
    pm.fill(QColor(120, 120, 120, 60) if not failed else QColor(220, 38, 38, 70))
    p = QPainter(pm)
    p.setPen(QColor(90, 90, 90))
    f = QFont()
    f.setPointSize(8)
    p.setFont(f)
    p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    p.end()
    return pm


class PlainRows:
    """The loaded rows, kept as plain tuples and handed out as ``QueueRow``s.

    Python's cycle collector stops tracking an exact tuple of plain values, but never a
    tuple subclass such as a NamedTuple: 100k loaded ``QueueRow``s made each full
    collection walk them all (a 65-80 ms stall while scrolling the 100k queue).
    """

    def __init__(self) -> None:
        self._items: list[tuple[Any, ...]] = []

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: int) -> QueueRow:
        return QueueRow._make(self._items[i])

    def __setitem__(self, i: int, row: QueueRow) -> None:
        self._items[i] = tuple(row)

    def __bool__(self) -> bool:
        return bool(self._items)

    def append(self, row: QueueRow) -> None:
        self._items.append(tuple(row))

    def clear(self) -> None:
        self._items.clear()


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
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._wellbeing = wellbeing
        self._bridge = bridge
        self._page_size = page_size
        self._clock = clock
        self._filter = QueueFilter(status="open")
        self._rows = PlainRows()
        self._row_of: dict[int, int] = {}
        # Identical media can be in several rows. Tuples, not lists: like the rows, they are
        # left out of the cycle collector's walk once it has seen them.
        self._rows_of_sha: dict[str, tuple[int, ...]] = {}
        self._local: dict[int, str] = {}  # item id -> "saving" | "failed"
        self._generation = 0
        self._loading = False
        self._exhausted = False
        self._error: str | None = None
        self._total = -1
        self._thumbs: OrderedDict[str, QPixmap] = OrderedDict()
        self._thumb_pending: set[str] = set()
        self._thumb_failed: dict[str, str] = {}
        self._placeholders: dict[str, QPixmap] = {}
        self._titles: tuple[str, ...] | None = None
        wellbeing.changed.connect(self._on_wellbeing_changed)
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
        self._filter = f
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._rows.clear()
        self._row_of.clear()
        self._rows_of_sha.clear()
        self._thumb_failed.clear()  # a transient failure is retried when the rows come back
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

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return not (self._exhausted or self._loading or self._error is not None)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        if not parent.isValid():
            self._fetch_page()

    def _fetch_page(self) -> None:
        if self._loading or self._exhausted or self._error is not None:
            return
        self._loading = True
        gen, f, limit = self._generation, self._filter, self._page_size
        after = self._rows[-1].sort_key if self._rows else None
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
        fresh = [r for r in rows if r.id not in self._row_of]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for r in fresh:
                self._row_of[r.id] = len(self._rows)
                if r.sha256:
                    self._rows_of_sha[r.sha256] = (*self._rows_of_sha.get(r.sha256, ()), len(self._rows))
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

    # -- rows ----------------------------------------------------------------------
    def row_at(self, row: int) -> QueueRow:
        return self._rows[row]

    def row_of(self, item_id: int) -> int | None:
        return self._row_of.get(item_id)

    def replace_row(self, new: QueueRow) -> None:
        """The item changed (recorded, undone, refreshed): show its new state."""
        r = self._row_of.get(new.id)
        if r is None:
            return
        self._rows[r] = new
        self.dataChanged.emit(self.index(r, 0), self.index(r, len(Column) - 1))

    def update_status(self, item_id: int, status: str, head_event: str | None) -> None:
        r = self._row_of.get(item_id)
        if r is not None:
            self.replace_row(self._rows[r]._replace(status=status, head_event=head_event))

    def set_local_state(self, item_id: int, state: str | None) -> None:
        """Overlay the saving state of this session's write ("saving", "failed") on a row."""
        if state is None:
            self._local.pop(item_id, None)
        else:
            self._local[item_id] = state
        r = self._row_of.get(item_id)
        if r is not None:
            idx = self.index(r, Column.STATUS)
            self.dataChanged.emit(idx, idx)

    def local_state(self, item_id: int) -> str | None:
        return self._local.get(item_id)

    def next_open(self, after_row: int) -> int | None:
        """The first loaded row below ``after_row`` that still needs a decision."""
        for r in range(after_row + 1, len(self._rows)):
            row = self._rows[r]
            if row.status in OPEN_STATUSES and row.id not in self._local:
                return r
        return None

    # -- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
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
            return self._thumbnail(row)
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
        self._placeholders.clear()
        self.headerDataChanged.emit(_HORIZONTAL, 0, _COLUMNS - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, _COLUMNS - 1))

    def _age_seconds(self, row: QueueRow) -> float:
        return max(0.0, (self._clock() - row.flagged_at).total_seconds())

    def _display(self, row: QueueRow, col: Column) -> str | None:
        if col == Column.THUMB:
            return None
        if col == Column.TYPE:
            return content_type_text(row.content_type)
        if col == Column.PLATFORM:
            return platform_name(row.platform)
        if col == Column.REASON:
            return (row.flag_reason or "").replace("\n", " ")
        if col == Column.REPORTS:
            return str(row.report_count)
        if col == Column.AGE:
            return age_text(self._age_seconds(row))
        if col == Column.PRIORITY:
            return str(row.priority)
        return status_text(row.status, self._local.get(row.id))

    def _tooltip(self, row: QueueRow, col: Column) -> str | None:
        if col == Column.THUMB and row.media_state == "failed":
            return row.media_error or QCoreApplication.translate("QueueModel", "the media could not be rendered")
        if col == Column.REASON:
            return row.flag_reason
        if col == Column.AGE:
            return row.flagged_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{platform_name(row.platform)} · {row.external_id}"

    # -- thumbnails ----------------------------------------------------------------------
    def _thumb_variant(self) -> Variant:
        s = self._wellbeing.state
        # Device pixels on high-DPI screens, so a 48 px cell is sharp at 200 %.
        side = round(THUMB_PX * QGuiApplication.instance().devicePixelRatio())  # type: ignore[union-attr]
        return Variant(blur=round(s.blur_strength * THUMB_BLUR_FACTOR) if s.blur else 0, grayscale=s.grayscale, size=side)

    def _placeholder_for(self, row: QueueRow) -> QPixmap:
        failed = row.media_state == "failed" or (row.sha256 or "") in self._thumb_failed
        key = f"{row.content_type}:{failed}"
        pm = self._placeholders.get(key)
        if pm is None:
            text = QCoreApplication.translate("QueueModel", "failed") if failed else content_type_text(row.content_type)
            pm = self._placeholders[key] = _placeholder(text, failed)
        return pm

    def _thumbnail(self, row: QueueRow) -> QPixmap:
        if row.sha256 and row.sha256 in self._thumbs:
            self._thumbs.move_to_end(row.sha256)
            return self._thumbs[row.sha256]
        return self._placeholder_for(row)

    def want_thumbnails(self, first: int, last: int) -> None:
        """Rows ``first..last`` are on screen: fetch their thumbnails, then the next few."""
        if self._bridge is None or not self._bridge.available or not self._rows:
            return
        stop = min(len(self._rows) - 1, last + LOOKAHEAD)
        variant = self._thumb_variant()
        priorities: dict[str, float] = {}
        for r in range(max(0, first), stop + 1):
            row = self._rows[r]
            sha = row.sha256
            if not sha or not row.media_path or row.media_state == "failed" or sha in self._thumb_failed:
                continue
            prio = 0.0 if r <= last else float(r - last)
            priorities[sha] = prio
            if sha in self._thumbs or sha in self._thumb_pending:
                continue
            self._thumb_pending.add(sha)
            self._bridge.request(
                sha,
                row.media_path,
                "thumb",
                (variant,),
                lambda res, v=variant: self._thumb_arrived(res, v),
                priority=prio,
            )
        self._bridge.reprioritize(priorities)

    def _thumb_arrived(self, res: Rendered, variant: Variant) -> None:
        self._thumb_pending.discard(res.sha256)
        if variant != self._thumb_variant():
            return  # rendered for wellbeing settings that changed meanwhile
        if not res.ok or not res.images:
            self._thumb_failed[res.sha256] = res.error or ""
        else:
            # Already scaled to the cell in the render thread: only the QPixmap is made here.
            pm = QPixmap.fromImage(res.images[0])
            pm.setDevicePixelRatio(QGuiApplication.instance().devicePixelRatio())  # type: ignore[union-attr]
            self._thumbs[res.sha256] = pm
            while len(self._thumbs) > THUMB_CACHE:
                self._thumbs.popitem(last=False)
        self._emit_thumb_changed(res.sha256)

    def _emit_thumb_changed(self, sha: str) -> None:
        for r in self._rows_of_sha.get(sha, ()):
            idx = self.index(r, Column.THUMB)
            self.dataChanged.emit(idx, idx, [Qt.ItemDataRole.DecorationRole])

    def _on_wellbeing_changed(self) -> None:
        # Blur/grayscale changed: drop thumbnails rendered the old way; the view asks again.
        self._thumbs.clear()
        self._thumb_pending.clear()
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
