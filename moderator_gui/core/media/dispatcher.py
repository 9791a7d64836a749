"""The dispatcher thread of a MediaService: looks requests up in the cache, hands the
misses to the worker processes, and turns what the workers say into results.

It waits on all worker pipes and a self-pipe at once (``selectors``) with a timeout equal
to the nearest job deadline, so a hung decoder is noticed on time without a thread per
worker; callers wake it through the self-pipe. It hands out work *before* it hands
results on to the delivery thread, so store writes and callbacks overlap with decoding.

Isolation (see worker.py and worker_pool.py): a job that runs past ``timeout_s`` gets its
worker SIGKILLed; a worker that dies mid-job (segfault, OOM killer, ``kill -9``) is reaped
and reported as "decoder crashed (signal N)"; one that sends garbage is killed. A fresh
worker replaces it and the rest of the queue continues, unless workers keep dying before
they are ready: after ``MAX_START_FAILURES`` in a row every waiting job fails instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import threading
import time
from typing import Any

from moderator_gui.core.media.blob_source import fetch_allowance_s
from moderator_gui.core.media.cache import MediaCache
from moderator_gui.core.media.delivery import Delivery
from moderator_gui.core.media.protocol import ProtocolError
from moderator_gui.core.media.request_queue import Done, Pending, RequestQueue
from moderator_gui.core.media.types import MediaJob, MediaResult
from moderator_gui.core.media.worker_pool import Prestarted, Worker, WorkerPool

log = logging.getLogger("moderator_gui.core.media.service")  # the service's log, as before the split

MAX_START_FAILURES = 3  # consecutive workers dying before "ready": stop respawning


def cache_failure(job: MediaJob, exc: OSError) -> MediaResult:
    """The media cache folder cannot be written (disk full, permissions): not the file's fault."""
    return MediaResult(job.sha256, job.kind, False, f"cannot write to the media cache: {exc.strerror or exc}", None, None)


class Dispatcher:
    def __init__(
        self,
        cache: MediaCache,
        queue: RequestQueue,
        delivery: Delivery,
        *,
        workers: int,
        timeout_s: float,
        memory_mb: int,
        blob_source: str | None = None,
        prestarted: Prestarted | None = None,
    ) -> None:
        self.cache = cache
        self.blob_source = blob_source
        self.queue = queue
        self.delivery = delivery
        self.timeout_s = timeout_s
        self._done: list[Done] = []  # dispatcher thread only: results not yet handed on
        self._start_failures = 0
        self._start_error = ""
        self._sel = selectors.DefaultSelector()
        self.pool = WorkerPool(
            workers, memory_mb=memory_mb, timeout_s=timeout_s, lock=queue.lock, selector=self._sel, spares=prestarted
        )
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)
        self.thread = threading.Thread(target=self._run, name="media-dispatcher", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wake(self) -> None:
        """Any thread: something changed (a request, new priorities, closing)."""
        with self.queue.lock:  # never write to the pipe's fd number after release() closed it
            if self.queue.closed:
                return
            with contextlib.suppress(BlockingIOError):  # the pipe is full: a wake-up is pending anyway
                os.write(self._wake_w, b"x")

    def release(self) -> None:
        """After the thread ended (lock held): the selector and the self-pipe are closed."""
        self._done.clear()
        self._sel.close()
        os.close(self._wake_r)
        os.close(self._wake_w)

    # -- the loop ------------------------------------------------------------------------------
    def _run(self) -> None:
        """Hand out work first, then deliver: store writes and callbacks overlap with decoding."""
        q = self.queue
        try:
            while True:
                self._check_cache()
                with q.lock:
                    if q.closing:
                        break
                    self._done += q.ready
                    q.ready = []
                    self._fill_pool()
                    dispatch = self.pool.assign(q.pop)
                if self._start_failures >= MAX_START_FAILURES:
                    self._fail_all(self._start_error)
                for w, p in dispatch:
                    self._send(w, p)
                if self._done:
                    self._hand_on()
                else:
                    self._poll()
        except Exception:  # a bug here must not leave workers behind
            log.exception("media dispatcher failed")
        finally:
            self.pool.stop()
            self.delivery.end()  # the delivery thread finishes the close

    def _check_cache(self) -> None:
        """Look the new requests up in the cache (outside the lock, it is file I/O); hits are
        delivered, misses queued. Workers start only for misses."""
        todo = self.queue.take_unchecked()
        if not todo:
            return
        hits = [self.cache.lookup(job.sha256, job.kind) for job, _prio, _cb in todo]
        self.queue.checked(todo, hits)

    def _fill_pool(self) -> None:
        if not self.queue.jobs or self._start_failures >= MAX_START_FAILURES:
            return  # workers start lazily: a warm cache never pays for them
        self.pool.fill()

    def _send(self, w: Worker, p: Pending) -> None:
        """Start ``p`` on ``w``, unless another process cached it meanwhile."""
        hit = self.cache.lookup(p.job.sha256, p.job.kind)
        if hit is not None:
            self.pool.unassign(w, p)
            self._complete(p, hit, save=False)
            return
        try:
            stem = self.cache.stem(p.job.sha256, p.job.kind)
        except OSError as exc:
            self.pool.unassign(w, p)
            self._complete(p, cache_failure(p.job, exc), save=True)
            return
        fields: dict[str, Any] = {
            "path": p.job.path.hex(), "kind": p.job.kind.value, "stem": str(stem), "tmp": str(self.cache.tmp),
            "sha256": p.job.sha256,
        }
        if self.blob_source is not None:
            fields["blob"] = {"source": self.blob_source, "dir": str(self.cache.root / "blobs")}
        if not self.pool.send(w, p, fields):
            self._worker_died(w)

    def _poll(self) -> None:
        """Wait for replies, deaths and wake-ups until the nearest job deadline; enforce deadlines."""
        for key, _ in self._sel.select(self.pool.timeout()):
            if key.data is None:
                with contextlib.suppress(BlockingIOError):
                    os.read(self._wake_r, 4096)
            else:
                self._readable(key.data)
        for w in self.pool.overdue():
            self.pool.kill(w)
            self._fail_job(w, f"timed out after {self.timeout_s:g} s")

    def _readable(self, w: Worker) -> None:
        try:
            messages = self.pool.read(w)
        except ProtocolError as exc:
            log.error("media worker %d sent garbage (%s); killing it", w.proc.pid, exc)
            self.pool.kill(w)
            self._fail_job(w, "decoder crashed (sent a malformed reply)")
            return
        if messages is None:
            self._worker_died(w)
            return
        for msg in messages:
            if msg.get("ready"):
                w.ready = True
                self._start_failures = 0
            elif w.jobs and msg.get("id") == w.jobs[0][0] and "fetch" in msg:
                # Fetching the original from the team database first: time in proportion to its size.
                w.deadline = time.monotonic() + self.timeout_s + fetch_allowance_s(int(msg["fetch"]))
            elif w.jobs and msg.get("id") == w.jobs[0][0]:
                w.retiring = bool(msg.get("retire"))
                self._finished(w, msg)

    # -- outcomes ------------------------------------------------------------------------------
    def _finished(self, w: Worker, msg: dict[str, Any]) -> None:
        p = self.pool.first_done(w)
        job = p.job
        if msg.get("ok"):
            try:
                result = self.cache.put(
                    job.sha256, job.kind, ok=True, error=None, probe=msg.get("probe"), files=msg.get("files") or []
                )
            except OSError as exc:
                result = cache_failure(job, exc)
        else:
            error = str(msg.get("error") or "unknown error")
            result = self._failure(job, error, permanent=bool(msg.get("permanent", True)))
        self._complete(p, result, save=True)

    def _failure(self, job: MediaJob, error: str, *, permanent: bool) -> MediaResult:
        """A failed result; cached unless it may be transient (file missing or unreadable now)."""
        try:
            self.cache.discard(job.sha256, job.kind)  # partial output of a failed or killed job
            if permanent:
                return self.cache.put(job.sha256, job.kind, ok=False, error=error, probe=None, files=[])
        except OSError:
            pass  # the cache cannot be written: report the failure all the same, uncached
        return MediaResult(job.sha256, job.kind, False, error, None, None)

    def _fail_job(self, w: Worker, error: str) -> None:
        """The worker is gone: its running job gets ``error``; the ones waiting in its pipe go back
        to the queue (a worker that retired after its reply had no running job)."""
        self.cache.clean_tmp(w.proc.pid)
        jobs, w.jobs = w.jobs, []
        if jobs and not w.retiring:
            _id, p = jobs.pop(0)
            self._complete(p, self._failure(p.job, error, permanent=True), save=True)
        self.queue.requeue([p for _id, p in jobs])

    def _worker_died(self, w: Worker) -> None:
        self.pool.kill(w)
        code = w.proc.returncode
        if not w.ready and not w.retiring:
            self._start_failures += 1
            self._start_error = f"the media worker cannot start (exit code {code})"
        if code is not None and code < 0:
            reason = f"decoder crashed (signal {-code})"
        else:
            reason = f"decoder exited unexpectedly (exit code {code})"
        self._fail_job(w, reason)

    def _fail_all(self, error: str) -> None:
        for p in self.queue.take_waiting():
            self._complete(p, MediaResult(p.job.sha256, p.job.kind, False, error, None, None), save=False)

    def _complete(self, p: Pending, result: MediaResult, *, save: bool) -> None:
        self._done.append(Done(result, p, [], save))

    def _hand_on(self) -> None:
        self.delivery.send(self._done)
        self._done = []
