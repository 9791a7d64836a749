"""Media stored in a team database (PostgreSQL): the :class:`~moderator_gui.core.media_store.MediaStore`
of the store, and retention purges.

Storing streams the file in 1 MiB chunks with binary ``COPY`` in ONE transaction, hashing
while streaming; the ``blobs`` row is inserted last, so a content whose row is visible is
complete, and a failure anywhere (the server gone mid-upload) leaves nothing behind: the
next import stores it again. A content already stored is skipped (dedup). The server
decides who may store (leads; team_sql.py): a reviewer's attempt is a PermissionDeniedError.

SQLite (solo mode) stores no media: it refers to files where they are (``keeps_media``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection, and_, delete, exists, func, insert, select

from moderator_gui.core.changes import Changes
from moderator_gui.core.media_store import CHUNK_BYTES, MediaStoreError, StoredBlob
from moderator_gui.core.store import blob_fetch
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.errors import StoreError, translate
from moderator_gui.core.store.tables import (
    blob_chunks_t,
    blobs_t,
    decisions_t,
    items_t,
    media_purges_t,
    media_retired_t,
)

#: Chunks the COPY writer thread may have waiting to be sent.
QUEUED_CHUNKS = 4
_COPY = "COPY blob_chunks (sha256, seq, data) FROM STDIN (FORMAT BINARY)"


class _BoundedWriter(QueuedLibpqWriter):
    """psycopg's queued COPY writer (sends on a thread), with at most a few chunks queued: its own
    queue holds 1024 buffers, which with 1 MiB rows would let a slow network pile up a gigabyte."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        super().__init__(cursor)
        self._queue = type(self._queue)(maxsize=QUEUED_CHUNKS)


@dataclass(frozen=True)
class PurgeResult:
    items: int
    blobs: int
    bytes: int
    dry_run: bool
    purge_id: int | None


def _driver(conn: Connection) -> psycopg.Connection[Any]:
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw


@contextmanager
def _driver_errors() -> Iterator[None]:
    """psycopg errors raised by raw COPY calls become StoreErrors, as SQLAlchemy's are."""
    try:
        yield
    except psycopg.Error as exc:
        err = translate(exc)
        if err is None:
            raise StoreError("store.unexpected", detail=str(exc).strip()) from exc
        raise err from exc


class BlobsMixin(StoreBase):
    @property
    def keeps_media(self) -> bool:
        """Whether imports store media in the database (PostgreSQL), rather than paths only."""
        return self.dialect == "postgresql"

    def blob_source(self) -> str | None:
        """The libpq connection string the media workers fetch with (the store's own target,
        password included: it travels over the workers' private pipes, never on a command line);
        None on SQLite."""
        if not self.keeps_media:
            return None
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    # -- storing ---------------------------------------------------------------------------
    def has_blob(self, sha256: str) -> bool:
        with self.read() as conn:
            return conn.execute(select(exists().where(blobs_t.c.sha256 == sha256))).scalar() is True

    def store_blob(self, path: Path, sha256: str, mime: str | None = None) -> StoredBlob:
        """Store the file at ``path`` whose content hashes to ``sha256`` (the importer hashed it),
        unless that content is stored already. Streams it; refuses it (``media.changed_while_storing``,
        nothing stored) if the bytes streamed do not hash to ``sha256``."""
        if self.has_blob(sha256):
            return StoredBlob(sha256, 0, stored=False)
        h = hashlib.sha256()
        size = 0
        seq = 0
        try:
            with self.write() as conn, _driver_errors(), open(path, "rb") as fh:
                cur = _driver(conn).cursor()
                # The queued writer sends on a thread of its own: reading and hashing the file
                # overlap with the network (its queue is bounded: memory stays flat).
                with cur.copy(_COPY, writer=_BoundedWriter(cur)) as cp:
                    cp.set_types(["text", "int4", "bytea"])
                    while chunk := fh.read(CHUNK_BYTES):
                        h.update(chunk)
                        cp.write_row((sha256, seq, chunk))
                        size += len(chunk)
                        seq += 1
                if h.hexdigest() != sha256:
                    raise MediaStoreError("media.changed_while_storing", path=str(path))
                conn.execute(
                    insert(blobs_t).values(
                        sha256=sha256, size=size, chunks=seq, mime=mime, stored_at=self.now_sql(), stored_by=func.session_user()
                    )
                )
                conn.execute(delete(media_retired_t).where(media_retired_t.c.sha256 == sha256))
                self.note(conn, Changes(media=frozenset({sha256})))
        except StoreError as exc:
            # Another lead stored the same content meanwhile: fine, it is there.
            if getattr(exc.__cause__, "sqlstate", None) == "23505" and self.has_blob(sha256):
                return StoredBlob(sha256, 0, stored=False)
            raise
        except OSError as exc:
            raise MediaStoreError("media.unreadable", path=str(path), reason=exc.strerror or str(exc)) from exc
        return StoredBlob(sha256, size, stored=True)

    # -- fetching --------------------------------------------------------------------------
    def fetch_blob(self, sha256: str, dest: Path) -> Path:
        """Fetch into ``dest`` (verified, then renamed into place) on one of the store's connections."""
        with self.read() as conn, _driver_errors():
            return blob_fetch.fetch_with(_driver(conn), sha256, dest)

    def retired_media(self, shas: list[str]) -> dict[str, datetime]:
        """When a purge removed each of these contents (those it did)."""
        if not shas:
            return {}
        with self.read() as conn:
            rows = conn.execute(
                select(media_retired_t.c.sha256, media_retired_t.c.retired_at).where(media_retired_t.c.sha256.in_(shas))
            )
            return {r.sha256: r.retired_at for r in rows}

    # -- retention -------------------------------------------------------------------------
    def purge_media(self, decided_before: datetime, *, dry_run: bool = False) -> PurgeResult:
        """Remove the stored bytes of contents whose every item is decided, and was decided
        before ``decided_before``. Hashes, signatures, decisions and pipeline results stay; each
        content is marked retired and the purge recorded (who, when, items, bytes). Leads only
        (the server refuses anyone else)."""
        last_decided = select(func.max(decisions_t.c.decided_at)).where(decisions_t.c.item_id == items_t.c.id).scalar_subquery()
        undecided_or_late = (
            select(items_t.c.sha256)
            .where(items_t.c.sha256.is_not(None))
            .where((items_t.c.status != "decided") | (last_decided >= decided_before))
        )
        chosen = (
            select(blobs_t.c.sha256, blobs_t.c.size)
            .where(exists().where(items_t.c.sha256 == blobs_t.c.sha256))
            .where(blobs_t.c.sha256.not_in(undecided_or_late))
        )
        self.require_lead("purge stored media")
        with self.write() as conn:
            rows = conn.execute(chosen).all()
            shas = [r.sha256 for r in rows]
            total = sum(int(r.size) for r in rows)
            n_items = 0
            if shas:
                n_items = int(conn.execute(select(func.count()).where(items_t.c.sha256.in_(shas))).scalar_one())
            if dry_run:
                return PurgeResult(n_items, len(shas), total, True, None)
            purge_id = conn.execute(
                insert(media_purges_t)
                .values(
                    purged_by=func.session_user(),
                    purged_at=self.now_sql(),
                    decided_before=decided_before,
                    items=n_items,
                    blobs=len(shas),
                    bytes=total,
                )
                .returning(media_purges_t.c.id)
            ).scalar_one()
            if shas:
                conn.execute(delete(blob_chunks_t).where(blob_chunks_t.c.sha256.in_(shas)))
                conn.execute(delete(blobs_t).where(blobs_t.c.sha256.in_(shas)))
                now = self.now_value(conn)
                conn.execute(insert(media_retired_t), [{"sha256": s, "purge_id": purge_id, "retired_at": now} for s in shas])
                ids = conn.execute(select(items_t.c.id).where(and_(items_t.c.sha256.in_(shas)))).scalars().all()
                self.note(conn, Changes(items=frozenset(ids), media=frozenset(shas)))
        return PurgeResult(n_items, len(shas), total, False, int(purge_id))

    if TYPE_CHECKING:

        def require_lead(self, what: str) -> None: ...  # TeamMixin's

    def media_purges(self) -> list[dict[str, Any]]:
        with self.read() as conn:
            rows = conn.execute(select(media_purges_t).order_by(media_purges_t.c.id)).mappings().all()
            return [dict(r) for r in rows]

    def now_value(self, conn: Connection) -> datetime:
        value = conn.execute(select(self.now_sql())).scalar_one()
        assert isinstance(value, datetime)
        return value
