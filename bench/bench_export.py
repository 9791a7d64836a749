"""Benchmark: decision-log export to CSV vs the sqlite3 command-line shell, and its peak memory.

Run: .venv/bin/python bench/bench_export.py [--decisions 1000000] [--items 100000]

Builds (once, cached under bench/.cache/, keyed by the parameters) a SQLite
database with N decisions on M items by 8 reviewers, then in the same run:
  * times ``export_decisions(..., "csv")`` against ``/usr/bin/sqlite3 -csv`` running
    the very same SELECT (formatting included, without hash chain and seal);
  * measures the peak RSS of a child process exporting 1/10 of the rows and all of them
    (constant memory: the ratio should stay near 1).
For reference it also times sqlite3 producing the very same cells as our file
(formula neutralisation in SQL) and the plain join without any formatting.
Add bench/.cache/ to .gitignore.
Prints ratios against the baselines measured in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.dialects import sqlite

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderator_gui.core.decision_filter import DecisionFilter  # noqa: E402
from moderator_gui.core.decision_log import COLUMNS  # noqa: E402
from moderator_gui.core.export import export_decisions  # noqa: E402
from moderator_gui.core.store import Store, path_to_db  # noqa: E402
from moderator_gui.core.store.tables import decisions_t, items_t, reviewers_t  # noqa: E402

CACHE = REPO / "bench" / ".cache"
SQLITE3 = "/usr/bin/sqlite3"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
REVIEWERS = 8
BATCH = 50_000
# The same join without formatting (raw timestamps, JSON actions, no labels, no neutralisation).
PLAIN_JOIN = (
    "SELECT d.seq, d.uuid, d.kind, d.item_id, i.external_id, i.platform, i.content_type, i.sha256, i.uploader, "
    "d.category, d.actions, d.note, r.name, d.decided_at, d.time_spent_ms, d.policy_version, d.reverts, "
    "d.supersedes FROM decisions d JOIN items i ON i.id = d.item_id JOIN reviewers r ON r.id = d.reviewer_id "
    "ORDER BY d.seq"
)


def build_db(path: Path, n_items: int, n_decisions: int) -> None:
    """Bulk-insert items, reviewers and decisions with Core executemany in one transaction."""
    rnd = random.Random(1)
    store = Store.open(path)
    policy = store.policy
    cats = policy.categories
    notes = ["", "", "", "checked twice", "用户多次举报，内容涉及未成年人", "=SUM(A1) looks like a formula"]
    with store.write() as conn:
        conn.execute(
            insert(reviewers_t),
            [{"id": r + 1, "name": f"reviewer{r + 1}", "created_at": T0} for r in range(REVIEWERS)],
        )
        for start in range(0, n_items, BATCH):
            conn.execute(
                insert(items_t),
                [
                    {
                        "id": i + 1,
                        "external_id": f"post-{i + 1}",
                        "platform": ("weibo", "douyin", "bilibili")[i % 3],
                        "import_source": "/imports/bench",
                        "content_type": ("image", "video", "animation", "live_clip", "text")[i % 5],
                        "media_path": path_to_db(f"/media/{i + 1}.jpg"),
                        "sha256": f"{i + 1:064x}",
                        "uploader": f"user{i % 5000}",
                        "flagged_at": T0 + timedelta(seconds=i),
                        "report_count": 1,
                        "priority": 0,
                        "status": "decided",
                        "imported_at": T0,
                    }
                    for i in range(start, min(start + BATCH, n_items))
                ],
            )
        for start in range(0, n_decisions, BATCH):
            rows = []
            for s in range(start, min(start + BATCH, n_decisions)):
                cat = cats[rnd.randrange(len(cats))]
                rows.append(
                    {
                        "seq": s + 1,
                        "uuid": f"00000000-0000-4000-8000-{s + 1:012d}",
                        "item_id": s % n_items + 1,
                        "kind": "decide",
                        "category": cat.code,
                        "actions": json.dumps(list(cat.default_actions)),
                        "note": notes[rnd.randrange(len(notes))],
                        "reviewer_id": rnd.randrange(REVIEWERS) + 1,
                        "decided_at": T0 + timedelta(seconds=5 * s, microseconds=rnd.randrange(1_000_000)),
                        "time_spent_ms": rnd.randrange(2_000, 90_000),
                        "policy_version": policy.version,
                    }
                )
            conn.execute(insert(decisions_t), rows)
    store.close()


def cached_db(n_items: int, n_decisions: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"export-v1-{n_items}i-{n_decisions}d.sqlite3"
    if not path.exists():
        tmp = path.with_suffix(".building")
        for p in CACHE.glob(tmp.name + "*"):
            p.unlink()
        t = time.perf_counter()
        build_db(tmp, n_items, n_decisions)
        Store.open(tmp).close()
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        tmp.rename(path)
        print(f"built {path.name} in {time.perf_counter() - t:.1f} s")
    return path


def child(db: Path, out: Path) -> None:
    """Run one export and print its row count and this process's peak RSS (KiB)."""
    with Store.open(db) as store:
        result = export_decisions(store, out, "csv", DecisionFilter())
    print(json.dumps({"rows": result.rows, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def run_child(db: Path, out: Path) -> dict[str, int]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(db), str(out)], check=True, capture_output=True, text=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def children_cpu() -> float:
    """User + system CPU seconds of finished child processes (the sqlite3 shell)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def neutralised(col: str) -> str:
    """SQL that neutralises a formula trigger the way export does (for the same-cells baseline)."""
    return (
        f"CASE WHEN substr({col}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) "
        f"THEN char(39) || {col} ELSE {col} END AS {col}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--decisions", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=2, help="interleaved repetitions (the best of each is kept)")
    ap.add_argument("--child", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    if not Path(SQLITE3).exists():
        sys.exit(f"{SQLITE3} is needed for the baseline")
    big = cached_db(args.items, args.decisions)
    small = cached_db(max(args.items // 10, 1), args.decisions // 10)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with Store.open(big) as store:
            ours_sql = str(
                store.decision_log_query("cells", DecisionFilter()).compile(
                    dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
                )
            )
            baselines = {
                "sqlite3 -csv, the export's own SELECT": ours_sql,
                "sqlite3 -csv, same cells as our file (neutralised in SQL)": (
                    f"SELECT {', '.join(neutralised(c) for c in COLUMNS)} FROM ({ours_sql})"
                ),
                "sqlite3 -csv, plain join (no formatting at all)": PLAIN_JOIN,
            }
            wall: dict[str, float] = {}
            cpu: dict[str, float] = {}
            # Interleaved repetitions, best of each: the machine is shared, so one slow
            # moment of one contender must not decide the ratio. CPU time (user + system)
            # is printed too: it depends far less on what else the machine is doing.
            for _ in range(args.repeat):
                for label, sql in baselines.items():
                    with open(tmp / "baseline.csv", "wb") as f:
                        c = children_cpu()
                        t = time.perf_counter()
                        subprocess.run([SQLITE3, "-csv", "-header", str(big), sql], check=True, stdout=f)
                        wall[label] = min(wall.get(label, 1e9), time.perf_counter() - t)
                        cpu[label] = min(cpu.get(label, 1e9), children_cpu() - c)
                c = time.process_time()
                t = time.perf_counter()
                result = export_decisions(store, tmp / "export.csv", "csv", DecisionFilter())
                wall["export"] = min(wall.get("export", 1e9), time.perf_counter() - t)
                cpu["export"] = min(cpu.get("export", 1e9), time.process_time() - c)
        ours, ours_cpu = wall.pop("export"), cpu.pop("export")
        print(f"rows: {result.rows:,}  (best of {args.repeat} interleaved runs; load average {os.getloadavg()[0]:.1f})")
        print(
            f"export_decisions csv (hash chain, seal, fsync): {ours:.2f} s wall, {ours_cpu:.2f} s CPU, "
            f"{(tmp / 'export.csv').stat().st_size / 1e6:.0f} MB"
        )
        for label, secs in wall.items():
            print(
                f"{label}: {secs:.2f} s wall, {cpu[label]:.2f} s CPU -> ratio export / this = "
                f"{ours / secs:.2f}x wall, {ours_cpu / cpu[label]:.2f}x CPU"
            )
        print("goal: <= 2x against sqlite3 running the same join query")

        m_small = run_child(small, tmp / "small.csv")
        m_big = run_child(big, tmp / "big.csv")
        print(f"peak RSS child, {m_small['rows']:,} rows: {m_small['maxrss_kib'] / 1024:.0f} MiB")
        print(f"peak RSS child, {m_big['rows']:,} rows: {m_big['maxrss_kib'] / 1024:.0f} MiB")
        print(
            f"memory ratio {m_big['rows'] // max(m_small['rows'], 1)}x rows -> "
            f"{m_big['maxrss_kib'] / m_small['maxrss_kib']:.2f}x peak RSS  (constant memory: ~1x)"
        )


if __name__ == "__main__":
    main()
