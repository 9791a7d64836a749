"""Media pipeline results (per content, keyed by SHA-256) and what is left to prefetch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from moderator_gui.core.changes import Changes
from moderator_gui.core.domain import utcnow
from moderator_gui.core.store.dupes import DupesMixin
from moderator_gui.core.store.tables import items_t, media_t

#: The ``media`` columns a pipeline result fills in.
MEDIA_FIELDS: tuple[str, ...] = tuple(c.name for c in media_t.columns if c.name not in ("sha256", "probed_at"))


@dataclass
class MediaToPrefetch:
    sha256: str
    path: bytes
    row: dict[str, Any] | None  # its current ``media`` row (MEDIA_FIELDS), None if it has none


class MediaMixin(DupesMixin):
    def save_media(self, sha256: str, **fields: Any) -> None:
        self.save_media_many([(sha256, fields)])

    def save_media_many(self, rows: Sequence[tuple[str, dict[str, Any]]]) -> None:
        """Upsert media-pipeline results in ONE transaction (one fsync for a whole batch).

        A failed preview does not undo a working thumbnail: when a row is already
        ``ok`` and a result that carries no ``thumb_ready`` says ``failed``, only
        ``preview_ready`` changes, so the queue keeps showing the thumbnail.
        """
        if not rows:
            return
        now = utcnow()
        # The workers' PDQ hashes go to their own table (core/store/dupes.py), not the media row.
        signatures = {sha: given["signatures"] for sha, given in rows if given.get("signatures")}
        rows = [(sha, {k: v for k, v in given.items() if k != "signatures"}) for sha, given in rows]
        try:
            self._save_media_rows(rows, signatures, now)
        except BaseException:
            self.dupes.reset()  # the index may hold ids of rows that were rolled back
            raise

    def _save_media_rows(
        self, rows: Sequence[tuple[str, dict[str, Any]]], signatures: dict[str, Any], now: datetime
    ) -> None:
        with self.write() as conn:
            shas = sorted({sha for sha, _ in rows})
            states = dict(
                conn.execute(select(media_t.c.sha256, media_t.c.state).where(media_t.c.sha256.in_(shas))).all()
            )
            for sha, given in rows:
                fields = {"probed_at": now, **given}
                if sha in states:
                    if states[sha] == "ok" and fields.get("state") == "failed" and "thumb_ready" not in fields:
                        fields = {k: v for k, v in fields.items() if k not in ("state", "error")}
                    conn.execute(update(media_t).where(media_t.c.sha256 == sha).values(**fields))
                else:
                    fields.setdefault("thumb_ready", False)
                    fields.setdefault("preview_ready", False)
                    conn.execute(insert(media_t).values(sha256=sha, **fields))
                states[sha] = fields.get("state", states.get(sha))
            changed = {sha for sha, _ in rows}
            if signatures:
                changed |= self._save_signatures(conn, signatures)
            self.note(conn, Changes(media=frozenset(changed)))

    def media_to_prefetch(self, statuses: Sequence[str]) -> list[MediaToPrefetch]:
        """Distinct contents of the items in ``statuses``, most urgent first (queue order)."""
        q = (
            select(items_t.c.sha256, items_t.c.media_path, *(media_t.c[name] for name in MEDIA_FIELDS))
            .select_from(items_t.outerjoin(media_t, media_t.c.sha256 == items_t.c.sha256))
            .where(items_t.c.status.in_(list(statuses)), items_t.c.sha256.is_not(None), items_t.c.media_path.is_not(None))
            .order_by(items_t.c.priority.desc(), items_t.c.flagged_at, items_t.c.id)
        )
        seen: dict[str, MediaToPrefetch] = {}
        with self.read() as conn:
            for r in conn.execute(q):
                if r.sha256 not in seen:
                    row = {name: r._mapping[name] for name in MEDIA_FIELDS} if r.state is not None else None
                    seen[r.sha256] = MediaToPrefetch(r.sha256, r.media_path, row)
        return list(seen.values())
