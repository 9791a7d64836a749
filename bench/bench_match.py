"""Benchmark: PDQ matching against a 1,000,000-signal list, our multi-index hash vs numpy brute force.

    .venv/bin/python bench/bench_match.py [--n 1000000] [--queries 500] [--brute 50]

The list: ``--n`` random 256-bit codes, of which some are planted near the queries (for
each query, codes at distances 0, 1, 8, 15, 24, 31, 32 and 40), the rest uniformly random
(about 128 bits from anything). Ids are random int64, not positions.

* build: ``PdqIndex().add(ids, codes)`` once, timed;
* index: ``PdqIndex.search`` at radius 31, one call per query (signals are checked as items
  arrive), per-query median and mean; a single batched call over all queries too;
* faiss's ``IndexBinaryMultiHash`` (nflip 1), the index HMA uses, batched, for reference, if
  faiss is installed (it is not a dependency: ``pip install faiss-cpu``);
* baseline: ``brute_force_search`` (numpy XOR + popcount over the whole list) on the first
  ``--brute`` queries, one call per query, per-query mean.

The results for the queries both sides answered must be identical (asserted), and each
query must find its planted 0..31 neighbours and not its 32 and 40 ones. Prints the
speed-up of the index per query over brute force (goal: >= 10x).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:
    import faiss
except ImportError:  # a reference only
    faiss = None

from moderator_gui.core.dupes.index import PDQ_BYTES, PdqIndex, brute_force_search  # noqa: E402

PLANTED = (0, 1, 8, 15, 24, 31, 32, 40)
GOAL = 10.0


def make_list(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[tuple[int, int]]]]:
    """(codes n x 32, ids n, queries m x 32, the planted matches <= 31 of each query)."""
    rng = np.random.default_rng(seed)
    n_planted = m * len(PLANTED)
    if n_planted > n:
        raise SystemExit(f"--n {n} is too small for {m} queries x {len(PLANTED)} planted neighbours")
    codes = rng.integers(0, 256, size=(n, PDQ_BYTES), dtype=np.uint8)
    ids = rng.choice(np.int64(1) << 62, size=n, replace=False).astype(np.int64)
    queries = rng.integers(0, 256, size=(m, PDQ_BYTES), dtype=np.uint8)
    slots = rng.choice(n, size=n_planted, replace=False)  # planted codes scattered through the list
    expected: list[list[tuple[int, int]]] = []
    for q in range(m):
        mine = []
        for k, d in enumerate(PLANTED):
            bits = np.unpackbits(queries[q])
            bits[rng.choice(256, size=d, replace=False)] ^= 1
            slot = slots[q * len(PLANTED) + k]
            codes[slot] = np.packbits(bits)
            if d <= 31:
                mine.append((int(ids[slot]), d))
        expected.append(sorted(mine, key=lambda p: (p[1], p[0])))
    return codes, ids, queries, expected


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="signals in the list (default 1,000,000)")
    ap.add_argument("--queries", type=int, default=500, help="queries for the index (default 500)")
    ap.add_argument("--brute", type=int, default=50, help="of those, how many brute force answers too (default 50)")
    ap.add_argument("--seed", type=int, default=20261101)
    args = ap.parse_args()
    m, k = args.queries, min(args.brute, args.queries)
    print(
        f"PDQ match benchmark: {args.n:,} signals, {m} queries ({k} also by brute force), radius 31, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}"
    )

    t = time.perf_counter()
    codes, ids, queries, expected = make_list(args.n, m, args.seed)
    print(f"  list generated in {time.perf_counter() - t:.1f} s (peak RSS {rss_mb():.0f} MB)")

    index = PdqIndex()
    t = time.perf_counter()
    index.add(ids, codes)
    index.search(queries[:1])  # the first search sorts the tables: part of the build
    build = time.perf_counter() - t
    print(
        f"  index build: {build:.2f} s for {len(index):,} signals "
        f"({build / len(index) * 1e6:.2f} us each; peak RSS {rss_mb():.0f} MB)"
    )

    index.search(queries[:5])  # warm-up
    per_query: list[float] = []
    got: list[list[tuple[int, int]]] = []
    for q in range(m):
        t = time.perf_counter()
        got.extend(index.search(queries[q : q + 1]))
        per_query.append(time.perf_counter() - t)
    t = time.perf_counter()
    batched = index.search(queries)
    batch_time = time.perf_counter() - t
    assert batched == got, "one call per query and one batched call disagree"
    assert got == expected, "the index missed a planted neighbour or found one beyond 31"

    if faiss is not None:
        faiss.omp_set_num_threads(1)
        ref = faiss.IndexBinaryMultiHash(256, 16, 16)
        ref.nflip = 1
        ref.add(codes)
        t = time.perf_counter()
        ref.range_search(queries, 32)
        took = (time.perf_counter() - t) / m * 1e3
        print(f"  faiss IndexBinaryMultiHash {faiss.__version__}, one batched call: {took:8.3f} ms per query (reference)")

    brute_force_search(codes, ids, queries[:1])  # warm-up (page in the list)
    brute_per_query: list[float] = []
    brute: list[list[tuple[int, int]]] = []
    for q in range(k):
        t = time.perf_counter()
        brute.extend(brute_force_search(codes, ids, queries[q : q + 1]))
        brute_per_query.append(time.perf_counter() - t)
    assert brute == got[:k], "index and brute force disagree"

    idx_mean, idx_median = statistics.fmean(per_query), statistics.median(per_query)
    bf_mean, bf_median = statistics.fmean(brute_per_query), statistics.median(brute_per_query)
    p99 = sorted(per_query)[min(m - 1, round(0.99 * (m - 1)))]
    print(
        f"  index, one call per query:  median {idx_median * 1e3:8.3f} ms, mean {idx_mean * 1e3:8.3f} ms, p99 {p99 * 1e3:.3f} ms"
    )
    print(f"  index, one batched call:    {batch_time / m * 1e3:8.3f} ms per query ({batch_time:.3f} s for {m})")
    print(f"  brute force (baseline):     median {bf_median * 1e3:8.3f} ms, mean {bf_mean * 1e3:8.3f} ms ({k} queries)")
    print(f"  same results for the {k} queries compared; every planted neighbour 0..31 found, 32 and 40 not")
    ratio = bf_median / idx_median
    print(
        f"  speed-up, index vs brute force per query (medians): {ratio:.0f}x  "
        f"(mean/mean {bf_mean / idx_mean:.0f}x; goal >= {GOAL:.0f}x)"
    )
    if ratio < GOAL:
        print("  BELOW GOAL")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
