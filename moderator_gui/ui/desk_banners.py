"""The desk's banners: writes waiting to be saved (with "Retry now"), a queue that could not
be loaded (with "Retry"), the break reminder, and a hash-list match of the item shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from moderator_gui.ui.banner import BannerArea, Text
from moderator_gui.ui.queue_model import QueueModel
from moderator_gui.ui.review_session import ReviewSession
from moderator_gui.ui.wellbeing import BreakReminder

SNOOZE_MS = 10 * 60_000


class DeskBanners(QObject):
    def __init__(
        self,
        banners: BannerArea,
        session: ReviewSession,
        model: QueueModel,
        reminder: BreakReminder,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._banners = banners
        self._session = session
        self._model = model
        self._reminder = reminder
        session.banner.connect(self._on_session_banner)
        session.banner_cleared.connect(banners.clear)
        # A cluster batch's banner ("Ctrl+Z undoes them all") is stale once the next decision is recorded.
        session.recorded.connect(lambda _event: banners.clear("batch"))
        model.load_failed.connect(self._queue_failed)
        model.page_loaded.connect(lambda _n: banners.clear("queue"))
        reminder.due.connect(self._break_due)

    def _on_session_banner(self, key: str, level: str, text: Text) -> None:
        actions: list[tuple[Text, Callable[[], None]]] = (
            [(lambda: self.tr("Retry now"), self._session.retry_now)] if key == "save" else []
        )
        self._banners.show_message(key, level, text, actions)

    def show_batch(self, key: str, level: str, text: Text) -> None:
        """What became of a cluster decision or its undo (ui/cluster_batch.py)."""
        self._banners.show_message(key, level, text)

    def show_match(self, source: str | None, category: Callable[[], str]) -> None:
        """The item shown matches a hash list (or, with None, does not): say which and what it says.
        The category is pre-selected for the reviewer, never recorded without them."""
        if source is None:
            self._banners.clear("match")
            return
        self._banners.show_message(
            "match", "warning", lambda: self.tr("Matches %1: %2").replace("%1", source).replace("%2", category())
        )

    def _queue_failed(self, msg: str) -> None:
        self._banners.show_message(
            "queue",
            "error",
            lambda: self.tr("The queue could not be loaded: %1").replace("%1", msg),
            [(lambda: self.tr("Retry"), self._model.refresh)],
        )

    def _break_due(self, minutes: int, items: int) -> None:
        def text() -> str:
            return (
                self.tr("Time for a break: %1 min of review, %2 items reviewed. Look away from the screen for a few minutes.")
                .replace("%1", str(minutes))
                .replace("%2", str(items))
            )

        def taken() -> None:
            self._banners.clear("break")
            self._reminder.restart()

        def snooze() -> None:
            self._banners.clear("break")
            self._reminder.snooze(SNOOZE_MS)

        self._banners.show_message(
            "break", "info", text, [(lambda: self.tr("I took a break"), taken), (lambda: self.tr("Remind me in 10 min"), snooze)]
        )
