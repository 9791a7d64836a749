"""The delivery thread saves what waits in one transaction, and calls back in arrival order."""

from __future__ import annotations

import threading
from typing import Any

from moderator_gui.core.media.delivery import Delivery
from moderator_gui.core.media.request_queue import Done, RequestQueue
from moderator_gui.core.media.types import MediaKind, MediaResult


class Saves:
    """Stands in for the store: each call is one transaction; one holding ``refuse`` fails whole."""

    def __init__(self, refuse: str = "") -> None:
        self.transactions: list[list[str]] = []
        self.refuse = refuse

    def save_media_many(self, rows: list[tuple[str, dict[str, Any]]]) -> None:
        shas = [sha for sha, _row in rows]
        if self.refuse in shas:
            raise RuntimeError("refused")
        self.transactions.append(shas)


def batch(kind: MediaKind, *shas: str, seen: list[str]) -> list[Done]:
    def cb(r: MediaResult) -> None:
        seen.append(f"{r.sha256}:{r.kind.value}")

    return [Done(MediaResult(sha, kind, True, None, {}, None), None, [cb], save=True) for sha in shas]


def test_results_waiting_together_are_saved_in_one_transaction_and_called_back_in_order() -> None:
    rq, store, seen, done = RequestQueue(), Saves(), [], threading.Event()
    delivery = Delivery(rq, store, done.set)  # type: ignore[arg-type]
    # Arrived while the thread was busy (it has not started): thumbnails, a preview, a thumbnail.
    delivery.send(batch(MediaKind.THUMB, "a", "b", seen=seen))
    delivery.send(batch(MediaKind.THUMB, "c", seen=seen))
    delivery.send(batch(MediaKind.PREVIEW, "d", seen=seen))
    delivery.send(batch(MediaKind.THUMB, "e", seen=seen))
    delivery.end()
    delivery.start()
    assert done.wait(30)
    assert store.transactions == [["a", "b", "c", "d", "e"]]
    assert seen == ["a:thumb", "b:thumb", "c:thumb", "d:preview", "e:thumb"]
    assert rq.undelivered == 0


def test_the_end_mark_is_kept_while_gathering() -> None:
    rq, store, seen, done = RequestQueue(), Saves(), [], threading.Event()
    delivery = Delivery(rq, store, done.set)  # type: ignore[arg-type]
    delivery.send(batch(MediaKind.THUMB, "a", seen=seen))
    delivery.end()
    delivery.start()
    assert done.wait(30)  # finished, not waiting for more after the end mark
    assert store.transactions == [["a"]] and seen == ["a:thumb"]


def test_a_batch_the_store_refuses_costs_the_others_nothing(caplog: Any) -> None:
    rq, store, seen, done = RequestQueue(), Saves(refuse="bad"), [], threading.Event()
    delivery = Delivery(rq, store, done.set)  # type: ignore[arg-type]
    delivery.send(batch(MediaKind.THUMB, "a", "b", seen=seen))
    delivery.send(batch(MediaKind.THUMB, "bad", seen=seen))
    delivery.send(batch(MediaKind.THUMB, "c", seen=seen))
    delivery.end()
    delivery.start()
    assert done.wait(30)
    assert store.transactions == [["a", "b"], ["c"]]  # together refused, then each on its own
    assert seen == ["a:thumb", "b:thumb", "bad:thumb", "c:thumb"]  # every result still shown
    assert "cannot save the media rows of 1 results" in caplog.text
