"""Fetching a stored content's bytes by SHA-256, with psycopg alone (no SQLAlchemy).

Used inside the media worker processes (they pay for no engine, no ORM) and by
``Store.fetch_blob``. The chunks are read through a server-side cursor a few at a time,
written to a temporary file while hashed, and the file is renamed into place only when
the hash is right (:class:`~moderator_gui.core.media_store.VerifyingWriter`): altered bytes
are deleted, never decoded. Transient failures (the server restarting, a connection cut)
are retried with a fresh connection; the caller's deadline bounds the whole fetch.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

from moderator_gui.core.media_store import (
    MediaRetiredError,
    MediaStoreError,
    VerifyingWriter,
)

#: Chunks (1 MiB each) a reader holds at once.
ROWS_AT_ONCE = 4
#: Transient failures retried before giving up.
ATTEMPTS = 4
#: libpq settings: a server that stops answering is noticed (see engine.pg_connect_args).
CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 5,
    "tcp_user_timeout": 15000,
    "keepalives": 1,
    "keepalives_idle": 4,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}


@dataclass(frozen=True)
class BlobInfo:
    sha256: str
    size: int
    chunks: int


def blob_info(conn: psycopg.Connection[Any], sha256: str) -> BlobInfo:
    """The stored content's row; :class:`MediaRetiredError` if a purge removed it, else
    ``media.not_stored`` when there is none (not stored, or its store never completed)."""
    row = conn.execute("SELECT size, chunks FROM blobs WHERE sha256 = %s", (sha256,)).fetchone()
    if row is not None:
        return BlobInfo(sha256, int(row[0]), int(row[1]))
    gone = conn.execute("SELECT retired_at FROM media_retired WHERE sha256 = %s", (sha256,)).fetchone()
    if gone is not None and isinstance(gone[0], datetime):
        raise MediaRetiredError(gone[0])
    raise MediaStoreError("media.not_stored")


def iter_chunks(conn: psycopg.Connection[Any], sha256: str) -> Iterator[bytes]:
    """The chunks in order, ROWS_AT_ONCE at a time (server-side cursor, binary transfer)."""
    with conn.transaction(), conn.cursor(name=f"blob_{sha256[:16]}", binary=True) as cur:
        cur.itersize = ROWS_AT_ONCE
        cur.execute("SELECT data FROM blob_chunks WHERE sha256 = %s ORDER BY seq", (sha256,))
        for (data,) in cur:
            yield bytes(data)


def fetch_with(conn: psycopg.Connection[Any], sha256: str, dest: Path) -> Path:
    """Fetch into ``dest`` over ``conn``; verified before it is renamed into place."""
    blob_info(conn, sha256)
    return _stream_to(conn, sha256, dest)


def _stream_to(conn: psycopg.Connection[Any], sha256: str, dest: Path) -> Path:
    out = VerifyingWriter(sha256, dest)
    try:
        out.write_all(iter_chunks(conn, sha256))
    except BaseException:
        out.abort()
        raise
    return out.commit()


def transient(exc: BaseException) -> bool:
    """A failure worth a fresh connection and another try."""
    if isinstance(exc, psycopg.OperationalError):
        return True
    state = getattr(exc, "sqlstate", None) or ""
    return state.startswith(("08", "57P", "40")) or state == "53300"


def fetch(
    conninfo: str,
    sha256: str,
    dest: Path,
    *,
    attempts: int = ATTEMPTS,
    connect: Callable[[str], psycopg.Connection[Any]] | None = None,
    on_size: Callable[[int], None] | None = None,
) -> Path:
    """Fetch ``sha256`` into ``dest`` on this process's connection to ``conninfo`` (opened on the
    first fetch and kept; not thread-safe: a media worker fetches one content at a time), retrying
    transient failures on a fresh connection (``connect``: a connection per call instead).

    ``on_size(bytes)`` is called once the content's size is known (the media worker then
    tells its parent, which extends the job's deadline in proportion). Raises
    :class:`MediaVerificationError`, :class:`MediaRetiredError`, or a :class:`MediaStoreError`
    (``media.not_stored`` / ``media.fetch_failed``).
    """
    told = False
    for attempt in range(attempts):
        conn: psycopg.Connection[Any] | None = None
        try:
            conn = connect(conninfo) if connect is not None else _kept(conninfo)
            info = blob_info(conn, sha256)
            if on_size is not None and not told:
                on_size(info.size)
                told = True
            return _stream_to(conn, sha256, dest)
        except psycopg.Error as exc:
            if conn is not None:
                _forget(conninfo, conn)
            if not transient(exc) or attempt == attempts - 1:
                raise MediaStoreError("media.fetch_failed", detail=str(exc).strip() or type(exc).__name__) from exc
            time.sleep(min(0.2 * 2**attempt, 2.0))
        finally:
            if connect is not None and conn is not None:
                conn.close()
    raise AssertionError("unreachable")


# One connection per source, opened on the first fetch and kept (a worker fetches one content
# at a time); a failed one is closed and the next attempt opens a fresh one.
_KEPT: dict[str, psycopg.Connection[Any]] = {}


def _kept(conninfo: str) -> psycopg.Connection[Any]:
    conn = _KEPT.get(conninfo)
    if conn is None or conn.closed:
        conn = psycopg.connect(conninfo, autocommit=True, **CONNECT_ARGS)
        _KEPT[conninfo] = conn
    return conn


def _forget(conninfo: str, conn: psycopg.Connection[Any]) -> None:
    if _KEPT.get(conninfo) is conn:
        del _KEPT[conninfo]
    with contextlib.suppress(psycopg.Error):
        conn.close()
