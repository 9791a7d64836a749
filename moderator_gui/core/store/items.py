"""Adding items to the queue (imports) and finding them by where they came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from moderator_gui.core.changes import Changes
from moderator_gui.core.domain import ItemStatus, utcnow
from moderator_gui.core.store.dupes import DupesMixin
from moderator_gui.core.store.tables import decisions_t, items_t

#: The columns an imported item may set (the rest is the store's: id, status, head_event, imported_at).
ITEM_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in items_t.columns if c.name not in ("id", "status", "head_event", "imported_at", "claim_lock")
)


class ItemsMixin(DupesMixin):
    def add_items(self, rows: Sequence[Mapping[str, Any]], *, same_content_source: str | None = None) -> list[int]:
        """Add the items of ``rows`` that are not stored yet, in ONE transaction; returns their ids.

        A row is skipped when an item with its (platform, external_id) exists, or —
        with ``same_content_source`` — when an item with its sha256 came from that
        source already (a folder imported again). Every new item starts pending,
        without events: its status and head are the store's, never the importer's.
        Rows stored by another writer between the check and the insert are skipped too.
        """
        if not rows:
            return []
        try:
            return self._add_items(rows, same_content_source)
        except BaseException:
            self.dupes.reset()  # the PDQ index may hold ids of signature rows that were rolled back
            raise

    def _add_items(self, rows: Sequence[Mapping[str, Any]], same_content_source: str | None) -> list[int]:
        now = utcnow()
        with self.write() as conn:
            fresh = self._not_stored(conn, rows, same_content_source)
            if not fresh:
                return []
            values = [
                {
                    **{name: row.get(name) for name in ITEM_COLUMNS},
                    "status": ItemStatus.PENDING.value,
                    "head_event": None,
                    "imported_at": row.get("imported_at") or now,
                }
                for row in fresh
            ]
            ids = list(conn.execute(self._insert_ignoring_conflicts().returning(items_t.c.id), values).scalars())
            if ids:
                self._hash_signals(conn, fresh)
                self.note(conn, Changes(added=frozenset(ids)))
        return ids

    def _hash_signals(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """The MD5s taken at import (for hash lists), and list matches by SHA-256 or MD5."""
        md5s = {
            r["sha256"]: [{"signal_type": "md5", "variant": "file", "signal": r["md5"], "quality": None}]
            for r in rows
            if r.get("sha256") and r.get("md5")
        }
        if md5s:
            self._save_signatures(conn, md5s)
        shas = sorted({r["sha256"] for r in rows if r.get("sha256")})
        if shas:
            self._match_new_media(conn, shas, {})

    def _insert_ignoring_conflicts(self) -> Any:
        """INSERT that skips rows another writer stored between our duplicate check and the insert."""
        if self.dialect == "postgresql":
            return pg_insert(items_t).on_conflict_do_nothing(index_elements=["platform", "external_id"])
        if self.dialect == "sqlite":
            return sqlite_insert(items_t).on_conflict_do_nothing(index_elements=["platform", "external_id"])
        return insert(items_t)

    @staticmethod
    def _not_stored(conn: Connection, rows: Sequence[Mapping[str, Any]], source: str | None) -> list[Mapping[str, Any]]:
        """The rows not stored yet: one query per platform (and one by content), not per row."""
        by_platform: dict[str, list[str]] = {}
        for r in rows:
            by_platform.setdefault(r["platform"], []).append(r["external_id"])
        existing: set[tuple[str, str]] = set()
        for plat, ids in by_platform.items():
            q = select(items_t.c.external_id).where(items_t.c.platform == plat, items_t.c.external_id.in_(ids))
            existing.update((plat, x) for x in conn.execute(q).scalars())
        known_sha: set[str] = set()
        if source is not None:
            shas = [r["sha256"] for r in rows if r.get("sha256") is not None]
            q = select(items_t.c.sha256).where(items_t.c.import_source == source, items_t.c.sha256.in_(shas))
            known_sha.update(conn.execute(q).scalars())
        return [
            r
            for r in rows
            if (r["platform"], r["external_id"]) not in existing and (r.get("sha256") is None or r["sha256"] not in known_sha)
        ]

    def undecided_items_from(self, source: str, keys: Sequence[tuple[str, str]]) -> list[int | None]:
        """For each (platform, external_id) in ``keys``: the id of that item if it was imported
        from ``source`` and has no events yet, else None."""
        with self.read() as conn:
            found = {
                (r.platform, r.external_id): r.id
                for r in conn.execute(
                    select(items_t.c.id, items_t.c.platform, items_t.c.external_id).where(items_t.c.import_source == source)
                )
            }
            busy: set[int] = set()
            if conn.execute(select(decisions_t.c.seq).limit(1)).first() is not None:  # not a fresh database
                busy = set(
                    conn.execute(
                        select(decisions_t.c.item_id)
                        .join(items_t, items_t.c.id == decisions_t.c.item_id)
                        .where(items_t.c.import_source == source)
                        .distinct()
                    ).scalars()
                )
        ids = [found.get(key) for key in keys]
        return [None if i is None or i in busy else i for i in ids]
