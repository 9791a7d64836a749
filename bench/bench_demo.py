"""Benchmark: `moderator-cli demo` at scale, stage by stage.

Run: .venv/bin/python bench/bench_demo.py [--items 100000] [--decided 1000000] [--seed 1] [--db URL]

Generates the demo into a fresh temporary SQLite database (or the given --db,
which should be empty) and prints the wall-clock time at which each stage
(media, import, history) started, the total, the CPU time and the peak RSS,
and with --check verifies that ``Store.rebuild_projection()`` finds nothing to fix
(slow at this size: it re-derives every item with one query each).
Target: 100k items + 1M decisions in under ~2-3 minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderator_gui.core.demo import generate_demo  # noqa: E402
from moderator_gui.core.store import Store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--decided", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--db", default=None, help="database URL or file (default: a fresh temporary SQLite file)")
    ap.add_argument("--check", action="store_true", help="run Store.rebuild_projection() afterwards (slow)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp, Store.open(args.db or Path(tmp) / "demo.sqlite3") as store:
        started = time.monotonic()
        cpu0 = time.process_time()
        seen: set[str] = set()

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in seen:
                seen.add(stage)
                print(f"{time.monotonic() - started:8.1f} s  {stage} started", flush=True)

        summary = generate_demo(
            store, Path(tmp) / "out", items=args.items, decided=args.decided, seed=args.seed, progress=progress
        )
        total = time.monotonic() - started
        cpu = time.process_time() - cpu0
        print(
            f"{total:8.1f} s  done: {summary.items_imported} items ({summary.history_items} with history), "
            f"{summary.decisions} decisions, {summary.rejected} rejected"
        )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"cpu {cpu:.1f} s (this process), peak RSS {peak_mb:.0f} MB")
        if args.check:
            t = time.monotonic()
            changed = store.rebuild_projection()
            print(f"rebuild_projection: {changed} items changed ({time.monotonic() - t:.1f} s)")
            if changed:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
