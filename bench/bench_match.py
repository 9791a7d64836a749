"""Benchmark: matching PDQ hashes against a 1,000,000-signal list — the index (faiss's binary
multi-hash, core/dupes/index.py) against a numpy brute-force popcount over the same data.

Run: .venv/bin/python bench/bench_match.py [--n 1000000] [--queries 500] [--brute 50]

The list is random 256-bit codes plus, for each query, planted neighbours at distances
0, 8, 20, 31 and 32 (32 must not be found). The brute force runs on the first ``--brute``
queries (it takes tens of milliseconds each); both must give the same answers on those,
and the per-query times are compared. Goal: the index ≥ 10× faster, same results.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderator_gui.core.dupes.index import PdqIndex, brute_force_search  # noqa: E402

PLANTED = (0, 8, 20, 31, 32)


def flipped(rng: np.random.Generator, code: np.ndarray, bits: int) -> np.ndarray:
    out = code.copy()
    for bit in rng.choice(256, bits, replace=False):
        out[bit // 8] ^= 1 << (7 - bit % 8)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="signals in the list (default 1000000)")
    ap.add_argument("--queries", type=int, default=500, help="queries for the index (default 500)")
    ap.add_argument("--brute", type=int, default=50, help="of which the brute force answers (default 50)")
    args = ap.parse_args()
    rng = np.random.default_rng(5)
    queries = rng.integers(0, 256, (args.queries, 32), dtype=np.uint8)
    near = np.stack([flipped(rng, q, d) for q in queries[: args.brute] for d in PLANTED])
    codes = np.concatenate([rng.integers(0, 256, (args.n - len(near), 32), dtype=np.uint8), near])
    ids = np.arange(len(codes), dtype=np.int64)
    index = PdqIndex()
    t = time.perf_counter()
    index.add(ids, codes)
    build = time.perf_counter() - t
    per_index = []
    found = []
    for start in range(0, args.queries, 50):  # in batches, as the store asks
        t = time.perf_counter()
        found.extend(index.search(queries[start : start + 50], 31))
        per_index.append((time.perf_counter() - t) / len(queries[start : start + 50]))
    per_brute = []
    brute = []
    for q in queries[: args.brute]:
        t = time.perf_counter()
        brute.extend(brute_force_search(codes, ids, q[None, :], 31))
        per_brute.append(time.perf_counter() - t)
    same = found[: args.brute] == brute
    hits = [sorted(d for _i, d in f) for f in found[: args.brute]]
    planted_ok = all(h[:4] == [0, 8, 20, 31] and 32 not in h for h in hits)
    ti, tb = statistics.median(per_index), statistics.median(per_brute)
    print(f"list: {len(codes):,} signals; index built in {build:.2f} s")
    print(f"index:       {ti * 1000:8.3f} ms per query (median over batches of 50, {args.queries} queries)")
    print(f"brute force: {tb * 1000:8.3f} ms per query (median of {args.brute})")
    print(f"speed-up {tb / ti:.1f}x (goal >= 10x); same results: {same}; planted 0/8/20/31 found, 32 not: {planted_ok}")
    if not (same and planted_ok):
        sys.exit(1)


if __name__ == "__main__":
    main()
