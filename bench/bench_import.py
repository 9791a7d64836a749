"""Benchmark `import_path` against the sqlite3 CLI's `.import --csv` of the same rows.

In a temporary folder: ~200 small PNG files and a 100,000-row JSONL manifest whose
rows reuse them. Times import_path into a fresh SQLite file, then loads the very
rows it stored (as CSV) with `/usr/bin/sqlite3 .import --csv` into a fresh file with
the same schema (same table, columns and indexes: created by the same migrations).
The baseline does no validation, hashing or duplicate checks, so it is a floor, not
a target. Results are printed as ratios to that baseline measured in the same run.

    .venv/bin/python bench/bench_import.py [--rows N] [--files N]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from moderator_gui.core.ingest import import_path
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import items_t

SQLITE3 = "/usr/bin/sqlite3"


def make_source(folder: Path, rows: int, files: int) -> Path:
    media = folder / "media"
    media.mkdir()
    for i in range(files):
        buf = io.BytesIO()
        Image.new("RGB", (8, 8), (i % 256, (i * 7) % 256, (i * 13) % 256)).save(buf, "PNG")
        (media / f"f{i:03d}.png").write_bytes(buf.getvalue())
    manifest = folder / "manifest.jsonl"
    with open(manifest, "w", encoding="utf-8") as fh:
        for i in range(rows):
            fh.write(
                json.dumps(
                    {
                        "external_id": f"post-{i:07d}",
                        "platform": "weibo",
                        "content_type": "image",
                        "media_path": f"media/f{i % files:03d}.png",
                        "uploader": f"user_{i % 5000}",
                        "flagged_at": "2024-05-01T08:30:00+08:00",
                        "flag_source": "user_report",
                        "report_count": i % 17,
                        "classifier_score": (i % 100) / 100,
                        "suspected_category": "porn_violence" if i % 3 else "cyberbullying",
                    }
                )
                + "\n"
            )
    return manifest


def dump_csv(store: Store, out: Path) -> None:
    """The rows import_path stored, as the CSV the baseline loads (same values, same columns)."""
    cols = [c.name for c in items_t.columns]
    with store.read() as conn, open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r in conn.execute(select(items_t).order_by(items_t.c.id)):
            w.writerow(["" if v is None else v.decode() if isinstance(v, bytes) else v for v in r])


def best_of(repeats: int, fn: Callable[[int], None]) -> float:
    """Shortest wall time of ``repeats`` runs (the machine is shared: the minimum is the least noisy)."""
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3, help="runs of each measurement; the best is shown")
    args = ap.parse_args()
    if not Path(SQLITE3).exists():
        print(f"{SQLITE3} not found: cannot measure the baseline", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench_import_"))
    try:
        manifest = make_source(tmp, args.rows, args.files)
        n = args.rows

        def fresh_import(i: int) -> None:
            with Store.open(tmp / f"import{i}.sqlite3") as store:
                report = import_path(store, manifest)
            assert report.imported == n and not report.rejected, report

        def reimport(i: int) -> None:
            with Store.open(tmp / "import0.sqlite3") as store:
                report = import_path(store, manifest)
            assert report.duplicates == n, report

        csv_path = tmp / "rows.csv"

        def sqlite_cli(i: int) -> None:
            db = tmp / f"baseline{i}.sqlite3"
            subprocess.run([SQLITE3, str(db), f".import --csv --skip 1 {csv_path} items"], check=True)

        t_import = best_of(args.repeats, fresh_import)
        t_reimport = best_of(args.repeats, reimport)
        with Store.open(tmp / "import0.sqlite3") as store:
            dump_csv(store, csv_path)
        for i in range(args.repeats):
            Store.open(tmp / f"baseline{i}.sqlite3").close()  # same schema, by the same migrations
        t_sqlite = best_of(args.repeats, sqlite_cli)
        print(f"rows: {n}, files: {args.files}, best of {args.repeats} runs each")
        print(f"sqlite3 .import --csv (baseline):  {t_sqlite:7.3f} s  {n / t_sqlite:10,.0f} rows/s  1.00")
        print(f"import_path, fresh database:        {t_import:7.3f} s  {n / t_import:10,.0f} rows/s  "
              f"{t_import / t_sqlite:.2f}x the baseline's time")  # fmt: skip
        print(f"import_path, re-import (all dups):  {t_reimport:7.3f} s  {n / t_reimport:10,.0f} rows/s  "
              f"{t_reimport / t_sqlite:.2f}x the baseline's time")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
