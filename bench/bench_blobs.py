"""Team media benchmarks (issue 10, "Speed"). Not a test: run it by hand against a PostgreSQL server.

    MODERATOR_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/bench_blobs.py [--small] [--db URL]

Every result is a ratio to a baseline measured in the same run, on the same server:

- upload of ~1 GB of mixed media (``--small``: ~100 MB; sizes from 30 KB pictures to 200 MB
  videos, random bytes: media do not compress) with ``Store.store_blob`` (read, hash, binary
  COPY in 1 MiB chunks, the ``blobs`` row last, one transaction per file) vs a bare psycopg
  binary ``COPY`` of the same bytes in the same chunks into a table of the same layout, one
  transaction per file. Goal: >= 0.5x the baseline's throughput;
- fetch of the same files with ``blob_fetch.fetch`` (what a media worker does: its own
  connection, server-side cursor, hash, temporary file, verify, rename) vs a bare psycopg
  SELECT of the same chunks (server-side binary cursor, bytes discarded). Goal: >= 0.5x;
- peak memory (VmHWM) of a process storing, then of one fetching, a 500 MB video, minus the
  peak of the same process that only imported the modules and connected: flat means a few
  MB (a few chunks), not hundreds.

The files are generated once into bench/.cache/blobs/ (git-ignored). A schema of its own is
created on the server and dropped afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import psycopg  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from moderator_gui.core.media_store import CHUNK_BYTES  # noqa: E402
from moderator_gui.core.store import Store, blob_fetch  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "blobs"
PG_ENV = "MODERATOR_TEST_PG_URL"
BIG = 500 * 1024 * 1024


def mixed_sizes(total: int, seed: int = 10) -> list[int]:
    """Pictures (30 KB - 3 MB), animations (1 - 15 MB), videos (20 - 200 MB) up to ``total`` bytes."""
    rnd = random.Random(seed)
    sizes: list[int] = []
    while sum(sizes) < total:
        kind = rnd.random()
        if kind < 0.75:
            sizes.append(rnd.randint(30_000, 3_000_000))
        elif kind < 0.93:
            sizes.append(rnd.randint(1_000_000, 15_000_000))
        else:
            sizes.append(rnd.randint(20_000_000, min(200_000_000, max(20_000_001, total // 4))))
    return sizes


def make_file(path: Path, size: int) -> Path:
    if path.exists() and path.stat().st_size == size:
        return path
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        left = size
        while left:
            n = min(left, 8 * CHUNK_BYTES)
            fh.write(os.urandom(n))
            left -= n
    tmp.replace(path)
    return path


def sha_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            h.update(chunk)
    return h.hexdigest()


def conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# -- baselines -----------------------------------------------------------------------------
def copy_baseline(info: str, files: list[tuple[Path, str]]) -> None:
    with psycopg.connect(info) as conn:
        for path, sha in files:
            with (
                conn.transaction(),
                conn.cursor() as cur,
                open(path, "rb") as fh,
                cur.copy("COPY base_chunks (sha256, seq, data) FROM STDIN (FORMAT BINARY)") as cp,
            ):
                    cp.set_types(["text", "int4", "bytea"])
                    seq = 0
                    while chunk := fh.read(CHUNK_BYTES):
                        cp.write_row((sha, seq, chunk))
                        seq += 1


def select_baseline(info: str, shas: list[str]) -> int:
    n = 0
    with psycopg.connect(info, autocommit=True) as conn:
        for sha in shas:
            with conn.transaction(), conn.cursor(name="b", binary=True) as cur:
                cur.itersize = blob_fetch.ROWS_AT_ONCE
                cur.execute("SELECT data FROM blob_chunks WHERE sha256 = %s ORDER BY seq", (sha,))
                for (data,) in cur:
                    n += len(data)
    return n


# -- memory (a child process each) -----------------------------------------------------------
def vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(args: list[str]) -> None:
    what, url = args[0], args[1]
    store = Store.open(url, migrate_schema=False)
    store.has_blob("0" * 64)  # connected
    if what == "store":
        path, sha = Path(args[2]), args[3]
        store.store_blob(path, sha, "video/mp4")
    elif what == "fetch":
        sha, dest = args[2], Path(args[3])
        blob_fetch.fetch(conninfo(url), sha, dest)
    print(f"{vm_hwm_mb():.1f}")


def peak_mb(what: str, *args: str) -> float:
    out = subprocess.run([sys.executable, __file__, "--child", what, *args], check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true", help="~100 MB instead of ~1 GB")
    ap.add_argument("--db", default=os.environ.get(PG_ENV), help=f"a PostgreSQL server URL (default ${PG_ENV})")
    ap.add_argument("--no-memory", action="store_true", help="skip the 500 MB peak-memory runs")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child)
        return 0
    if not a.db:
        print(f"give --db URL or set {PG_ENV}", file=sys.stderr)
        return 2
    total = 100 * 1024 * 1024 if a.small else 1024 * 1024 * 1024
    CACHE.mkdir(parents=True, exist_ok=True)
    sizes = mixed_sizes(total)
    files = [make_file(CACHE / f"mixed-{i:04d}-{s}.bin", s) for i, s in enumerate(sizes)]
    pairs = [(p, sha_file(p)) for p in files]
    mb = sum(sizes) / 1e6
    print(f"{len(files)} files, {mb:.0f} MB (largest {max(sizes) / 1e6:.0f} MB)")

    schema = f"bench_blobs_{uuid.uuid4().hex[:8]}"
    admin = create_engine(a.db, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in a.db else "?"
    url = f"{a.db}{sep}options=-csearch_path%3D{schema}"
    info = conninfo(url)
    try:
        store = Store.open(url)
        with psycopg.connect(info, autocommit=True) as conn:
            conn.execute("CREATE TABLE base_chunks (sha256 varchar(64), seq integer, data bytea, PRIMARY KEY (sha256, seq))")
            conn.execute("ALTER TABLE base_chunks ALTER COLUMN data SET STORAGE EXTERNAL")
        # Upload: baseline, ours, then each again (interleaved against a busy machine); best of two.
        up_base: list[float] = []
        up_ours: list[float] = []
        for _round in range(2):
            with psycopg.connect(info, autocommit=True) as conn:
                conn.execute("TRUNCATE base_chunks")
                conn.execute("TRUNCATE blob_chunks, blobs")
                conn.execute("CHECKPOINT")
            t = time.perf_counter()
            copy_baseline(info, pairs)
            up_base.append(time.perf_counter() - t)
            with psycopg.connect(info, autocommit=True) as conn:
                conn.execute("CHECKPOINT")
            t = time.perf_counter()
            for path, sha in pairs:
                store.store_blob(path, sha, "application/octet-stream")
            up_ours.append(time.perf_counter() - t)
        b, o = min(up_base), min(up_ours)
        print(f"upload: ours {mb / o:.0f} MB/s ({o:.1f} s), COPY {mb / b:.0f} MB/s ({b:.1f} s) -> {b / o:.2f}x (goal >= 0.5x)")

        # Fetch: bare SELECT of the same chunks vs the worker's fetch (own connection, hash, file, verify).
        shas = [sha for _p, sha in pairs]
        fe_base: list[float] = []
        fe_ours: list[float] = []
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            for _round in range(2):
                t = time.perf_counter()
                got = select_baseline(info, shas)
                fe_base.append(time.perf_counter() - t)
                assert got == sum(sizes)
                for f in Path(tmp).iterdir():
                    f.unlink()
                t = time.perf_counter()
                for sha in shas:
                    blob_fetch.fetch(info, sha, Path(tmp) / sha)
                fe_ours.append(time.perf_counter() - t)
        b, o = min(fe_base), min(fe_ours)
        print(f"fetch:  ours {mb / o:.0f} MB/s ({o:.1f} s), SELECT {mb / b:.0f} MB/s ({b:.1f} s) -> {b / o:.2f}x (goal >= 0.5x)")
        store.close()

        if not a.no_memory:
            big = make_file(CACHE / "video-500MB.bin", BIG)
            big_sha = sha_file(big)
            base = peak_mb("idle", url)
            stored = peak_mb("store", url, str(big), big_sha)
            with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
                fetched = peak_mb("fetch", url, big_sha, str(Path(tmp) / big_sha))
            print(
                f"peak memory (VmHWM) with a 500 MB video: idle {base:.0f} MB; storing {stored:.0f} MB "
                f"(+{stored - base:.0f} MB); fetching {fetched:.0f} MB (+{fetched - base:.0f} MB)"
            )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
