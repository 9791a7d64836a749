"""The worker processes of a MediaService: started, fed, watched, killed.

Each worker is ``python -m moderator_gui.core.media.worker --memory-mb N``: it caps its
own address space (RLIMIT_AS) and dies with its parent (see worker.py). It runs with
``MALLOC_ARENA_MAX=2`` (arenas reserve address space they never touch) in a session of
its own (Ctrl-C in a terminal reaches the parent, which stops them), with its stderr
discarded. Up to ``PIPELINE_DEPTH`` jobs are handed to one worker at once; only the
first runs, and its deadline starts when it becomes first.

Used by the dispatcher thread only; the list of workers changes under the service's
lock, so ``pids`` may be called from any thread.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator_gui.core.media.protocol import Decoder, encode
from moderator_gui.core.media.request_queue import Pending

# Jobs handed to one worker at once: the next one waits in its pipe, so the worker never
# idles while the parent (busy, or not scheduled on a loaded machine) answers. Only the
# first is running; its deadline starts when it becomes first.
PIPELINE_DEPTH = 2
CLOSE_GRACE_S = 1.0
DEFAULT_MEMORY_MB = 1024  # each worker's address-space cap
DEFAULT_WORKERS = 2


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    decoder: Decoder = field(default_factory=Decoder)
    ready: bool = False
    retiring: bool = False  # announced it exits after its reply (e.g. after a MemoryError)
    jobs: list[tuple[int, Pending]] = field(default_factory=list)  # (id, job) in send order; [0] runs
    last_id: int = 0
    deadline: float = 0.0  # of jobs[0]

    @property
    def fd(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()


def start_process(memory_mb: int, *, warm: bool = False) -> subprocess.Popen[bytes]:
    """One worker process (see the module docstring); ``warm``: it imports what its jobs
    will need while it waits for the first (a worker started ahead of them)."""
    env = dict(os.environ, MALLOC_ARENA_MAX="2", PYTHONDONTWRITEBYTECODE="1")
    root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    return subprocess.Popen(
        [sys.executable, "-m", "moderator_gui.core.media.worker", "--memory-mb", str(memory_mb), *(["--warm"] if warm else [])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        close_fds=True,
        start_new_session=True,  # Ctrl-C in a terminal reaches the parent, which stops them
    )


class Prestarted:
    """Workers started before their MediaService, so that their start-up (Python, Pillow, and
    numpy for the signatures: ~0.15 s of CPU each) overlaps the caller's own,
    e.g. ``moderator-cli prefetch`` opening its store, which keeps one CPU busy and leaves the
    others idle. A worker with nothing to do yet imports what a thumbnail job needs
    (``worker.py``). The service's pool takes them before it starts any (``spares``); those it
    never takes are stopped on ``close()``. Made and closed on one thread (see worker.py:
    a worker dies with the thread that started it)."""

    def __init__(self, count: int, memory_mb: int = DEFAULT_MEMORY_MB) -> None:
        self.memory_mb = memory_mb
        self._lock = threading.Lock()
        self._procs: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(count):
                self._procs.append(start_process(memory_mb, warm=True))
        except OSError:  # cannot start a process now: the pool will try (and report) on its own
            self.close()

    def take(self, memory_mb: int) -> subprocess.Popen[bytes] | None:
        """A started worker with this memory cap, or None."""
        with self._lock:
            for proc in self._procs:
                if proc.poll() is None and memory_mb == self.memory_mb:
                    self._procs.remove(proc)
                    return proc
        return None

    def close(self) -> None:
        """Stop the workers not taken (killed: they never had a job) and reap them."""
        with self._lock:
            procs, self._procs = self._procs, []
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        for proc in procs:
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()

    def __enter__(self) -> Prestarted:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WorkerPool:
    """Up to ``size`` workers; their stdout pipes are registered in ``selector`` with the
    worker as the key's data."""

    def __init__(
        self,
        size: int,
        *,
        memory_mb: int,
        timeout_s: float,
        lock: threading.Lock,
        selector: selectors.BaseSelector,
        spares: Prestarted | None = None,
    ) -> None:
        self.size = size
        self.spares = spares
        self.memory_mb = memory_mb
        self.timeout_s = timeout_s
        self._lock = lock
        self._sel = selector
        self.workers: list[Worker] = []

    def pids(self, busy_only: bool = False) -> list[int]:
        with self._lock:
            return [w.proc.pid for w in self.workers if not busy_only or w.jobs]

    def fill(self) -> None:
        """Start workers up to ``size`` (lock held)."""
        while len(self.workers) < self.size:
            self.workers.append(self._spawn())

    def _spawn(self) -> Worker:
        proc = self.spares.take(self.memory_mb) if self.spares is not None else None
        w = Worker(proc or start_process(self.memory_mb))
        os.set_blocking(w.fd, False)
        self._sel.register(w.fd, selectors.EVENT_READ, w)
        return w

    def assign(self, take: Callable[[], Pending | None]) -> list[tuple[Worker, Pending]]:
        """Jobs from ``take`` for the ready workers (lock held): idle workers first, then a
        second job for each busy one (see PIPELINE_DEPTH)."""
        out: list[tuple[Worker, Pending]] = []
        for depth in range(PIPELINE_DEPTH):
            for w in self.workers:
                if not w.ready or w.retiring or len(w.jobs) != depth:
                    continue
                p = take()
                if p is None:
                    return out
                p.running = True
                w.last_id += 1
                w.jobs.append((w.last_id, p))
                out.append((w, p))
        return out

    @staticmethod
    def unassign(w: Worker, p: Pending) -> None:
        """``p`` was assigned to ``w`` but is not sent after all (it needs no decoding)."""
        w.jobs = [(i, q) for i, q in w.jobs if q is not p]

    def send(self, w: Worker, p: Pending, fields: dict[str, Any]) -> bool:
        """Send job ``p`` (assigned to ``w``) with ``fields``; its deadline starts if it is
        ``w``'s first. False when the worker's pipe is broken (it died)."""
        job_id = next(i for i, q in w.jobs if q is p)
        msg = {"id": job_id, **fields}
        if w.jobs[0][1] is p:
            w.deadline = time.monotonic() + self.timeout_s
        try:
            assert w.proc.stdin is not None
            w.proc.stdin.write(encode(msg))
            w.proc.stdin.flush()
        except OSError:
            return False
        return True

    @staticmethod
    def read(w: Worker) -> list[dict[str, Any]] | None:
        """The complete messages ``w`` sent since the last read; None when its pipe closed
        (it died). Raises ProtocolError on a malformed reply."""
        try:
            data = os.read(w.fd, 65536)
        except BlockingIOError:
            return []
        except OSError:
            data = b""
        if not data:
            return None
        return w.decoder.feed(data)

    def first_done(self, w: Worker) -> Pending:
        """``w`` answered its running job: off its list; the next one's deadline starts now."""
        _id, p = w.jobs.pop(0)
        if w.jobs:
            w.deadline = time.monotonic() + self.timeout_s  # the next one starts now
        return p

    def timeout(self) -> float | None:
        """Seconds until the nearest deadline of a running job; None when no worker is busy."""
        now = time.monotonic()
        busy = [w.deadline for w in self.workers if w.jobs]
        return max(0.0, min(busy) - now) if busy else None

    def overdue(self) -> list[Worker]:
        """The workers whose running job is past its deadline."""
        now = time.monotonic()
        return [w for w in list(self.workers) if w.jobs and now >= w.deadline]

    def kill(self, w: Worker) -> None:
        """SIGKILL (if still running), reap, and forget the worker; the pool refills on the next loop."""
        if w.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                w.proc.kill()
        w.proc.wait()
        with contextlib.suppress(KeyError, ValueError):
            self._sel.unregister(w.fd)
        for stream in (w.proc.stdin, w.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        with self._lock:
            if w in self.workers:
                self.workers.remove(w)

    def stop(self) -> None:
        """Close stdin (workers exit at end of input), give them a moment, then SIGKILL."""
        for w in self.workers:
            try:
                if w.proc.stdin is not None:
                    w.proc.stdin.close()
            except OSError:
                pass
        deadline = time.monotonic() + CLOSE_GRACE_S
        for w in list(self.workers):
            if not w.jobs:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    w.proc.wait(max(0.0, deadline - time.monotonic()))
            self.kill(w)
