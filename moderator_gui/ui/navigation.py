"""Where the reviewer is in the queue: the current item and its row, J/K, moving on after a
decision (to the next open item, loading the next page if it must), the items ahead."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QModelIndex, QObject, Signal

from moderator_gui.core.store import QueueRow
from moderator_gui.ui.queue_model import QueueModel


class Navigation(QObject):
    current_changed = Signal(object)  # QueueRow | None
    select_requested = Signal(int)  # ask the queue view to select this model row

    def __init__(self, model: QueueModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._current: QueueRow | None = None
        self._current_row = -1
        self._shown = QElapsedTimer()  # since the current item was shown
        self._advance_pending = False  # moving on waits for the next page
        model.modelReset.connect(self._on_model_reset)
        model.page_loaded.connect(self._on_page_loaded)
        model.rowsInserted.connect(self._on_rows_inserted)
        model.dataChanged.connect(self._on_data_changed)

    @property
    def current(self) -> QueueRow | None:
        return self._current

    @property
    def current_row(self) -> int:
        """The current item's row in the queue model (-1: none)."""
        return self._current_row

    def shown_ms(self) -> int | None:
        """How long the current item has been on screen (the decision's time spent)."""
        return self._shown.elapsed() if self._shown.isValid() else None

    def set_current_row(self, row: int) -> None:
        """The queue view selected ``row`` (or -1 for nothing)."""
        new = self._model.row_at(row) if 0 <= row < self._model.rowCount() else None
        self._current_row = row if new is not None else -1
        if new is not None and self._current is not None and new.id == self._current.id:
            self._current = new  # same item, fresher row: keep the timer running
            return
        if new is None and self._current is None:
            return
        self._current = new
        self._shown.start()
        self.current_changed.emit(new)

    def refresh(self, row: QueueRow) -> None:
        """A fresher copy of an item arrived: if it is the current one, keep it (no signal)."""
        if self._current is not None and self._current.id == row.id:
            self._current = row

    def go_to(self, row: int) -> None:
        """Make ``row`` (-1: none) the current item, then have the queue view follow.

        The session says first, so the window shows the item before the queue view
        repaints its selection; the view's echo (``set_current_row`` of the same
        item) changes nothing.
        """
        self.set_current_row(row)
        self.select_requested.emit(self._current_row)

    def go_to_item(self, item_id: int) -> None:
        """Make this item the current one, if it is in the queue model."""
        row = self._model.row_of(item_id)
        if row is not None:
            self.go_to(row)

    def upcoming(self, count: int = 2) -> list[QueueRow]:
        """The next ``count`` items Enter will move to: what to render ahead while the reviewer
        looks at this one (two, so that a reviewer clearing obvious items at a second each
        never waits for a render)."""
        rows: list[QueueRow] = []
        r: int | None = self._current_row
        while len(rows) < count and r is not None and (r := self._model.next_open(r)) is not None:
            rows.append(self._model.row_at(r))
        return rows

    def move(self, delta: int) -> None:
        """J/K: go to the next/previous item without deciding."""
        target = max(0, self._current_row + delta) if self._current_row >= 0 else 0
        if self._model.has_row_or_fetch(target):
            self.go_to(target)

    def advance(self) -> None:
        """After a decision: the next open item, once the next page is loaded if need be."""
        nxt = self._model.next_open(self._current_row)
        if nxt is not None:
            self.go_to(nxt)
            return
        if self._model.canFetchMore():
            self._advance_pending = True
            self._model.fetchMore()
        else:
            self.go_to(-1)

    def _on_page_loaded(self, _rows: int) -> None:
        if self._advance_pending:
            self._advance_pending = False
            self.advance()
        elif self._current is None and self._model.rowCount() > 0:
            # The first item this reviewer may work on (not someone else's, not skipped by
            # them); if there is none, the first row, to look at.
            first = self._model.next_open(-1)
            self.go_to(first if first is not None else 0)

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, _roles: object = None) -> None:
        """The current item's row changed (a decision committed, a change from elsewhere): keep
        the fresher copy (its head event is what the next decision on it expects)."""
        if self._current is not None and top_left.row() <= self._current_row <= bottom_right.row():
            self._current = self._model.row_at(self._current_row)

    def _on_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        """New items (an import, another desk) went in above the current one: it moved down."""
        if self._current_row >= first:
            self._current_row += last - first + 1

    def _on_model_reset(self) -> None:
        self._current_row = -1
        self._advance_pending = False
        if self._current is not None:
            self._current = None
            self.current_changed.emit(None)
