"""The delivery thread of a MediaService: store rows, then callbacks, in the order results arrive.

A SQLite commit (synchronous=FULL, ~4 ms) or a slow callback therefore never keeps an idle
worker waiting for its next job. The batches the dispatcher hands on within a short while
(thumbnails: 20 ms; up to 64 results) are saved in one transaction
(``Store.save_media_many``), or one per batch should that fail; a STRIP result adds nothing
to the ``media`` row.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from moderator_gui.core.media.request_queue import Done, RequestQueue
from moderator_gui.core.media.types import PIPELINE_VERSION, MediaKind, MediaResult

if TYPE_CHECKING:
    from moderator_gui.core.store import Store

log = logging.getLogger("moderator_gui.core.media.service")  # the service's log, as before the split

#: How long the delivery waits for more results to save with the first, and how many at most.
#: A desk's thumbnails show at most GATHER_S later; ``moderator-cli prefetch``, which nobody
#: watches, waits longer (MediaService's ``gather_s``): fewer, bigger transactions.
GATHER_S = 0.02
GATHER_MAX = 64

PROBE_FIELDS = ("real_type", "width", "height", "orientation", "frames", "duration_ms", "codec", "rotation", "has_audio")


def media_row(result: MediaResult) -> dict[str, Any] | None:
    """The ``media`` table fields for a result; None for filmstrips (they add nothing to the row)."""
    if result.kind is MediaKind.STRIP:
        return None
    row: dict[str, Any] = {
        "state": "ok" if result.ok else "failed",
        "error": result.error,
        "pipeline_version": PIPELINE_VERSION,
        "thumb_ready" if result.kind is MediaKind.THUMB else "preview_ready": result.ok,
    }
    row.update({k: v for k, v in (result.probe or {}).items() if k in PROBE_FIELDS and v is not None})
    if result.ok and result.probe and result.probe.get("signatures"):
        row["signatures"] = result.probe["signatures"]  # PDQ hashes: the store links near duplicates
    return row


class Delivery:
    """Runs ``on_finished`` on its own thread once ``end()`` was called and every batch before it is delivered."""

    def __init__(
        self, queue_: RequestQueue, store: Store | None, on_finished: Callable[[], None], gather_s: float = GATHER_S
    ) -> None:
        self.queue = queue_
        self.gather_s = gather_s
        self.store = store
        self._on_finished = on_finished
        self._outbox: queue.SimpleQueue[list[Done] | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="media-delivery", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def send(self, batch: list[Done]) -> None:
        """Dispatcher thread: deliver ``batch`` (it counts as undelivered until then)."""
        with self.queue.lock:  # (in the outbox before the lock is let go: drained() sees both at once)
            self.queue.undelivered += len(batch)
            self.queue.decoded_undelivered += sum(d.pending is not None for d in batch)
            self._outbox.put(batch)

    def end(self) -> None:
        """Dispatcher thread, last: no more batches."""
        self._outbox.put(None)

    def _loop(self) -> None:
        try:
            ended = False
            while not ended and (first := self._outbox.get()) is not None:
                # Thumbnails arriving within gather_s of the first (and whatever arrived during the
                # last transaction) go in one transaction: one commit and one duplicate search for
                # them all, not one each; a thumbnail shows at most gather_s later. A preview or a
                # filmstrip (what the reviewer is waiting to see) waits for nothing.
                parts = [first]
                until = time.monotonic() + (self.gather_s if _thumbs(first) else 0.0)
                while sum(map(len, parts)) < GATHER_MAX:
                    if self.queue.drained():
                        until = 0.0  # the last results are here: nothing more to wait for
                    try:
                        more = self._outbox.get(timeout=max(0.0, until - time.monotonic()))
                    except queue.Empty:
                        break
                    if more is None:
                        ended = True
                        break
                    parts.append(more)
                    if not _thumbs(more):
                        until = 0.0  # a preview came: deliver it now, with what is here
                self._deliver(parts)
        finally:
            self._on_finished()

    def _deliver(self, parts: list[list[Done]]) -> None:
        if self.store is not None:
            self._save(parts)
        batch = [d for part in parts for d in part]
        for result, callbacks in self.queue.settle(batch) or ():
            for cb in callbacks:
                try:
                    cb(result)
                except Exception:  # one caller's bug must not stop the others
                    log.exception("media callback failed")
        self.queue.delivered(len(batch))

    def _save(self, parts: list[list[Done]]) -> None:
        """One transaction for all the parts; should it fail, one for each part (what one of
        them holds must not cost the others their rows)."""
        assert self.store is not None
        for attempt in [parts] if len(parts) == 1 else [parts, *([p] for p in parts)]:
            rows = [
                (d.result.sha256, row)
                for part in attempt
                for d in part
                if d.save and (row := media_row(d.result)) is not None
            ]
            try:
                self.store.save_media_many(rows)
            except Exception:  # the store reports its own errors; media goes on
                log.exception("cannot save the media rows of %d results", len(rows))
                continue
            if attempt is parts:
                return


def _thumbs(batch: list[Done]) -> bool:
    return all(d.result.kind is MediaKind.THUMB for d in batch)
