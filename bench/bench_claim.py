"""Benchmark: claiming the next item with 20 concurrent reviewers on a 100,000-item PostgreSQL queue.

Run: .venv/bin/python bench/bench_claim.py [--small] [--url postgresql://postgres@127.0.0.1:5432/postgres]

Two fresh databases on the shared server (created for the run, dropped afterwards), the
second a template copy of the first, so both queues are identical: the store's schema
(migrations, triggers), 100,000 open items bulk-loaded with COPY, ANALYZEd.

* Store: 20 processes, each its own Store (its own pool), loop: ``Store.claim_next(me, 1)``
  (timed), then ``Store.record`` a decision (9 times in 10) or ``release_claims`` (1 in 10).
* Baseline: 20 processes, each a bare psycopg connection, loop: ``SELECT id FROM items WHERE
  open AND claim_lock IS NULL ORDER BY priority DESC, flagged_at, id FOR UPDATE SKIP LOCKED
  LIMIT 1`` + ``UPDATE items SET claim_lock`` + COMMIT (timed), then the same decision as the
  store side (``Store.record``, 9 in 10) or an UPDATE that frees it (1 in 10). The decisions
  are the same on both sides so that the ratio is the claim's: on this 2-core machine the
  20 processes' CPU (SQLAlchemy building statements for ``record``) is most of what a claim
  waits for. ``--bare-decisions`` decides with a bare UPDATE instead (the store's decisions
  then load only the store side).

The store commits a claim asynchronously (``synchronous_commit`` off for that statement: a
claim is a lease, see ``core/store/claims.py``); the baseline, as the issue states it, commits
synchronously. ``--bare-async`` gives the baseline asynchronous commits too, to show what the
store's statement costs beside the same bare claim.

Rounds alternate store / bare (load from other processes on the machine hits both alike).
Prints p50 and p99 claim latency of each and the ratios (goal: store <= 2x bare).
"""

from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderator_gui.core.domain import DecisionInput, EventKind  # noqa: E402
from moderator_gui.core.store import Store  # noqa: E402

T0 = datetime(2026, 11, 1, tzinfo=UTC)
OPEN = "status IN ('pending', 'skipped')"
BARE_CLAIM = (
    f"SELECT id FROM items WHERE {OPEN} AND claim_lock IS NULL "
    "ORDER BY priority DESC, flagged_at, id FOR UPDATE SKIP LOCKED LIMIT 1"
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def sa_url(libpq: str) -> str:
    return libpq.replace("postgresql://", "postgresql+psycopg://", 1)


def with_db(url: str, db: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + db


def load_items(url: str, n: int) -> None:
    """COPY ``n`` open items (priorities 0..9, ages spread over days) into the store's table."""
    buf = io.StringIO()
    for k in range(n):
        flagged = (T0 - timedelta(seconds=k * 7)).isoformat()
        buf.write(f"post-{k}\tbench\t/bench\timage\t{flagged}\t1\t{k % 10}\tpending\t{T0.isoformat()}\n")
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cols = "external_id, platform, import_source, content_type, flagged_at, report_count, priority, status, imported_at"
        with cur.copy(f"COPY items ({cols}) FROM STDIN") as copy:
            copy.write(buf.getvalue())
        conn.commit()
        conn.autocommit = True
        cur.execute("VACUUM ANALYZE items")


def store_worker(url: str, k: int, n: int, start: Any, out: Any) -> None:
    store = Store.open(url, migrate_schema=False)
    me = f"reviewer{k:02d}"
    category = store.policy.categories[1]
    store.claim_next(me, 1)  # warm the pool; not timed
    store.release_claims(me)
    lat: list[float] = []
    start.wait()
    for i in range(n):
        t = time.perf_counter()
        ids = store.claim_next(me, 1, lease_s=120)
        lat.append(time.perf_counter() - t)
        if not ids:
            continue
        if i % 10 == 9:
            store.release_claims(me, ids)
        else:
            store.record(DecisionInput(item_id=ids[0], kind=EventKind.DECIDE, reviewer=me, category=category.code,
                                       actions=category.default_actions, time_spent_ms=1000))  # fmt: skip
    store.release_claims(me)
    store.close()
    out.put(lat)


def bare_worker(
    url: str, k: int, n: int, start: Any, out: Any, store_decisions: bool = True, sync: bool = True
) -> None:
    lat: list[float] = []
    me = f"reviewer{k:02d}"
    store = Store.open(sa_url(url), migrate_schema=False) if store_decisions else None
    with psycopg.connect(url) as conn:
        conn.execute("SELECT 1" if sync else "SET synchronous_commit = off")
        conn.commit()
        start.wait()
        for i in range(n):
            t = time.perf_counter()
            row = conn.execute(BARE_CLAIM).fetchone()
            if row is not None:
                conn.execute("UPDATE items SET claim_lock = 1 WHERE id = %s", (row[0],))
            conn.commit()
            lat.append(time.perf_counter() - t)
            if row is None:
                continue
            if i % 10 == 9:
                conn.execute("UPDATE items SET claim_lock = NULL WHERE id = %s", (row[0],))
            elif store is not None:
                category = store.policy.categories[1]
                store.record(DecisionInput(item_id=row[0], kind=EventKind.DECIDE, reviewer=me, category=category.code,
                                           actions=category.default_actions, time_spent_ms=1000))  # fmt: skip
                conn.execute("UPDATE items SET claim_lock = NULL WHERE id = %s", (row[0],))
            else:
                conn.execute("UPDATE items SET status = 'decided', claim_lock = NULL WHERE id = %s", (row[0],))
            conn.commit()
    if store is not None:
        store.close()
    out.put(lat)


def bare_worker_bare_decisions(url: str, k: int, n: int, start: Any, out: Any) -> None:
    bare_worker(url, k, n, start, out, store_decisions=False)


def bare_worker_async(url: str, k: int, n: int, start: Any, out: Any) -> None:
    bare_worker(url, k, n, start, out, sync=False)


def run(worker: Any, url: str, procs: int, n: int) -> tuple[list[float], float]:
    ctx = mp.get_context("spawn")
    start = ctx.Barrier(procs + 1)
    out = ctx.Queue()
    ps = [ctx.Process(target=worker, args=(url, k, n, start, out)) for k in range(procs)]
    for p in ps:
        p.start()
    start.wait()
    t = time.perf_counter()
    lat: list[float] = []
    for _ in ps:
        lat.extend(out.get())
    wall = time.perf_counter() - t
    for p in ps:
        p.join()
        if p.exitcode:
            raise SystemExit(f"a worker failed (exit {p.exitcode})")
    return lat, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres", help="server (admin database)")
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--procs", type=int, default=20)
    ap.add_argument("-n", type=int, default=60, help="claims per process per round (default 60)")
    ap.add_argument("--rounds", type=int, default=2)
    baseline = ap.add_mutually_exclusive_group()
    baseline.add_argument("--bare-decisions", action="store_true", help="baseline decides with a bare UPDATE")
    baseline.add_argument(
        "--bare-async",
        action="store_true",
        help="baseline commits asynchronously too, as the store's claims do (its releases as well)",
    )
    ap.add_argument("--small", action="store_true", help="quick run: 20k items, 15 claims per process, 1 round")
    args = ap.parse_args()
    if args.small:
        args.items, args.n, args.rounds = 20_000, 15, 1
    tag = f"{os.getpid()}_{int(time.time())}"
    ours_db, bare_db = f"bench_claim_{tag}", f"bench_claim_bare_{tag}"
    admin = psycopg.connect(args.url, autocommit=True)
    admin.execute(f"CREATE DATABASE {ours_db}")
    try:
        t = time.perf_counter()
        Store.open(sa_url(with_db(args.url, ours_db))).close()  # the schema: migrations, triggers
        load_items(with_db(args.url, ours_db), args.items)
        admin.execute(f"CREATE DATABASE {bare_db} TEMPLATE {ours_db}")
        print(f"{args.items} items loaded into two identical databases in {time.perf_counter() - t:.1f} s")
        ours: list[float] = []
        base: list[float] = []
        walls = {"store": 0.0, "bare": 0.0}
        for _ in range(args.rounds):
            lat, wall = run(store_worker, sa_url(with_db(args.url, ours_db)), args.procs, args.n)
            ours += lat
            walls["store"] += wall
            worker = bare_worker_bare_decisions if args.bare_decisions else bare_worker
            worker = bare_worker_async if args.bare_async else worker
            lat, wall = run(worker, with_db(args.url, bare_db), args.procs, args.n)
            base += lat
            walls["bare"] += wall
    finally:
        for db in (ours_db, bare_db):
            admin.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        admin.close()
    ms = 1000
    decided = "bare UPDATE" if args.bare_decisions else "Store.record"
    decided += "; baseline commits asynchronously" if args.bare_async else ""
    print(
        f"{args.procs} processes x {args.n} claims x {args.rounds} rounds, {args.items} items, PostgreSQL 127.0.0.1; "
        f"baseline decisions: {decided}"
    )
    print(
        f"bare SELECT..FOR UPDATE SKIP LOCKED LIMIT 1 + UPDATE: p50 {statistics.median(base) * ms:.2f} ms, "
        f"p99 {percentile(base, 99) * ms:.2f} ms ({len(base) / walls['bare']:.0f} claims/s with the decisions)"
    )
    print(
        f"Store.claim_next(me, 1)                           : p50 {statistics.median(ours) * ms:.2f} ms, "
        f"p99 {percentile(ours, 99) * ms:.2f} ms ({len(ours) / walls['store']:.0f} claims/s with the decisions)"
    )
    print(
        f"ratio store / bare: p50 {statistics.median(ours) / statistics.median(base):.2f}x, "
        f"p99 {percentile(ours, 99) / percentile(base, 99):.2f}x (goal <= 2x)"
    )


if __name__ == "__main__":
    main()
