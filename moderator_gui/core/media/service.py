"""MediaService: a priority queue of media jobs served by isolated worker processes.

The facade of the pipeline (the contract is in ``__init__.py``). Its parts:

- ``request_queue.py``: every request until its delivery — the cache look-up still to do,
  the priority heap of decodes (a request for a job already queued joins it), priorities
  changed by ``reprioritize``; one lock, shared by the callers and both threads;
- ``dispatcher.py``: the dispatcher thread — cache look-ups, handing jobs to workers,
  deadlines, turning replies, crashes and time-outs into results;
- ``worker_pool.py``: the worker processes — spawned lazily (or ahead: ``Prestarted``),
  address-space cap, killed and reaped, replaced;
- ``delivery.py``: the delivery thread — ``media`` rows (``media_row``), then callbacks,
  in the order results arrive.

Isolation (see worker.py): each worker has an address-space cap; a job that runs
past ``timeout_s`` gets its worker SIGKILLed; a worker that dies mid-job (segfault,
OOM killer, ``kill -9``) is reaped and reported as "decoder crashed (signal N)".
In every case a fresh worker replaces it and the rest of the queue continues.

Team databases (``blob_source``, by default the store's): the workers fetch each original by
SHA-256 into ``<cache>/blobs/`` and verify it before decoding (``blob_source.py``); the job's
deadline grows with the size fetched. Requests made ahead (claimed items, the next items)
therefore fetch ahead too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from moderator_gui.core import paths
from moderator_gui.core.media.cache import DEFAULT_MAX_BYTES, MediaCache, check_sha256
from moderator_gui.core.media.delivery import GATHER_S, Delivery, media_row
from moderator_gui.core.media.dispatcher import Dispatcher
from moderator_gui.core.media.request_queue import Callback, RequestQueue
from moderator_gui.core.media.types import MediaJob, MediaKind, MediaResult
from moderator_gui.core.media.worker_pool import DEFAULT_MEMORY_MB, DEFAULT_WORKERS, Prestarted

if TYPE_CHECKING:
    from moderator_gui.core.store import Store


class MediaService:
    """See the package docstring for the contract. Thread-safe; callbacks run on the delivery thread."""

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        workers: int = DEFAULT_WORKERS,
        timeout_s: float = 10.0,
        memory_mb: int = DEFAULT_MEMORY_MB,
        store: Store | None = None,
        cache_max_bytes: int = DEFAULT_MAX_BYTES,
        blob_source: str | None = None,
        prestarted: Prestarted | None = None,
        gather_s: float = GATHER_S,
    ) -> None:
        """``prestarted``: workers started ahead (see there); the pool takes them before starting any.
        ``gather_s``: how long a thumbnail's result waits for others to be saved with it (one
        transaction); a preview or filmstrip never waits."""
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.cache = MediaCache(cache_dir or paths.cache_dir() / "media", cache_max_bytes)
        self.workers = workers
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.store = store
        self._queue = RequestQueue()
        self._delivery = Delivery(self._queue, store, on_finished=self._finish_close, gather_s=gather_s)
        self._dispatcher = Dispatcher(
            self.cache, self._queue, self._delivery, workers=workers, timeout_s=timeout_s, memory_mb=memory_mb,
            blob_source=blob_source if blob_source is not None else (store.blob_source() if store is not None else None),
            prestarted=prestarted,
        )
        self._dispatcher.start()
        self._delivery.start()

    def lookup(self, sha256: str, kind: MediaKind) -> MediaResult | None:
        """Cache only: the result if it is on disk and intact, else None. Any thread."""
        return self.cache.lookup(sha256, kind)

    def request(self, job: MediaJob, priority: float, callback: Callback) -> None:
        """Queue ``job`` (lower priority = sooner). Cheap on any thread: no file I/O here.
        ``callback`` runs on a service thread, never the caller's.

        A request for a job already queued or running joins it (one decode, every callback
        called); its priority becomes the more urgent of the two.
        """
        check_sha256(job.sha256)
        self._queue.submit(job, priority, callback)
        self._dispatcher.wake()

    def reprioritize(self, sha_priorities: dict[str, float]) -> None:
        """New priorities for queued jobs of these contents (e.g. on screen = 0, next = 1..N)."""
        self._queue.reprioritize(sha_priorities)
        self._dispatcher.wake()

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Submit a batch (requests, reprioritisations) before any of it is handed to a worker:
        the batch then runs in priority order, whatever the workers were doing meanwhile."""
        with self._queue.lock:
            self._queue.held = True
        try:
            yield
        finally:
            with self._queue.lock:
                self._queue.held = False
            self._dispatcher.wake()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every requested job has been delivered; False on timeout."""
        return self._queue.wait_idle(timeout)

    def worker_pids(self, busy_only: bool = False) -> list[int]:
        """Pids of the live workers (diagnostics, and tests that kill one)."""
        return self._dispatcher.pool.pids(busy_only)

    def close(self) -> None:
        """Stop the workers and both threads; queued jobs and undelivered results are dropped.

        Idempotent; may be called from a callback (it then returns before the delivery
        thread, which is running that callback, has finished).
        """
        with self._queue.lock:
            if self._queue.closed:
                return
            self._queue.closing = True
        self._dispatcher.wake()
        if threading.current_thread() is not self._delivery.thread:
            self._dispatcher.thread.join()
            self._delivery.thread.join()

    def __enter__(self) -> MediaService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _finish_close(self) -> None:
        """Delivery thread, last: both threads are done; nothing is left open or waiting."""
        with self._queue.lock:
            self._queue.shut()
            self._dispatcher.release()
            self._queue.idle.notify_all()


__all__ = ["MediaService", "media_row"]
