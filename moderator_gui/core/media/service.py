"""MediaService: a priority queue of media jobs served by isolated worker processes.

One dispatcher thread owns the worker processes and their pipes. It waits on all
worker pipes at once (``selectors``) with a timeout equal to the nearest job
deadline, so a hung decoder is noticed on time without a thread per worker. Callers
only touch the queue under a lock and wake the dispatcher through a self-pipe.

A second, delivery thread writes the store rows and runs the callbacks, in the order
results arrive: a SQLite commit (synchronous=FULL, ~4 ms) or a slow callback never
keeps an idle worker waiting for its next job.

Isolation (see worker.py): each worker has an address-space cap; a job that runs
past ``timeout_s`` gets its worker SIGKILLed; a worker that dies mid-job (segfault,
OOM killer, ``kill -9``) is reaped and reported as "decoder crashed (signal N)".
In every case a fresh worker replaces it and the rest of the queue continues.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import queue
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moderator_gui.core import paths
from moderator_gui.core.media.cache import DEFAULT_MAX_BYTES, MediaCache, check_sha256
from moderator_gui.core.media.protocol import Decoder, ProtocolError, encode
from moderator_gui.core.media.types import PIPELINE_VERSION, MediaJob, MediaKind, MediaResult

if TYPE_CHECKING:
    from moderator_gui.core.store import Store

log = logging.getLogger(__name__)

Callback = Callable[[MediaResult], None]
PROBE_FIELDS = ("real_type", "width", "height", "orientation", "frames", "duration_ms", "codec", "rotation", "has_audio")
_MAX_START_FAILURES = 3  # consecutive workers dying before "ready": stop respawning
# Jobs handed to one worker at once: the next one waits in its pipe, so the worker never
# idles while the parent (busy, or not scheduled on a loaded machine) answers. Only the
# first is running; its deadline starts when it becomes first.
_PIPELINE_DEPTH = 2
_CLOSE_GRACE_S = 1.0


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
    return row


def _cache_failure(job: MediaJob, exc: OSError) -> MediaResult:
    """The media cache folder cannot be written (disk full, permissions): not the file's fault."""
    return MediaResult(job.sha256, job.kind, False, f"cannot write to the media cache: {exc.strerror or exc}", None, None)


@dataclass
class _Pending:
    job: MediaJob
    priority: float
    callbacks: list[Callback]
    entry: int = 0  # the heap entry that is current; older entries for this job are stale
    running: bool = False


@dataclass
class _Done:
    """A result waiting for delivery: its job (still in the queue's table until then) or bare callbacks."""

    result: MediaResult
    pending: _Pending | None
    callbacks: list[Callback]
    save: bool


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    decoder: Decoder = field(default_factory=Decoder)
    ready: bool = False
    retiring: bool = False  # announced it exits after its reply (e.g. after a MemoryError)
    jobs: list[tuple[int, _Pending]] = field(default_factory=list)  # (id, job) in send order; [0] runs
    last_id: int = 0
    deadline: float = 0.0  # of jobs[0]

    @property
    def fd(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()


class MediaService:
    """See the package docstring for the contract. Thread-safe; callbacks run on the dispatcher thread."""

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        memory_mb: int = 1024,
        store: Store | None = None,
        cache_max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.cache = MediaCache(cache_dir or paths.cache_dir() / "media", cache_max_bytes)
        self.workers = workers
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.store = store
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._heap: list[tuple[float, int, tuple[str, MediaKind]]] = []
        self._jobs: dict[tuple[str, MediaKind], _Pending] = {}
        # Requests not yet looked up in the cache: the dispatcher does that (file I/O), so
        # request() stays cheap on any thread, the GUI's included.
        self._unchecked: list[tuple[MediaJob, float, Callback]] = []
        self._ready: list[_Done] = []  # cache hits, delivered by the dispatcher
        self._done: list[_Done] = []  # dispatcher thread only: results not yet handed on
        self._outbox: queue.SimpleQueue[list[_Done] | None] = queue.SimpleQueue()
        self._undelivered = 0  # results in the outbox or being delivered
        self._checking = 0  # requests the dispatcher is looking up in the cache (outside the lock)
        self._seq = itertools.count()
        self._closing = False
        self._closed = False
        self._start_failures = 0
        self._start_error = ""
        self._pool: list[_Worker] = []
        self._sel = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._sel.register(self._wake_r, selectors.EVENT_READ, None)
        self._thread = threading.Thread(target=self._run, name="media-dispatcher", daemon=True)
        self._delivery = threading.Thread(target=self._deliver_loop, name="media-delivery", daemon=True)
        self._thread.start()
        self._delivery.start()

    # -- public API ------------------------------------------------------------------------
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
        with self._lock:
            if self._closing:
                raise RuntimeError("the media service is closed")
            if (job.sha256, job.kind) in self._jobs:
                self._enqueue(job, priority, callback)  # joins the decode already queued
            else:
                self._unchecked.append((job, priority, callback))
        self._wake()

    def _enqueue(self, job: MediaJob, priority: float, callback: Callback) -> None:
        """Queue a decode (lock held); a request for a job already queued or running joins it."""
        key = (job.sha256, job.kind)
        p = self._jobs.get(key)
        if p is None:
            p = self._jobs[key] = _Pending(job, priority, [callback])
            self._push(p)
        else:
            p.callbacks.append(callback)
            if priority < p.priority and not p.running:
                p.priority = priority
                self._push(p)

    def _check_cache(self) -> None:
        """Dispatcher thread: look the new requests up in the cache (outside the lock, it is
        file I/O); hits are delivered, misses queued. Workers start only for misses."""
        with self._lock:
            todo, self._unchecked = self._unchecked, []
            self._checking += len(todo)  # still requested while being looked up: not idle
        if not todo:
            return
        hits = [self.cache.lookup(job.sha256, job.kind) for job, _prio, _cb in todo]
        with self._lock:
            self._checking -= len(todo)
            for (job, priority, callback), hit in zip(todo, hits, strict=True):
                if hit is not None:
                    self._ready.append(_Done(hit, None, [callback], save=False))
                else:
                    self._enqueue(job, priority, callback)

    def reprioritize(self, sha_priorities: dict[str, float]) -> None:
        """New priorities for queued jobs of these contents (e.g. on screen = 0, next = 1..N)."""
        with self._lock:
            self._unchecked = [(job, sha_priorities.get(job.sha256, prio), cb) for job, prio, cb in self._unchecked]
            for (sha, _kind), p in self._jobs.items():
                if sha in sha_priorities and not p.running:
                    p.priority = sha_priorities[sha]
                    self._push(p)
        self._wake()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every requested job has been delivered; False on timeout."""
        with self._idle:
            return self._idle.wait_for(self._is_idle, timeout)

    def _is_idle(self) -> bool:
        return not (self._jobs or self._unchecked or self._checking or self._ready or self._undelivered)

    def worker_pids(self, busy_only: bool = False) -> list[int]:
        """Pids of the live workers (diagnostics, and tests that kill one)."""
        with self._lock:
            return [w.proc.pid for w in self._pool if not busy_only or w.jobs]

    def close(self) -> None:
        """Stop the workers and both threads; queued jobs and undelivered results are dropped.

        Idempotent; may be called from a callback (it then returns before the delivery
        thread, which is running that callback, has finished).
        """
        with self._lock:
            if self._closed:
                return
            self._closing = True
        self._wake()
        if threading.current_thread() is not self._delivery:
            self._thread.join()
            self._delivery.join()

    def __enter__(self) -> MediaService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- queue (call with the lock held) -------------------------------------------------------
    def _push(self, p: _Pending) -> None:
        p.entry = next(self._seq)
        heapq.heappush(self._heap, (p.priority, p.entry, (p.job.sha256, p.job.kind)))

    def _pop(self) -> _Pending | None:
        while self._heap:
            _prio, entry, key = heapq.heappop(self._heap)
            p = self._jobs.get(key)
            if p is not None and p.entry == entry and not p.running:
                return p
        return None

    def _wake(self) -> None:
        with self._lock:  # never write to the pipe's fd number after _finish_close released it
            if self._closed:
                return
            try:
                os.write(self._wake_w, b"x")
            except BlockingIOError:
                pass  # the pipe is full: a wake-up is pending anyway

    # -- dispatcher thread ---------------------------------------------------------------------
    def _run(self) -> None:
        """Hand out work first, then deliver: store writes and callbacks overlap with decoding."""
        try:
            while True:
                self._check_cache()
                with self._lock:
                    if self._closing:
                        break
                    self._done += self._ready
                    self._ready = []
                    self._fill_pool()
                    dispatch = self._assign()
                if self._start_failures >= _MAX_START_FAILURES:
                    self._fail_all(self._start_error)
                for w, p in dispatch:
                    self._send(w, p)
                if self._done:
                    self._hand_on()
                else:
                    self._poll()
        except Exception:  # noqa: BLE001 - a bug here must not leave workers behind
            log.exception("media dispatcher failed")
        finally:
            self._stop_workers()
            self._outbox.put(None)  # the delivery thread finishes the close

    def _fill_pool(self) -> None:
        if not self._jobs or self._start_failures >= _MAX_START_FAILURES:
            return  # workers start lazily: a warm cache never pays for them
        while len(self._pool) < self.workers:
            self._pool.append(self._spawn())

    def _spawn(self) -> _Worker:
        env = dict(os.environ, MALLOC_ARENA_MAX="2", PYTHONDONTWRITEBYTECODE="1")
        root = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        proc = subprocess.Popen(
            [sys.executable, "-m", "moderator_gui.core.media.worker", "--memory-mb", str(self.memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
            start_new_session=True,  # Ctrl-C in a terminal reaches the parent, which stops them
        )
        w = _Worker(proc)
        os.set_blocking(w.fd, False)
        self._sel.register(w.fd, selectors.EVENT_READ, w)
        return w

    def _assign(self) -> list[tuple[_Worker, _Pending]]:
        """Idle workers first, then a second job for each busy one (see _PIPELINE_DEPTH)."""
        out: list[tuple[_Worker, _Pending]] = []
        for depth in range(_PIPELINE_DEPTH):
            for w in self._pool:
                if not w.ready or w.retiring or len(w.jobs) != depth:
                    continue
                p = self._pop()
                if p is None:
                    return out
                p.running = True
                w.last_id += 1
                w.jobs.append((w.last_id, p))
                out.append((w, p))
        return out

    def _send(self, w: _Worker, p: _Pending) -> None:
        """Start ``p`` on ``w``, unless another process cached it meanwhile."""
        hit = self.cache.lookup(p.job.sha256, p.job.kind)
        if hit is not None:
            w.jobs = [(i, q) for i, q in w.jobs if q is not p]
            self._complete(p, hit, save=False)
            return
        try:
            stem = self.cache.stem(p.job.sha256, p.job.kind)
        except OSError as exc:
            w.jobs = [(i, q) for i, q in w.jobs if q is not p]
            self._complete(p, _cache_failure(p.job, exc), save=True)
            return
        job_id = next(i for i, q in w.jobs if q is p)
        msg = {
            "id": job_id,
            "path": p.job.path.hex(),
            "kind": p.job.kind.value,
            "stem": str(stem),
            "tmp": str(self.cache.tmp),
        }
        if w.jobs[0][1] is p:
            w.deadline = time.monotonic() + self.timeout_s
        try:
            assert w.proc.stdin is not None
            w.proc.stdin.write(encode(msg))
            w.proc.stdin.flush()
        except OSError:
            self._worker_died(w)

    def _poll(self) -> None:
        """Wait for replies, deaths and wake-ups until the nearest job deadline; enforce deadlines."""
        now = time.monotonic()
        busy = [w.deadline for w in self._pool if w.jobs]
        timeout = max(0.0, min(busy) - now) if busy else None
        for key, _ in self._sel.select(timeout):
            if key.data is None:
                try:
                    os.read(self._wake_r, 4096)
                except BlockingIOError:
                    pass
            else:
                self._readable(key.data)
        now = time.monotonic()
        for w in list(self._pool):
            if w.jobs and now >= w.deadline:
                self._kill(w)
                self._fail_job(w, f"timed out after {self.timeout_s:g} s")

    def _readable(self, w: _Worker) -> None:
        try:
            data = os.read(w.fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._worker_died(w)
            return
        try:
            messages = w.decoder.feed(data)
        except ProtocolError as exc:
            log.error("media worker %d sent garbage (%s); killing it", w.proc.pid, exc)
            self._kill(w)
            self._fail_job(w, "decoder crashed (sent a malformed reply)")
            return
        for msg in messages:
            if msg.get("ready"):
                w.ready = True
                self._start_failures = 0
            elif w.jobs and msg.get("id") == w.jobs[0][0]:
                w.retiring = bool(msg.get("retire"))
                self._finished(w, msg)

    def _finished(self, w: _Worker, msg: dict[str, Any]) -> None:
        _id, p = w.jobs.pop(0)
        if w.jobs:
            w.deadline = time.monotonic() + self.timeout_s  # the next one starts now
        job = p.job
        if msg.get("ok"):
            try:
                result = self.cache.put(
                    job.sha256, job.kind, ok=True, error=None, probe=msg.get("probe"), files=msg.get("files") or []
                )
            except OSError as exc:
                result = _cache_failure(job, exc)
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

    def _fail_job(self, w: _Worker, error: str) -> None:
        """The worker is gone: its running job gets ``error``; the ones waiting in its pipe go back
        to the queue (a worker that retired after its reply had no running job)."""
        self.cache.clean_tmp(w.proc.pid)
        jobs, w.jobs = w.jobs, []
        if jobs and not w.retiring:
            _id, p = jobs.pop(0)
            self._complete(p, self._failure(p.job, error, permanent=True), save=True)
        with self._lock:
            for _id, p in jobs:
                p.running = False
                self._push(p)

    def _complete(self, p: _Pending, result: MediaResult, *, save: bool) -> None:
        self._done.append(_Done(result, p, [], save))

    def _hand_on(self) -> None:
        with self._lock:
            self._undelivered += len(self._done)
        self._outbox.put(self._done)
        self._done = []

    # -- delivery thread ----------------------------------------------------------------------
    def _deliver_loop(self) -> None:
        try:
            while (batch := self._outbox.get()) is not None:
                self._deliver(batch)
        finally:
            self._finish_close()

    def _deliver(self, batch: list[_Done]) -> None:
        if self.store is not None:
            rows = [(d.result.sha256, row) for d in batch if d.save and (row := media_row(d.result)) is not None]
            try:
                self.store.save_media_many(rows)  # one transaction for the whole batch
            except Exception:  # noqa: BLE001 - the store reports its own errors; media goes on
                log.exception("cannot save the media rows of %d results", len(rows))
        calls: list[tuple[MediaResult, list[Callback]]] = []
        with self._lock:
            for d in batch:
                if d.pending is not None:  # leaves the table now: later requests join no more
                    self._jobs.pop((d.pending.job.sha256, d.pending.job.kind), None)
                    calls.append((d.result, list(d.pending.callbacks)))
                else:
                    calls.append((d.result, d.callbacks))
            closing = self._closing
        for result, callbacks in calls if not closing else ():
            for cb in callbacks:
                try:
                    cb(result)
                except Exception:  # noqa: BLE001 - one caller's bug must not stop the others
                    log.exception("media callback failed")
        with self._idle:
            self._undelivered -= len(batch)
            if self._is_idle():
                self._idle.notify_all()

    # -- worker life and death -------------------------------------------------------------------
    def _worker_died(self, w: _Worker) -> None:
        self._kill(w)
        code = w.proc.returncode
        if not w.ready and not w.retiring:
            self._start_failures += 1
            self._start_error = f"the media worker cannot start (exit code {code})"
        if code is not None and code < 0:
            reason = f"decoder crashed (signal {-code})"
        else:
            reason = f"decoder exited unexpectedly (exit code {code})"
        self._fail_job(w, reason)

    def _kill(self, w: _Worker) -> None:
        """SIGKILL (if still running), reap, and forget the worker; the pool refills on the next loop."""
        if w.proc.poll() is None:
            try:
                w.proc.kill()
            except ProcessLookupError:
                pass
        w.proc.wait()
        try:
            self._sel.unregister(w.fd)
        except (KeyError, ValueError):
            pass
        for stream in (w.proc.stdin, w.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        with self._lock:
            if w in self._pool:
                self._pool.remove(w)

    def _fail_all(self, error: str) -> None:
        with self._lock:
            waiting = [p for p in self._jobs.values() if not p.running]
            self._heap.clear()
            for p in waiting:
                p.running = True  # taken: delivered below, never dispatched
        for p in waiting:
            self._complete(p, MediaResult(p.job.sha256, p.job.kind, False, error, None, None), save=False)

    def _stop_workers(self) -> None:
        """Close stdin (workers exit at end of input), give them a moment, then SIGKILL."""
        for w in self._pool:
            try:
                if w.proc.stdin is not None:
                    w.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + _CLOSE_GRACE_S
        for w in list(self._pool):
            if not w.jobs:
                try:
                    w.proc.wait(max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
            self._kill(w)

    def _finish_close(self) -> None:
        with self._lock:
            self._closing = self._closed = True
            self._jobs.clear()
            self._heap.clear()
            self._unchecked.clear()
            self._ready.clear()
            self._done.clear()
            self._undelivered = self._checking = 0
            self._sel.close()
            os.close(self._wake_r)
            os.close(self._wake_w)
            self._idle.notify_all()


__all__ = ["MediaService", "media_row"]
