"""Benchmark: adding 1,000 items (with their PDQ signatures, clusters kept up to date and list
matches) to a database of 100,000 such items, against adding them to an empty one.

Run: .venv/bin/python bench/bench_dupes.py [--base 100000] [--add 1000] [--db URL]

What "adding" is, as the desk and the importer do it: ``Store.add_items`` for the items, then
``Store.save_media_many`` with each content's thumbnail result and its signatures (what the
media delivery saves), in batches of 50 (the delivery's batch size). A tenth of the new
contents are near duplicates of contents already stored (so links are made). Two numbers:

* warm: the store of the big database has its PDQ index loaded already (a desk that is open);
* cold: a freshly opened store, which loads the index of the 100,000 signatures on its first
  save (a desk's first thumbnail after start), from the database, and keeps it on disk
  (``core/store/dupes_snapshot.py``);
* cold again: the next freshly opened store, which reads that copy back (every later start of
  a workstation, every ``moderator-cli prefetch``).

Both sides run on a SQLite file by default (``--db`` for a PostgreSQL URL: each side then uses a
fresh schema). Goal: warm ≤ 2× the empty database.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderator_gui.core.store import Store, path_to_db  # noqa: E402

T0 = datetime(2026, 11, 1, tzinfo=UTC)
BATCH = 50


def item(n: int, sha: str) -> dict[str, Any]:
    return {
        "external_id": f"b-{n}", "platform": "weibo", "import_source": "/bench", "content_type": "image",
        "media_path": path_to_db(f"/media/{n}.jpg"), "media_type": "image/jpeg", "sha256": sha, "md5": sha[:32],
        "size_bytes": 1000, "flagged_at": T0, "report_count": 1, "priority": n % 100,
    }  # fmt: skip


def flip(h: int, rng: random.Random, bits: int) -> int:
    for b in rng.sample(range(256), bits):
        h ^= 1 << b
    return h


def contents(start: int, count: int, rng: random.Random, known: list[int]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(sha256, signatures) of ``count`` contents; a tenth are near duplicates of ``known`` ones."""
    out = []
    for n in range(start, start + count):
        if known and n % 10 == 0:
            h = flip(rng.choice(known), rng, 8)
        else:
            h = rng.getrandbits(256)
        sigs = [
            {"signal_type": "pdq", "variant": v, "signal": flip(h, rng, 3 * i).to_bytes(32, "big").hex(), "quality": 90}
            for i, v in enumerate(("full", "crop90", "crop80"))
        ]
        out.append((f"{n:064x}", sigs))
    return out


def add(store: Store, start: int, batch: list[tuple[str, list[dict[str, Any]]]]) -> float:
    return add_items(store, start, batch) + add_signatures(store, batch)


def add_items(store: Store, start: int, batch: list[tuple[str, list[dict[str, Any]]]]) -> float:
    """The import: items (exact clusters, MD5s, list matches by hash)."""
    t = time.perf_counter()
    for i in range(0, len(batch), 1000):
        part = batch[i : i + 1000]
        store.add_items([item(start + i + j, sha) for j, (sha, _s) in enumerate(part)])
    return time.perf_counter() - t


def add_signatures(store: Store, batch: list[tuple[str, list[dict[str, Any]]]]) -> float:
    """The prefetch's thumbnails: PDQ hashes, near-duplicate links."""
    t = time.perf_counter()
    for i in range(0, len(batch), BATCH):
        part = batch[i : i + BATCH]
        rows = [(sha, {"state": "ok", "thumb_ready": True, "pipeline_version": 3, "signatures": s}) for sha, s in part]
        store.save_media_many(rows)
    return time.perf_counter() - t


@contextmanager
def database(url: str | None, name: str, tmp: Path) -> Iterator[str]:
    if url is None:
        yield str(tmp / f"{name}.sqlite3")
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    schema = f"bench_dupes_{name}_{random.getrandbits(32):08x}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=int, default=100_000, help="contents in the big database (default 100000)")
    ap.add_argument("--add", type=int, default=1000, help="contents added (default 1000)")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported (default 3)")
    ap.add_argument("--db", help="a PostgreSQL URL (default: SQLite files in a temp folder)")
    args = ap.parse_args()
    rng = random.Random(7)
    n, r = args.add, args.rounds
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        os.environ["MODERATOR_CACHE_DIR"] = str(tmp / "cache")  # the index kept on disk goes there
        with database(args.db, "big", tmp) as big_url:
            base = contents(0, args.base, rng, [])
            known = [int(s[0]["signal"], 16) for _sha, s in base[:: max(1, args.base // 5000)]]
            new = contents(args.base, n * (2 * r + 2), rng, known)
            t = time.perf_counter()
            with Store.open(big_url) as big:
                add(big, 0, base)
            print(f"filling the big database: {args.base} contents in {time.perf_counter() - t:.1f} s")
            empty_t: list[tuple[float, float]] = []
            warm_t: list[tuple[float, float]] = []
            with Store.open(big_url) as big:
                cold = add(big, args.base, new[:n])  # a fresh store: loads the index first (and keeps it)
                for i in range(r):  # interleaved, so that load from elsewhere hits both alike
                    at = n * (1 + 2 * i)
                    with database(args.db, f"empty{i}", tmp) as empty_url, Store.open(empty_url) as empty:
                        part = new[at : at + n]
                        empty_t.append((add_items(empty, args.base + at, part), add_signatures(empty, part)))
                    part = new[at + n : at + 2 * n]
                    warm_t.append((add_items(big, args.base + at + n, part), add_signatures(big, part)))
                n_near = sum(1 for c in big.clusters() if c.kind == "near")
            with Store.open(big_url) as again:  # reads the index the first cold store kept
                cold2 = add(again, args.base + n * (2 * r + 1), new[n * (2 * r + 1) :])
    ei, wi = statistics.median(t[0] for t in empty_t), statistics.median(t[0] for t in warm_t)
    print(f"import {n} items into an empty database: {ei * 1000:6.0f} ms; into {args.base}: {wi * 1000:6.0f} ms")
    print(f"  import ratio {wi / ei:.2f}x")
    e, w = statistics.median(sum(t) for t in empty_t), statistics.median(sum(t) for t in warm_t)
    print(f"add {n} to an empty database:        {e * 1000:8.0f} ms (median of {r})")
    print(f"add {n} to {args.base} (warm store):   {w * 1000:8.0f} ms  ratio {w / e:.2f}x  (goal <= 2x)")
    print(f"add {n} to {args.base} (cold store):   {cold * 1000:8.0f} ms  ratio {cold / e:.2f}x  (loads the index first)")
    print(
        f"add {n} to {args.base} (cold store, index kept on disk by an earlier one): {cold2 * 1000:6.0f} ms"
        f"  ratio {cold2 / e:.2f}x"
    )
    print(f"near-duplicate clusters in the big database: {n_near}")


if __name__ == "__main__":
    main()
