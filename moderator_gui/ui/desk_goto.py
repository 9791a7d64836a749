"""Show one item at the desk, asked from elsewhere (the lead console's "Open at my desk"):
the queue filtered to the item's status (other filters and the search cleared), read
afresh, and the item made current once its page has arrived — page after page if it
must. Every read is the queue model's own (worker threads)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from moderator_gui.ui.queue_model import QueueModel
from moderator_gui.ui.queue_view import QueueView
from moderator_gui.ui.review_session import ReviewSession


class DeskGoTo(QObject):
    shown = Signal(int)  # the item is the desk's current item now
    not_found = Signal(int)  # the item is not (or no longer) in that part of the queue

    def __init__(self, view: QueueView, model: QueueModel, session: ReviewSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self._model = model
        self._session = session
        self._wanted: int | None = None
        # Connected after the session's navigation: on the first page it goes to the first
        # row, then this goes to the wanted one.
        model.page_loaded.connect(lambda _n: self._look())
        model.load_failed.connect(lambda _why: self._give_up())

    @property
    def wanted(self) -> int | None:
        return self._wanted

    def show_item(self, item_id: int, status: str) -> None:
        self._wanted = item_id
        self._view.show_only_status(status)  # reloads: the item may have changed status just now
        self._look()

    def _look(self) -> None:
        item = self._wanted
        if item is None or self._model.loading:
            return
        if self._model.row_of(item) is not None:
            self._wanted = None
            self._session.go_to_item(item)
            self.shown.emit(item)
        elif self._model.canFetchMore():
            self._model.fetchMore()
        else:
            self._give_up()

    def _give_up(self) -> None:
        if self._wanted is not None:
            item, self._wanted = self._wanted, None
            self.not_found.emit(item)
