"""Reading the queue: keyset pages in queue order, counts, single items."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select, text

from moderator_gui.core.domain import OPEN_STATUSES, ItemStatus
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.errors import NotFoundError
from moderator_gui.core.store.rows import QueueFilter, QueueRow
from moderator_gui.core.store.tables import (
    claims_t,
    hash_lists_t,
    items_t,
    media_clusters_t,
    media_matches_t,
    media_retired_t,
    media_t,
    skip_marks_t,
)

_IN_CHUNK = 5_000


class QueueMixin(StoreBase):
    def _queue_where(self, f: QueueFilter) -> list[Any]:
        conds: list[Any] = []
        if f.status == "open":
            # Literal values, not bound parameters: SQLite uses the partial "open" indexes
            # only when it can see that the query's condition is the index's own.
            conds.append(text(f"items.status IN ({', '.join(repr(s) for s in OPEN_STATUSES)})"))
        elif f.status != "all":
            conds.append(items_t.c.status == ItemStatus(f.status).value)
        if f.content_type:
            conds.append(items_t.c.content_type == f.content_type)
        if f.platform:
            conds.append(items_t.c.platform == f.platform)
        if f.search:
            # Literal substring (ids and account names often hold "_" or "%", which LIKE would
            # treat as wildcards), case-insensitive on both backends (PostgreSQL's LIKE is not).
            term = f.search.strip()
            conds.append(
                or_(
                    items_t.c.external_id.icontains(term, autoescape=True),
                    items_t.c.uploader.icontains(term, autoescape=True),
                )
            )
        if f.one_per_cluster:
            conds.append(self._first_of_cluster(f))
        return conds

    @staticmethod
    def _cluster_peers(item: Any, other: Any) -> Any:
        """``other`` has ``item``'s content, or one in its near-duplicate cluster."""
        mc, mc2 = media_clusters_t.alias("mc"), media_clusters_t.alias("mc2")
        key = select(mc2.c.cluster).where(mc2.c.sha256 == item.c.sha256).correlate(item).scalar_subquery()
        return or_(other.c.sha256 == item.c.sha256, other.c.sha256.in_(select(mc.c.sha256).where(mc.c.cluster == key)))

    def _first_of_cluster(self, f: QueueFilter) -> Any:
        """The item is the first (lowest id) of its cluster among the items the filter shows."""
        j = items_t.alias("j")
        same = [j.c.id < items_t.c.id, self._cluster_peers(items_t, j)]
        if f.status == "open":
            same.append(j.c.status.in_(OPEN_STATUSES))
        elif f.status != "all":
            same.append(j.c.status == ItemStatus(f.status).value)
        return or_(items_t.c.sha256.is_(None), ~exists().where(*same))

    def _queue_order(self, f: QueueFilter) -> list[Any]:
        if f.order == "oldest":
            return [items_t.c.flagged_at.asc(), items_t.c.id.asc()]
        return [items_t.c.priority.desc(), items_t.c.flagged_at.asc(), items_t.c.id.asc()]

    def _after(self, f: QueueFilter, key: tuple[Any, ...]) -> Any:
        prio, flagged, iid = key
        later = or_(
            items_t.c.flagged_at > flagged,
            and_(items_t.c.flagged_at == flagged, items_t.c.id > iid),
        )
        if f.order == "oldest":
            return later
        return or_(items_t.c.priority < prio, and_(items_t.c.priority == prio, later))

    def _queue_select(self, viewer: str | None = None) -> Any:
        live_claim = and_(claims_t.c.item_id == items_t.c.id, claims_t.c.expires_at > self.now_sql())
        mm, hl = media_matches_t, hash_lists_t
        best = (
            select(mm.c.list_id)
            .where(mm.c.sha256 == items_t.c.sha256)
            .order_by(mm.c.distance, mm.c.list_id)
            .limit(1)
            .correlate(items_t)
            .scalar_subquery()
        )
        peer = items_t.alias("peer")
        cluster_size = (
            select(func.count()).select_from(peer).where(self._cluster_peers(items_t, peer)).correlate(items_t).scalar_subquery()
        )
        skipped = (
            exists().where(skip_marks_t.c.item_id == items_t.c.id, skip_marks_t.c.reviewer == viewer)
            if viewer is not None
            else literal(False)
        )
        return select(
            items_t.c.id,
            items_t.c.external_id,
            items_t.c.platform,
            items_t.c.content_type,
            items_t.c.media_path,
            items_t.c.media_type,
            items_t.c.sha256,
            items_t.c.size_bytes,
            items_t.c.uploader,
            items_t.c.flagged_at,
            items_t.c.flag_source,
            items_t.c.flag_reason,
            items_t.c.report_count,
            items_t.c.classifier_score,
            items_t.c.suspected_category,
            items_t.c.priority,
            items_t.c.status,
            items_t.c.head_event,
            items_t.c.text_body,
            func.coalesce(media_t.c.width, items_t.c.width).label("width"),
            func.coalesce(media_t.c.height, items_t.c.height).label("height"),
            func.coalesce(media_t.c.duration_ms, items_t.c.duration_ms).label("duration_ms"),
            media_t.c.state.label("media_state"),
            media_t.c.error.label("media_error"),
            func.coalesce(media_t.c.thumb_ready, False).label("thumb_ready"),
            claims_t.c.reviewer.label("claimed_by"),
            claims_t.c.expires_at.label("claim_expires"),
            skipped.label("skipped_by_viewer"),
            media_retired_t.c.retired_at.label("media_retired_at"),
            hl.c.name.label("match_source"),
            mm.c.category.label("match_category"),
            mm.c.distance.label("match_distance"),
            case((items_t.c.sha256.is_(None), 1), else_=cluster_size).label("cluster_size"),
        ).select_from(
            items_t.outerjoin(media_t, media_t.c.sha256 == items_t.c.sha256)
            .outerjoin(claims_t, live_claim)
            .outerjoin(media_retired_t, media_retired_t.c.sha256 == items_t.c.sha256)
            .outerjoin(hl, hl.c.id == best)
            .outerjoin(mm, and_(mm.c.sha256 == items_t.c.sha256, mm.c.list_id == hl.c.id))
        )

    def queue_page(
        self, f: QueueFilter = QueueFilter(), *, after: tuple[Any, ...] | None = None, limit: int = 200
    ) -> list[QueueRow]:
        """One page of the queue in queue order, starting after the row whose ``sort_key`` is ``after``.

        Keyset paging: page N costs the same as page 1, however deep the queue is.
        """
        q = self._queue_select(f.viewer).where(*self._queue_where(f)).order_by(*self._queue_order(f)).limit(limit)
        if after is not None:
            q = q.where(self._after(f, after))
        with self.read() as conn:
            return [QueueRow(**r._mapping) for r in conn.execute(q)]

    def queue_count(self, f: QueueFilter = QueueFilter()) -> int:
        q = select(func.count()).select_from(items_t).where(*self._queue_where(f))
        with self.read() as conn:
            return conn.execute(q).scalar_one()

    def item(self, item_id: int, *, viewer: str | None = None) -> QueueRow:
        with self.read() as conn:
            r = conn.execute(self._queue_select(viewer).where(items_t.c.id == item_id)).first()
        if r is None:
            raise NotFoundError("notfound.item", item_id=item_id)
        return QueueRow(**r._mapping)

    def platforms(self) -> list[str]:
        with self.read() as conn:
            return list(conn.execute(select(items_t.c.platform).distinct().order_by(items_t.c.platform)).scalars())

    def rows(
        self, item_ids: Iterable[int], *, within: QueueFilter | None = None, viewer: str | None = None
    ) -> list[QueueRow]:
        """The queue rows of these items (those that exist, and match ``within`` if given),
        in no particular order: for views updating the rows a change touched."""
        ids = sorted(set(item_ids))
        where = self._queue_where(within) if within is not None else []
        viewer = viewer if viewer is not None else within.viewer if within is not None else None
        found: list[QueueRow] = []
        with self.read() as conn:
            for start in range(0, len(ids), _IN_CHUNK):
                q = self._queue_select(viewer).where(items_t.c.id.in_(ids[start : start + _IN_CHUNK]), *where)
                found.extend(QueueRow(**r._mapping) for r in conn.execute(q))
        return found
