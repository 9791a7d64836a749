"""Reviewers: the names events are recorded under."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from moderator_gui.core.domain import utcnow
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.errors import InvalidDecisionError
from moderator_gui.core.store.tables import reviewers_t


class ReviewersMixin(StoreBase):
    def reviewer_id(self, name: str, conn: Connection | None = None) -> int:
        """The id of reviewer ``name``, added if new (inside ``conn``'s transaction when given)."""
        name = name.strip()
        if not name:
            raise InvalidDecisionError("invalid.reviewer_required")
        if name in self._reviewer_ids:
            return self._reviewer_ids[name]
        if conn is None:
            with self.write() as c:
                return self.reviewer_id(name, c)
        rid = conn.execute(select(reviewers_t.c.id).where(reviewers_t.c.name == name)).scalar()
        if rid is not None:
            self._reviewer_ids[name] = rid
            return rid
        # Not cached: this transaction may still roll back (conflict, disk full), and a
        # cached id of a row that was never committed would later be reused by SQLite
        # for another reviewer. The next call finds the committed row and caches it.
        try:
            with conn.begin_nested():
                new_id: int = conn.execute(
                    insert(reviewers_t).values(name=name, created_at=utcnow()).returning(reviewers_t.c.id)
                ).scalar_one()
                return new_id
        except IntegrityError:
            # PostgreSQL: another instance added this reviewer just now (SQLite's BEGIN
            # IMMEDIATE cannot race). Its row is committed, so this statement sees it.
            found: int = conn.execute(select(reviewers_t.c.id).where(reviewers_t.c.name == name)).scalar_one()
            return found

    def reviewers(self) -> list[str]:
        with self.read() as conn:
            return list(conn.execute(select(reviewers_t.c.name).order_by(reviewers_t.c.name)).scalars())
