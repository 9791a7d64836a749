"""Media of a team database, inside a worker: the original file by SHA-256, fetched into the
local blob cache and verified before any decoder sees a byte.

With a blob source (the team database's connection string) a job's content comes from the
database, not from the path the lead imported it from: that path is the lead's, and on
another workstation it may not exist or hold something else. The fetch (``core/store/
blob_fetch.py``, psycopg only, imported on the first fetch) streams the chunks into a
temporary file, hashes them and renames the file into ``<cache>/blobs/<sha256>`` only when
the hash is right; a mismatch is "media failed verification" and nothing is decoded. A content
the database does not hold (imported before media were stored) falls back to the path.

The worker tells its parent the size before fetching (``on_size``): the job's deadline is then
extended in proportion (``fetch_allowance_s``), so a 500 MB video is not killed as a hung decoder.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from moderator_gui.core.media.types import MediaError

#: The slowest fetch rate a deadline allows for (bytes/s), and a fixed head-room (s).
FETCH_RATE = 4 * 1024 * 1024
FETCH_SLACK_S = 10.0
#: Originals kept in the local blob cache (oldest used dropped first).
BLOB_CACHE_BYTES = 4 * 1024**3


def fetch_allowance_s(size: int) -> float:
    """Extra seconds a job gets to fetch ``size`` bytes before its decode deadline starts to matter."""
    return FETCH_SLACK_S + size / FETCH_RATE


def local_copy(sha256: str, path: bytes, source: str, folder: Path, on_size: Callable[[int], None]) -> bytes:
    """The path to decode: the verified copy in ``folder`` (fetched if missing)."""
    dest = folder / sha256
    if dest.is_file():
        os.utime(dest)  # recently used: kept longest
        return os.fsencode(dest)
    on_size(0)  # the first fetch imports psycopg and connects: not on the decoder's time either
    from moderator_gui.core.media_store import MediaRetiredError, MediaStoreError, MediaVerificationError
    from moderator_gui.core.store import blob_fetch

    folder.mkdir(parents=True, exist_ok=True)
    try:
        blob_fetch.fetch(source, sha256, dest, on_size=on_size)
    except MediaVerificationError as exc:
        raise MediaError(exc.message, permanent=False) from None
    except MediaRetiredError as exc:
        raise MediaError(exc.message, permanent=False) from None
    except MediaStoreError as exc:
        if exc.code == "media.not_stored":
            return path  # imported before media were stored: the file where it was
        raise MediaError(exc.message, permanent=False) from None
    _trim(folder, keep=dest)
    return os.fsencode(dest)


def _trim(folder: Path, *, keep: Path, limit: int = BLOB_CACHE_BYTES) -> None:
    """Drop the least recently used originals beyond ``limit`` (other workers may race: harmless)."""
    entries = []
    for p in folder.iterdir():
        if p.name.startswith(".") or p == keep:
            continue
        try:
            st = p.stat()
        except OSError:
            continue
        entries.append((st.st_mtime, st.st_size, p))
    total = sum(size for _, size, _ in entries) + (keep.stat().st_size if keep.exists() else 0)
    for _, size, p in sorted(entries):
        if total <= limit:
            break
        p.unlink(missing_ok=True)
        total -= size
