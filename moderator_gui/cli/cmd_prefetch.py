"""`moderator-cli prefetch`: probe and thumbnail everything pending, so a workstation is warm before a shift.

Each distinct content (by SHA-256) is rendered once, in queue order, by the isolated
media workers; results land in the per-user cache and in the ``media`` table, so
``moderator-cli queue --json`` then shows for every item its thumbnail state or the
specific reason it failed. A rerun finds everything in the cache and only fills in
``media`` rows that are missing (e.g. a new database on a warm workstation).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from moderator_gui.cli.common import add_db_option, fail, open_store
from moderator_gui.core.domain import ItemStatus

if TYPE_CHECKING:
    from moderator_gui.core.media import MediaKind, MediaResult
    from moderator_gui.core.media.worker_pool import Prestarted
    from moderator_gui.core.store import MediaToPrefetch as Media
    from moderator_gui.core.store import Store

# Everything a reviewer or a lead may still open: escalated items are looked at too.
PREFETCH_GATHER_S = 0.25
PREFETCH_STATUSES = (ItemStatus.PENDING.value, ItemStatus.SKIPPED.value, ItemStatus.ESCALATED.value)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "prefetch",
        help="probe and thumbnail every pending item (warm the cache before a shift)",
        description="Probe and thumbnail every pending, skipped or escalated item, each distinct "
        "content once, in isolated worker processes. Progress and ETA go to stderr, the summary "
        "(with every failure and its reason) to stdout. Exit 0 when it ran, even if some files failed.",
    )
    add_db_option(p)
    p.add_argument(
        "--jobs", type=int, default=max(1, os.cpu_count() or 1), metavar="N", help="worker processes (default: CPU count)"
    )
    p.add_argument("--previews", action="store_true", help="also render viewer-size previews and filmstrips")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="time limit per file in seconds (default 10)")
    p.add_argument("--retry-failed", action="store_true", help="try again files that failed before (cached failures)")
    p.set_defaults(func=run)


def pending_media(store: Store) -> list[Media]:
    """Distinct contents of the open items, most urgent first (queue order)."""
    return store.media_to_prefetch(PREFETCH_STATUSES)


class Progress:
    """A bar with rate and ETA on a terminal; an occasional plain line otherwise (logs, CI)."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.tty = stream.isatty()
        self.start = time.monotonic()
        self._shown = 0.0
        self._lock = threading.Lock()

    def advance(self, n: int = 1, *, total_delta: int = 0) -> None:
        with self._lock:
            self.done += n
            self.total += total_delta
            now = time.monotonic()
            if now - self._shown >= (0.1 if self.tty else 5.0) or self.done >= self.total:
                self._shown = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self.start
        frac = self.done / self.total if self.total else 1.0
        if self.done:
            eta = int(elapsed / self.done * (self.total - self.done))
            left = f"ETA {eta // 60}:{eta % 60:02d}"
        else:
            left = "ETA --:--"
        text = f"{self.done}/{self.total} {frac:4.0%}  {left}"
        if self.tty:
            bar = "#" * int(frac * 30)
            self.stream.write(f"\rprefetch [{bar:<30}] {text} ")
        else:
            self.stream.write(f"prefetch: {text}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


@dataclass
class Tally:
    ready: int = 0
    cached: int = 0
    rendered: int = 0
    failures: list[tuple[bytes, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        return fail("prefetch", "--jobs must be at least 1")
    if args.timeout <= 0:
        return fail("prefetch", "--timeout must be a positive number of seconds")
    from moderator_gui.core.media.worker_pool import Prestarted

    # The workers start now: opening the store keeps this process busy for most of a second
    # (imports, migrations), and their own start-up runs meanwhile on the other CPUs.
    with Prestarted(args.jobs) as workers:
        store = open_store(args)
        try:
            return _prefetch(store, args, workers)
        finally:
            store.close()


def _prefetch(store: Store, args: argparse.Namespace, workers: Prestarted) -> int:
    from moderator_gui.core.media import MediaJob, MediaKind, MediaService

    t0 = time.monotonic()
    todo = pending_media(store)
    if not todo:
        print("prefetch: nothing to do (no pending media)")
        return 0
    extra = (MediaKind.PREVIEW, MediaKind.STRIP) if args.previews else ()
    progress = Progress(len(todo) * (1 + len(extra)), sys.stderr)
    tally = Tally()
    # Nobody watches these thumbnails appear: a result waits up to PREFETCH_GATHER_S for others,
    # and up to 64 are saved (and searched for duplicates) in one transaction.
    with MediaService(
        workers=args.jobs, timeout_s=args.timeout, store=store, prestarted=workers, gather_s=PREFETCH_GATHER_S
    ) as svc:

        def submit(m: Media, kind: MediaKind, priority: int) -> None:
            if args.retry_failed and (old := svc.lookup(m.sha256, kind)) is not None and not old.ok:
                svc.cache.discard(m.sha256, kind)
            hit = svc.lookup(m.sha256, kind)
            if hit is not None:
                done(m, priority, hit)
            else:
                svc.request(MediaJob(m.sha256, m.path, kind), priority, lambda r: done(m, priority, r))

        def done(m: Media, priority: int, r: MediaResult) -> None:
            if r.from_cache:
                _sync_row(store, m, r)  # fresh results were saved by the service
            with tally.lock:
                tally.cached += r.from_cache
                tally.rendered += not r.from_cache
                if not r.ok:
                    label = "" if r.kind is MediaKind.THUMB else f"{r.kind.value}: "
                    tally.failures.append((m.path, label + (r.error or "unknown error")))
                elif r.kind is MediaKind.THUMB:
                    tally.ready += 1
            if r.kind is MediaKind.THUMB and extra:
                if r.ok:
                    for kind in extra:
                        submit(m, kind, priority)
                else:
                    progress.advance(0, total_delta=-len(extra))  # nothing more to show for it
            progress.advance()

        for priority, m in enumerate(todo):
            submit(m, MediaKind.THUMB, priority)
        while not svc.wait_idle(0.5):
            pass
    progress.finish()
    _summary(tally, len(todo), time.monotonic() - t0)
    return 0


def _sync_row(store: Store, m: Media, r: MediaResult) -> None:
    """A cache hit still needs its ``media`` row when this database has none (or an outdated one)."""
    from moderator_gui.core.media import media_row

    want = media_row(r)
    if want is None or (m.row is not None and all(m.row.get(k) == v for k, v in want.items())):
        return
    store.save_media(m.sha256, **want)
    m.row = {**(m.row or {}), **want}


def _summary(tally: Tally, media: int, elapsed: float) -> None:
    from moderator_gui.core.store import display_path

    failed_items = len({path for path, _ in tally.failures})
    print(
        f"prefetch: {media} media files, {tally.ready} with a thumbnail, {failed_items} with failures "
        f"({tally.cached} results from the cache, {tally.rendered} rendered) in {elapsed:.1f} s"
    )
    for path, reason in tally.failures:
        print(f"  failed: {display_path(path)}: {reason}")
