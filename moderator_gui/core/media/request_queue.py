"""The request queue of a MediaService: every request from ``request()`` until its delivery.

Shared by the callers (any thread), the dispatcher thread and the delivery thread, and
guarded by one lock, ``lock``; ``idle`` is a condition on it for ``wait_idle``. Methods
whose docstring says "lock held" expect the caller to hold it; the others take it.

A request goes: ``unchecked`` (the dispatcher looks it up in the cache, outside the
lock) -> a cache hit waits in ``ready`` / a miss becomes a decode in the priority heap
(``add``; a request for a job already queued or running joins it) -> a worker runs it
(``pop``) -> delivered (``settle``). The heap is invalidated lazily: a new priority
pushes a new entry, and an entry that is not its job's current one is skipped.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass

from moderator_gui.core.media.types import MediaJob, MediaKind, MediaResult

Callback = Callable[[MediaResult], None]
Key = tuple[str, MediaKind]


@dataclass
class Pending:
    job: MediaJob
    priority: float
    callbacks: list[Callback]
    entry: int = 0  # the heap entry that is current; older entries for this job are stale
    running: bool = False


@dataclass
class Done:
    """A result waiting for delivery: its job (still in the queue's table until then) or bare callbacks."""

    result: MediaResult
    pending: Pending | None
    callbacks: list[Callback]
    save: bool


class RequestQueue:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.held = False  # a batch is being submitted: hand nothing to a worker yet
        self._heap: list[tuple[float, int, Key]] = []
        self.jobs: dict[Key, Pending] = {}
        # Requests not yet looked up in the cache: the dispatcher does that (file I/O), so
        # request() stays cheap on any thread, the GUI's included.
        self.unchecked: list[tuple[MediaJob, float, Callback]] = []
        self.ready: list[Done] = []  # cache hits, delivered by the dispatcher
        self.undelivered = 0  # results in the outbox or being delivered
        self.decoded_undelivered = 0  # of those, the ones of a job (not cache hits): still in ``jobs``
        self.checking = 0  # requests the dispatcher is looking up in the cache (outside the lock)
        self._seq = itertools.count()
        self.closing = False
        self.closed = False
        # Priorities given while requests were being looked up in the cache (outside the lock):
        # applied when those come back as misses, else the reprioritisation would be lost.
        self._late: dict[str, float] = {}

    # -- callers ---------------------------------------------------------------------------
    def submit(self, job: MediaJob, priority: float, callback: Callback) -> None:
        """A new request: it joins the decode already queued or running, else waits for its
        cache look-up. Raises RuntimeError once the service is closing."""
        with self.lock:
            if self.closing:
                raise RuntimeError("the media service is closed")
            if (job.sha256, job.kind) in self.jobs:
                self.add(job, priority, callback)  # joins the decode already queued
            else:
                self.unchecked.append((job, priority, callback))

    def reprioritize(self, sha_priorities: dict[str, float]) -> None:
        with self.lock:
            self.unchecked = [(job, sha_priorities.get(job.sha256, prio), cb) for job, prio, cb in self.unchecked]
            if self.checking:
                self._late.update(sha_priorities)
            for (sha, _kind), p in self.jobs.items():
                if sha in sha_priorities and not p.running:
                    p.priority = sha_priorities[sha]
                    self._push(p)

    def wait_idle(self, timeout: float | None) -> bool:
        with self.idle:
            return self.idle.wait_for(self.is_idle, timeout)

    def is_idle(self) -> bool:
        """Lock held."""
        return not (self.jobs or self.unchecked or self.checking or self.ready or self.undelivered)

    # -- dispatcher thread -------------------------------------------------------------------
    def take_unchecked(self) -> list[tuple[MediaJob, float, Callback]]:
        """The requests to look up in the cache now (they count as "checking": not idle)."""
        with self.lock:
            todo, self.unchecked = self.unchecked, []
            self.checking += len(todo)  # still requested while being looked up: not idle
        return todo

    def checked(self, todo: list[tuple[MediaJob, float, Callback]], hits: list[MediaResult | None]) -> None:
        """Looked up: hits wait for delivery, misses are queued for a worker."""
        with self.lock:
            self.checking -= len(todo)
            late = self._late
            if not self.checking:
                self._late = {}
            for (job, priority, callback), hit in zip(todo, hits, strict=True):
                if hit is not None:
                    self.ready.append(Done(hit, None, [callback], save=False))
                else:
                    self.add(job, late.get(job.sha256, priority), callback)

    def add(self, job: MediaJob, priority: float, callback: Callback) -> None:
        """Queue a decode (lock held); a request for a job already queued or running joins it."""
        key = (job.sha256, job.kind)
        p = self.jobs.get(key)
        if p is None:
            p = self.jobs[key] = Pending(job, priority, [callback])
            self._push(p)
        else:
            p.callbacks.append(callback)
            if priority < p.priority and not p.running:
                p.priority = priority
                self._push(p)

    def pop(self) -> Pending | None:
        """The most urgent job no worker runs yet (lock held); the caller marks it running.
        None while the queue is held (``MediaService.holding``)."""
        if self.held:
            return None
        while self._heap:
            _prio, entry, key = heapq.heappop(self._heap)
            p = self.jobs.get(key)
            if p is not None and p.entry == entry and not p.running:
                return p
        return None

    def requeue(self, jobs: list[Pending]) -> None:
        """Jobs a lost worker had not started go back to the queue."""
        with self.lock:
            for p in jobs:
                p.running = False
                self._push(p)

    def take_waiting(self) -> list[Pending]:
        """Every queued job that no worker runs, taken for good (they are failed, never dispatched)."""
        with self.lock:
            waiting = [p for p in self.jobs.values() if not p.running]
            self._heap.clear()
            for p in waiting:
                p.running = True  # taken: delivered below, never dispatched
        return waiting

    def _push(self, p: Pending) -> None:
        p.entry = next(self._seq)
        heapq.heappush(self._heap, (p.priority, p.entry, (p.job.sha256, p.job.kind)))

    # -- delivery thread -----------------------------------------------------------------------
    def settle(self, batch: list[Done]) -> list[tuple[MediaResult, list[Callback]]] | None:
        """The batch's jobs leave the table (later requests join no more); the callbacks to
        call with each result, or None when the service is closing (nothing is called)."""
        calls: list[tuple[MediaResult, list[Callback]]] = []
        with self.lock:
            for d in batch:
                if d.pending is not None:  # leaves the table now: later requests join no more
                    self.jobs.pop((d.pending.job.sha256, d.pending.job.kind), None)
                    self.decoded_undelivered -= 1
                    calls.append((d.result, list(d.pending.callbacks)))
                else:
                    calls.append((d.result, d.callbacks))
            closing = self.closing
        return None if closing else calls

    def drained(self) -> bool:
        """Whether every request so far has its result in the delivery's hands (the outbox, or
        being delivered): no more results will come until a new request, so waiting for more
        to save together would only delay these."""
        with self.lock:
            return not (self.unchecked or self.checking or self.ready) and len(self.jobs) <= self.decoded_undelivered

    def delivered(self, count: int) -> None:
        with self.idle:
            self.undelivered -= count
            if self.is_idle():
                self.idle.notify_all()

    def shut(self) -> None:
        """Closed for good (lock held): everything still queued or undelivered is dropped."""
        self.closing = self.closed = True
        self.jobs.clear()
        self._heap.clear()
        self.unchecked.clear()
        self.ready.clear()
        self.undelivered = self.checking = self.decoded_undelivered = 0
