"""Benchmark: recording one decision (Store.record: checks, INSERT, projection, COMMIT) vs a bare INSERT+COMMIT.

Run: .venv/bin/python bench/bench_record.py [-n 500]

Both sides write to a SQLite file in WAL mode with synchronous=FULL (the store's
settings, engine.py), in the same temp folder; iterations are interleaved so that
load from other processes hits both alike. Prints median and p99 latency of each and
their ratios (store / bare sqlite3).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from sqlalchemy import insert

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderator_gui.core.domain import DecisionInput, EventKind  # noqa: E402
from moderator_gui.core.store import Store  # noqa: E402
from moderator_gui.core.store.engine import DEFAULT_BUSY_TIMEOUT_MS  # noqa: E402
from moderator_gui.core.store.tables import items_t  # noqa: E402

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def bare_connection(path: Path) -> sqlite3.Connection:
    """Plain sqlite3 with the store's pragmas, autocommit off via explicit BEGIN/COMMIT."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {DEFAULT_BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, uuid TEXT UNIQUE, item_id INTEGER, payload TEXT)")
    return conn


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=500, help="decisions to record (default 500)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = Store.open(tmp / "store.sqlite3")
        with store.write() as conn:
            ids = list(
                conn.execute(
                    insert(items_t).returning(items_t.c.id),
                    [
                        {
                            "external_id": f"post-{k}",
                            "platform": "bench",
                            "import_source": "/bench",
                            "content_type": "image",
                            "flagged_at": T0,
                            "report_count": 1,
                            "priority": 0,
                            "status": "pending",
                            "imported_at": T0,
                        }
                        for k in range(args.n)
                    ],
                ).scalars()
            )
        bare = bare_connection(tmp / "bare.sqlite3")
        category = store.policy.categories[1]
        ours: list[float] = []
        base: list[float] = []
        for k, item_id in enumerate(ids):
            t = time.perf_counter()
            bare.execute("BEGIN IMMEDIATE")
            bare.execute(
                "INSERT INTO events (uuid, item_id, payload) VALUES (?, ?, ?)", (str(uuid4()), item_id, "x" * 200)
            )
            bare.execute("COMMIT")
            base.append(time.perf_counter() - t)
            inp = DecisionInput(
                item_id=item_id,
                kind=EventKind.DECIDE,
                reviewer=f"reviewer{k % 8}",
                category=category.code,
                actions=category.default_actions,
                time_spent_ms=1000,
            )
            t = time.perf_counter()
            store.record(inp)
            ours.append(time.perf_counter() - t)
        bare.close()
        store.close()
    ms = 1000
    print(f"{args.n} decisions, SQLite WAL + synchronous=FULL, interleaved")
    print(f"bare sqlite3 INSERT+COMMIT: median {statistics.median(base) * ms:.2f} ms, p99 {percentile(base, 99) * ms:.2f} ms")
    print(f"Store.record              : median {statistics.median(ours) * ms:.2f} ms, p99 {percentile(ours, 99) * ms:.2f} ms")
    print(f"ratio Store.record / bare: median {statistics.median(ours) / statistics.median(base):.2f}x, "
          f"p99 {percentile(ours, 99) / percentile(base, 99):.2f}x")


if __name__ == "__main__":
    main()
