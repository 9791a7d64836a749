"""Benchmark: a desk merging two near-duplicate clusters on a team server, as their size grows.

Run: MODERATOR_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
     .venv/bin/python bench/bench_team_merge.py [--sizes 1,100,800] [--rounds 3]

A reviewer's desk merges two clusters when a new content is near members of both: it puts
that content into one cluster, then moves every row of the other into it, in one
transaction. The server checks both statements (``core/store/team_dupes_sql.py``: the
content is near a member; the merge moves whole clusters; the merged cluster is near a
member of the one it joined that did not come with it). Each round makes, in a fresh team
schema (with real roles), two clusters of N contents with three PDQ hashes each, and times
the reviewer's transaction. Prints the best of ``--rounds`` per size and its ratio to the
smallest size (the baseline, measured in the same run).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from team_helpers import team_database  # noqa: E402
from test_dupes_store import base_hash, flip  # noqa: E402


def one_round(n: int) -> float:
    """Seconds of the reviewer's bridge-and-merge transaction for two clusters of ``n``."""
    h, g = base_hash(1), base_hash(2)
    with team_database({"alice": "reviewer", "lead": "lead"}) as team:
        with team.sql("lead") as sql:
            rows = [
                (f"{c}{k:063x}", v, flip(base, bits, seed=k * 10 + bits))
                for k in range(n)
                for base, c in ((h, "a"), (g, "b"))
                for v, bits in (("full", 5), ("crop94", 7), ("crop84", 9))
            ]
            sql.cursor().executemany(
                "INSERT INTO media_signatures (sha256, signal_type, variant, signal, quality) VALUES (%s, 'pdq', %s, %s, 90)",
                rows,
            )
            sql.cursor().executemany(
                "INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)",
                [(f"{c}{k:063x}", f"{c}{0:063x}") for k in range(n) for c in "ab"],
            )
        a, b, bridge = "a" + "0" * 63, "b" + "0" * 63, "f" * 64
        with team.sql("alice") as sql:
            sql.execute(
                "INSERT INTO media_signatures (sha256, signal_type, variant, signal, quality) "
                "VALUES (%s, 'pdq', 'full', %s, 90), (%s, 'pdq', 'crop94', %s, 90)",
                (bridge, flip(h, 11, seed=5), bridge, flip(g, 11, seed=5)),
            )
            t = time.perf_counter()
            with sql.transaction():
                sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", (bridge, a))
                sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (a, b))
            took = time.perf_counter() - t
            count = sql.execute("SELECT count(*) FROM media_clusters WHERE cluster = %s", (a,)).fetchone()
            assert count is not None and count[0] == 2 * n + 1
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1,100,800")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    best = {n: min(one_round(n) for _ in range(args.rounds)) for n in sizes}
    base = best[sizes[0]]
    print(f"a desk's bridged merge of two clusters on a team server (best of {args.rounds}):")
    for n in sizes:
        print(f"  {n:5d} + {n:<5d} contents: {best[n] * 1000:8.1f} ms   {best[n] / base:6.1f}x the {sizes[0]} + {sizes[0]} merge")


if __name__ == "__main__":
    main()
