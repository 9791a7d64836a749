"""The PDQ indexes kept on disk between runs, so that a store opened cold reads them fast.

A store's first save of signatures needs the index of every good PDQ hash stored (``dupes.py``,
``_media_index``): from SQLite that is ~0.5 s at 300,000 hashes (100,000 pictures), nearly all
of it SQLite reading the rows. Every ``moderator-cli prefetch`` and every desk's start paid it.
After such a load the index's arrays are written to ``<cache>/pdq-index/<key>.npz`` (ids, hashes,
SHA-256s, and the sorted tables of the index: 150 bytes a hash, 45 MB at 300,000), which a later
cold store of the same database reads back in ~50 ms; it then reads from the database only the
rows added since, and its first search sorts nothing.

The file is a cache and is trusted only as far as it is checked against the database first:

- its last id must not be past the table's (a database replaced by an older or another one);
- the table must hold exactly as many rows (of any kind) up to that id as when it was written:
  rows are never updated, and a deleted one (a purge, a migration) changes the count;
- a sample of its entries (the last one, and up to 15 spread over the rest) must be rows of
  the table with the same hash and SHA-256, of good quality (SQLite may hand out a deleted
  last id again: the last entry is always among those looked at).

The hash lists' index (``hashlists.py``, ``_list_index``: 1.8 s at 1,000,000 signals, read
from the database once per store session) is kept the same way, in ``<key>-lists.npz``, with
the lists it was made of (their ids and sizes: a re-imported list gets a new id) as one more
check; its payload is each signal's list id and category.

Anything else — no file, another format, a file that does not parse, a check that fails — and
the index is loaded from the database as before, and the file rewritten. Writes go to a
temporary file renamed into place, so readers never see half of one. Small indexes (fewer
than :data:`MIN_HASHES`) are not written: they load fast anyway. Snapshots no store has read
or written for :data:`STALE_S` (their database may be long gone) are deleted by the next write.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moderator_gui.core import paths

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

FORMAT = 1
MIN_HASHES = 20_000  # below this, a load from the database takes ~30 ms: not worth a file
SAMPLE = 16
STALE_S = 30 * 24 * 3600  # a snapshot not read or written for this long goes (its database may be gone)


# The payload columns of each kind of index: name -> (dtype, the shape of one entry's value).
Spec = dict[str, tuple[str, tuple[int, ...]]]
MEDIA: Spec = {"shas": ("uint8", (32,))}  # the SHA-256 of each hash's picture
LISTS: Spec = {"lists": ("int64", ()), "cats": ("uint16", ())}  # each signal's list id, category (in ``labels``)


@dataclass
class Snapshot:
    ids: Any  # int64, ascending
    codes: Any  # n x 32 uint8: the PDQ hashes
    columns: dict[str, Any]  # the payload, one array per name of MEDIA or LISTS
    last_id: int  # every row up to this id was looked at (rows of other kinds too)
    rows: int  # rows of the table (of any kind) with an id up to last_id
    tables: tuple[Any, Any] | None = None  # the index's sorted tables (PdqIndex.tables), if kept
    labels: list[str] = field(default_factory=list)  # the strings the payload refers to by number
    stamp: Any = None  # int64: what the index was made of beyond the table's rows (the lists), if anything

    def __len__(self) -> int:
        return len(self.ids)

    def sample(self) -> list[int]:
        """Positions of the entries checked against the database: the last, and some spread over the rest."""
        n = len(self.ids)
        if not n:
            return []
        step = max(1, n // SAMPLE)
        return sorted({*range(0, n - 1, step), n - 1})[-SAMPLE:]


def snapshot_file(url: URL, kind: str = "") -> Path | None:
    """Where this database's snapshot (of the media index, or of ``kind``: "lists") lives; None for
    a database with no lasting identity, or when the cache folder cannot be made (a read-only
    home: the index loads as before)."""
    if url.get_backend_name() == "sqlite":
        db = url.database or ""
        if not db or db == ":memory:" or db.startswith("file:"):
            return None
        identity = "sqlite:" + os.path.realpath(db)
    else:  # the server, database, user and options (search path): never the password
        identity = url.render_as_string(hide_password=True)
    key = hashlib.sha256(identity.encode()).hexdigest()[:32]
    try:
        return folder() / (f"{key}-{kind}.npz" if kind else f"{key}.npz")
    except OSError:
        log.info("no cache folder for the PDQ index snapshot", exc_info=True)
        return None


def folder() -> Path:
    """Where snapshots are kept: ``pdq-index`` in the per-user cache folder."""
    return paths.cache_dir() / "pdq-index"


def _forget_old(keep: Path) -> None:
    """Delete the other snapshots nobody has used for STALE_S (reads touch the file's mtime)."""
    import time

    limit = time.time() - STALE_S
    for other in keep.parent.glob("*.npz"):
        with contextlib.suppress(OSError):
            if other != keep and other.stat().st_mtime < limit:
                other.unlink()


def read(path: Path | None, spec: Spec = MEDIA) -> Snapshot | None:
    """The snapshot in ``path`` with the payload columns ``spec`` (MEDIA, LISTS), or None (absent,
    unreadable, another format, inconsistent)."""
    if path is None:
        return None
    import numpy as np

    try:
        if not path.is_file():  # (may raise on Python 3.11: a folder that cannot be searched)
            return None
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:  # (our file object: closed even
            meta = z["meta"]  # when np.load fails on it)
            ids, codes = z["ids"], z["codes"]
            columns = {name: z[name] for name in spec}
            tables = (z["order"], z["starts"]) if "order" in z.files and "starts" in z.files else None
            labels = z["labels"] if "labels" in z.files else np.array([], dtype=str)
            stamp = z["stamp"] if "stamp" in z.files else None
        if meta.shape != (3,) or int(meta[0]) != FORMAT:
            return None
        n = len(ids)
        if (
            ids.dtype != np.int64
            or ids.ndim != 1
            or codes.dtype != np.uint8
            or codes.shape != (n, 32)
            or any(columns[k].dtype != np.dtype(dt) or columns[k].shape != (n, *shape) for k, (dt, shape) in spec.items())
            or labels.dtype.kind != "U"
            or labels.ndim != 1
            or (stamp is not None and (stamp.dtype != np.int64 or stamp.ndim != 1))
            or (n > 1 and not bool((np.diff(ids) > 0).all()))
            or (n and int(ids[-1]) > int(meta[1]))
        ):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: see _forget_old
        return Snapshot(
            ids, codes, columns, int(meta[1]), int(meta[2]), tables=tables, labels=labels.tolist(), stamp=stamp
        )
    except Exception:  # a cache file: whatever is wrong with it, the database has the truth
        log.info("PDQ index snapshot %s unreadable; the index is loaded from the database", path, exc_info=True)
        return None


def write(path: Path | None, snap: Snapshot) -> None:
    """Write ``snap`` to ``path`` (atomically); failures are logged, never raised: it is a cache."""
    if path is None or len(snap) < MIN_HASHES:
        return
    import numpy as np

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.stem, suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            meta = np.array([FORMAT, snap.last_id, snap.rows], dtype=np.int64)
            extra = {"order": snap.tables[0], "starts": snap.tables[1]} if snap.tables is not None else {}
            if snap.labels:
                extra["labels"] = np.array(snap.labels, dtype=str)
            if snap.stamp is not None:
                extra["stamp"] = np.asarray(snap.stamp, dtype=np.int64)
            np.savez(f, meta=meta, ids=snap.ids, codes=snap.codes, **snap.columns, **extra)
        os.replace(tmp, path)
        tmp = None
        _forget_old(path)
    except Exception:  # a cache: whatever goes wrong, the store's write goes on
        log.info("cannot write the PDQ index snapshot %s", path, exc_info=True)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
