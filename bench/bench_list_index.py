"""Benchmark: a store's first PDQ match against a 1,000,000-signal hash list, cold and warm.

Run: .venv/bin/python bench/bench_list_index.py [--signals 1000000] [--rounds 3]

The list is written straight into a SQLite file (as ``moderator-cli hashlist import`` leaves
it: one ``hash_lists`` row, its PDQ signals). Then, for a new picture with signatures (what
the media delivery saves, ``Store.save_media_many``), in a freshly opened store:

* cold, from the database: the store reads every signal of the list into its index on that
  first save (``hashlists.py``, ``_list_index``) and keeps a copy in the cache folder
  (``core/store/dupes_snapshot.py``, ``-lists.npz``);
* cold, from the copy: every later store of that database (a desk's start, a prefetch) checks the
  copy against the database and reads it instead;
* warm (the baseline): a second picture in a store whose index is loaded.

Each cold round removes or keeps the copy as it needs. Prints the best of ``--rounds`` of each,
and the ratios of the cold saves to the warm one.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from moderator_gui.core.store import Store, dupes_snapshot  # noqa: E402

sys.path.insert(0, str(REPO / "bench"))
from bench_dupes import item  # noqa: E402


def fill(db: Path, n: int) -> str:
    """The list (``n`` random PDQ signals over three categories); returns one listed hash."""
    with Store.open(db) as store:
        cats = [c.code for c in store.policy.categories if c.code != "none"][:3]
    rng = random.Random(7)
    con = sqlite3.connect(db)
    with con:
        now = datetime.now(UTC).isoformat()
        lid = con.execute(
            "INSERT INTO hash_lists (name, imported_at, imported_by, signals) VALUES ('Partner', ?, 'bench', ?)", (now, n)
        ).lastrowid
        step = 100_000
        for start in range(0, n, step):
            rows = [
                (lid, "pdq", rng.getrandbits(256).to_bytes(32, "big").hex(), cats[k % 3], "")
                for k in range(start, min(n, start + step))
            ]
            con.executemany(
                "INSERT INTO hash_list_signals (list_id, signal_type, signal, category, note) VALUES (?, ?, ?, ?, ?)", rows
            )
        listed = con.execute("SELECT signal FROM hash_list_signals WHERE id = ?", (n // 2,)).fetchone()[0]
    con.close()
    return str(listed)


def picture(store: Store, n: int, listed: str) -> float:
    """Save picture ``n`` (an item, its thumbnail with a hash 5 bits from ``listed``); seconds taken by the save."""
    sha = f"{n:064x}"
    store.add_items([item(n, sha)])
    flipped = int(listed, 16) ^ (0b11111 << (n % 200))
    sig = {"signal_type": "pdq", "variant": "full", "signal": f"{flipped:064x}", "quality": 90}
    t = time.perf_counter()
    store.save_media_many([(sha, {"state": "ok", "thumb_ready": True, "pipeline_version": 3, "signatures": [sig]})])
    took = time.perf_counter() - t
    match = store.matches([sha]).get(sha)
    assert match is not None and match.source == "Partner" and match.distance == 5, match
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--signals", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-list-index-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["MODERATOR_CACHE_DIR"] = str(tmp / "cache")
        db = tmp / "q.sqlite3"
        t = time.perf_counter()
        listed = fill(db, args.signals)
        print(f"list of {args.signals:,} PDQ signals written in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        took: dict[str, list[float]] = {"database": [], "copy": [], "warm": []}
        n = 1
        for _ in range(args.rounds):
            for source in ("database", "copy"):
                if source == "database":
                    for f in dupes_snapshot.folder().glob("*-lists.npz"):
                        f.unlink()
                with Store.open(db) as store:
                    took[source].append(picture(store, n, listed))
                    took["warm"].append(picture(store, n + 1, listed))
                    n += 2
                assert any(dupes_snapshot.folder().glob("*-lists.npz"))
        best = {k: min(v) for k, v in took.items()}
        print(f"first match against {args.signals:,} listed signals, best of {args.rounds}:")
        print(f"  warm store (baseline)     {best['warm'] * 1000:8.1f} ms")
        for source in ("database", "copy"):
            print(f"  cold, index from {source:8s} {best[source] * 1000:8.1f} ms   {best[source] / best['warm']:6.1f}x warm")
        print(f"  copy / database: {best['copy'] / best['database']:.2f}x")


if __name__ == "__main__":
    main()
