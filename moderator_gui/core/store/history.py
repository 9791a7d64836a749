"""Reading the decision history of an item, an account, a media file or a reviewer."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select

from moderator_gui.core.domain import EventKind
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.rows import HistoryRow
from moderator_gui.core.store.tables import decisions_t, items_t, reviewers_t


class HistoryMixin(StoreBase):
    def _history(self, where: Any, limit: int) -> list[HistoryRow]:
        reverting = decisions_t.alias("reverting")
        q = (
            select(
                decisions_t.c.uuid,
                decisions_t.c.item_id,
                items_t.c.external_id,
                decisions_t.c.kind,
                decisions_t.c.category,
                decisions_t.c.actions,
                decisions_t.c.note,
                reviewers_t.c.name.label("reviewer"),
                decisions_t.c.decided_at,
                decisions_t.c.time_spent_ms,
                select(reverting.c.seq)
                .where(reverting.c.reverts == decisions_t.c.uuid)
                .limit(1)
                .scalar_subquery()
                .label("reverted_by"),
            )
            .join(items_t, items_t.c.id == decisions_t.c.item_id)
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .where(where, decisions_t.c.kind != EventKind.REVERT.value)
            .order_by(decisions_t.c.seq.desc())
            .limit(limit)
        )
        with self.read() as conn:
            return [
                HistoryRow(
                    uuid=r.uuid,
                    item_id=r.item_id,
                    external_id=r.external_id,
                    kind=r.kind,
                    category=r.category,
                    actions=tuple(json.loads(r.actions)),
                    note=r.note,
                    reviewer=r.reviewer,
                    decided_at=r.decided_at,
                    reverted=r.reverted_by is not None,
                    time_spent_ms=r.time_spent_ms,
                )
                for r in conn.execute(q)
            ]

    def item_history(self, item_id: int, limit: int = 50) -> list[HistoryRow]:
        return self._history(decisions_t.c.item_id == item_id, limit)

    def account_history(self, uploader: str, limit: int = 50) -> list[HistoryRow]:
        return self._history(items_t.c.uploader == uploader, limit)

    def media_history(self, sha256: str, limit: int = 50) -> list[HistoryRow]:
        return self._history(items_t.c.sha256 == sha256, limit)

    def reviewer_history(self, reviewer: str, since: datetime | None = None, limit: int = 50) -> list[HistoryRow]:
        cond = reviewers_t.c.name == reviewer
        if since is not None:
            cond = and_(cond, decisions_t.c.decided_at >= since)
        return self._history(cond, limit)
