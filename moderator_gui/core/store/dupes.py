"""Duplicates: each content's signatures, and near-duplicate clusters kept up to date as they arrive.

* **Exact** duplicates share a SHA-256 (``items.sha256``): nothing to maintain.
* **Near** duplicates have PDQ hashes within :data:`PDQ_THRESHOLD` of each other, transitively.
  The media workers hash every picture they thumbnail (``core/dupes/pdq.py``: the picture,
  its uniform borders trimmed, central crops); :meth:`save_media_many` hands the hashes
  here, in its transaction, and each new content is linked to what the index finds within
  the threshold: clusters merge, the smaller key wins (union-find kept in ``media_clusters``).
* A hash of low quality (< :data:`MIN_QUALITY`: too little detail, e.g. a flat picture) is
  stored but links nothing, so clusters cannot chain through featureless pictures.
* Matching uses an index (multi-index hashing: ``core/dupes/index.py``), never a scan of all pairs.

Writers of signatures, clusters and lists serialise on one lock (``dupes_index.DUPES_LOCK``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, text, update

from moderator_gui.core.domain import OPEN_STATUSES
from moderator_gui.core.dupes.pdq import MIN_QUALITY, PDQ_THRESHOLD
from moderator_gui.core.store import dupes_snapshot as snapshot
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.dupes_index import DUPES_LOCK, ShaIndex
from moderator_gui.core.store.errors import NotFoundError
from moderator_gui.core.store.tables import (
    claims_t,
    decisions_t,
    items_t,
    media_clusters_t,
    media_signatures_t,
    reviewers_t,
)

log = logging.getLogger(__name__)


_HEX = {"pdq": re.compile(r"[0-9a-f]{64}"), "md5": re.compile(r"[0-9a-f]{32}")}
_CHUNK = 500


@dataclass(frozen=True)
class ClusterMember:
    id: int
    external_id: str
    platform: str
    status: str
    sha256: str
    media_path: bytes | None
    category: str | None = None  # the head decision's, when the item is decided
    reviewer: str | None = None
    head_event: str | None = None  # (a decision on it must name it: see DecisionInput.expected_head)
    held_by: str | None = None  # who holds it with a live claim (team mode)


@dataclass(frozen=True)
class Cluster:
    id: str  # "sha256:<hex>" (exact) or "pdq:<key>" (near)
    kind: str  # exact | near
    items: tuple[ClusterMember, ...]


@dataclass(frozen=True)
class ItemCluster:
    """The cluster of one item, as the desk shows it: the other members and their decisions."""

    kind: str | None  # exact | near | None (no other item with this picture)
    id: str | None
    others: tuple[ClusterMember, ...]

    @property
    def undecided(self) -> tuple[ClusterMember, ...]:
        return tuple(m for m in self.others if m.status in OPEN_STATUSES)

    @property
    def decided(self) -> tuple[ClusterMember, ...]:
        return tuple(m for m in self.others if m.category is not None)


def valid_signature(sig: Mapping[str, Any]) -> bool:
    pattern = _HEX.get(str(sig.get("signal_type")))
    quality = sig.get("quality")
    return (
        pattern is not None
        and isinstance(sig.get("signal"), str)
        and pattern.fullmatch(sig["signal"]) is not None
        and isinstance(sig.get("variant"), str)
        and 0 < len(sig["variant"]) <= 16
        and (quality is None or (isinstance(quality, int) and 0 <= quality <= 100))
    )


class DupesMixin(StoreBase):
    # -- writing (inside other writes' transactions) -------------------------------------------------
    def _lock_dupes(self, conn: Connection) -> None:
        if self.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DUPES_LOCK})

    def _save_signatures(self, conn: Connection, given: Mapping[str, Sequence[Mapping[str, Any]]]) -> set[str]:
        """Store new signatures, link near duplicates, mark list matches; returns the media changed."""
        self._lock_dupes(conn)
        shas = sorted(given)
        have: set[tuple[str, str, str]] = set()
        for start in range(0, len(shas), _CHUNK):
            q = select(media_signatures_t.c.sha256, media_signatures_t.c.signal_type, media_signatures_t.c.variant)
            have.update(conn.execute(q.where(media_signatures_t.c.sha256.in_(shas[start : start + _CHUNK]))))
        rows: list[dict[str, Any]] = []
        for sha in shas:
            for sig in given[sha]:
                if not valid_signature(sig):
                    log.warning("signature of %s refused: %r", sha, sig)
                    continue
                key = (sha, sig["signal_type"], sig["variant"])
                if key not in have:
                    have.add(key)
                    rows.append(
                        {
                            "sha256": sha,
                            "signal_type": sig["signal_type"],
                            "variant": sig["variant"],
                            "signal": sig["signal"],
                            "quality": sig.get("quality"),
                        }
                    )
        if not rows:
            return set()
        good: dict[str, list[str]] = {}
        for r in rows:
            if r["signal_type"] == "pdq" and (r["quality"] or 0) >= MIN_QUALITY:
                good.setdefault(r["sha256"], []).append(r["signal"])
        cold = self.dupes.media is None or self.dupes.media.index is None
        if good and cold:  # a cold index loads before these rows exist: what it may keep on disk is committed
            self._media_index(conn)
        conn.execute(insert(media_signatures_t), rows)
        changed = self._link(conn, good)
        changed |= self._match_new_media(conn, sorted({r["sha256"] for r in rows}), good)
        return changed

    def _media_index(self, conn: Connection) -> ShaIndex:
        """The index of every good-quality PDQ hash stored, brought up to date (payload: sha256)."""
        with self.dupes.lock:
            idx = self.dupes.media if isinstance(self.dupes.media, ShaIndex) else ShaIndex()
            t = media_signatures_t
            # By the primary key (the rows after the last one loaded), as the DB-API cursor's plain
            # tuples. The first load (~3 rows per picture) filters in SQL, where ``signal_type || ''``
            # keeps SQLite off the (signal_type, signal) index (it would read every PDQ row of it
            # and sort them); rows of other kinds up to ``last`` count as seen. Later ones, a few
            # rows (this write's own among them), in one statement, filtered here.
            fresh = 0  # rows read from the database now
            if idx.index is None:
                last = conn.execute(select(func.max(t.c.id))).scalar() or 0
                file = snapshot.snapshot_file(self.url)
                snap = snapshot.read(file)
                if snap is not None and self._snapshot_holds(conn, snap, last):
                    idx.add_arrays(snap.ids, snap.codes, snap.columns["shas"], snap.tables)
                    idx.last_id = snap.last_id  # the rows after it: below, as a warm index reads them
                else:
                    q = (
                        select(t.c.id, t.c.signal, t.c.sha256)
                        .where(t.c.id > idx.last_id, t.c.id <= last)
                        .where(t.c.signal_type.concat("") == "pdq", t.c.quality >= MIN_QUALITY)
                        .order_by(t.c.id)
                    )
                    loaded = conn.execute(q).cursor.fetchall()
                    idx.add(loaded)
                    idx.last_id = max(idx.last_id, last)
                    fresh = len(loaded)
            if idx.index is not None and idx.last_id:  # (a warm index, or one just loaded from its file)
                q = select(t.c.id, t.c.signal, t.c.sha256, t.c.signal_type, t.c.quality).where(t.c.id > idx.last_id)
                rows = conn.execute(q.order_by(t.c.id)).cursor.fetchall()
                good = [(r[0], r[1], r[2]) for r in rows if r[3] == "pdq" and (r[4] or 0) >= MIN_QUALITY]
                idx.add(good)
                idx.last_id = max(idx.last_id, rows[-1][0] if rows else 0)
                fresh += len(good) if self.dupes.media is None else 0
            if self.dupes.media is None and fresh >= max(snapshot.MIN_HASHES // 4, len(idx) // 10):
                self._snapshot_write(conn, idx)
            self.dupes.media = idx
            return idx

    def _snapshot_holds(self, conn: Connection, snap: snapshot.Snapshot, last: int) -> bool:
        """Whether the snapshot is true of this database (see ``dupes_snapshot.py``)."""
        t = media_signatures_t
        if snap.last_id > last:
            return False
        if conn.execute(select(func.count()).select_from(t).where(t.c.id <= snap.last_id)).scalar() != snap.rows:
            return False
        at = snap.sample()
        shas = snap.columns["shas"]
        want = {int(snap.ids[k]): (snap.codes[k].tobytes().hex(), shas[k].tobytes().hex()) for k in at}
        q = select(t.c.id, t.c.signal, t.c.sha256, t.c.signal_type, t.c.quality).where(t.c.id.in_(list(want)))
        got = {
            r[0]: (r[1], r[2]) for r in conn.execute(q) if r[3] == "pdq" and (r[4] or 0) >= MIN_QUALITY
        }
        if got != want:
            log.info("the PDQ index snapshot does not match the database; the index is loaded from the database")
            return False
        return True

    def _snapshot_write(self, conn: Connection, idx: ShaIndex) -> None:
        """Keep the index just loaded on disk for the next cold store (committed rows only: the
        loads that write it run before their transaction inserts any signature)."""
        t = media_signatures_t
        if len(idx) < snapshot.MIN_HASHES:
            return
        rows = conn.execute(select(func.count()).select_from(t).where(t.c.id <= idx.last_id)).scalar() or 0
        ids, codes, shas = idx.arrays()
        tables = idx.index.tables() if idx.index is not None else None  # sorted now: the first search would
        snap = snapshot.Snapshot(ids, codes, {"shas": shas}, idx.last_id, rows, tables)
        snapshot.write(snapshot.snapshot_file(self.url), snap)

    def _link(self, conn: Connection, good: Mapping[str, list[str]]) -> set[str]:
        """Union the clusters of each new content and of its neighbours; returns the members changed."""
        if not good:
            return set()
        idx = self._media_index(conn)
        owners = [sha for sha, hexes in good.items() for _h in hexes]
        found = idx.search([h for hexes in good.values() for h in hexes], PDQ_THRESHOLD)  # one call for the batch
        neighbours: dict[str, set[str]] = {}
        for sha, hits in zip(owners, found, strict=True):
            near = {other for other, _d in hits if other != sha}
            if near:
                neighbours.setdefault(sha, set()).update(near)
        if not neighbours:
            return set()
        mc = media_clusters_t
        involved = sorted(set(neighbours).union(*neighbours.values()))
        key: dict[str, str] = {}
        for start in range(0, len(involved), _CHUNK):
            q = select(mc.c.sha256, mc.c.cluster).where(mc.c.sha256.in_(involved[start : start + _CHUNK]))
            key.update((r[0], r[1]) for r in conn.execute(q))
        for sha, near in neighbours.items():
            group = {sha} | near
            keys = {key.get(x, x) for x in group}
            root = min(keys)
            old = sorted(keys - {root})
            # The contents not in a cluster yet join first, then the clusters they bridge merge
            # into theirs: a team server checks each merge against the cluster it joins, and the
            # content that links them must be in it by then (team_dupes_sql.py).
            missing = sorted(x for x in group if x not in key)
            if missing:
                conn.execute(insert(mc), [{"sha256": x, "cluster": root} for x in missing])
                key.update(dict.fromkeys(missing, root))
            if old:
                conn.execute(update(mc).where(mc.c.cluster.in_(old)).values(cluster=root))
                key.update({k: root for k, v in key.items() if v in old})
        roots = sorted({key[s] for s in neighbours})
        return set(conn.execute(select(mc.c.sha256).where(mc.c.cluster.in_(roots))).scalars())

    def _match_new_media(self, conn: Connection, shas: list[str], good: Mapping[str, list[str]]) -> set[str]:
        """Hash lists: overridden by HashListsMixin (marks new media that match a list)."""
        return set()

    # -- reading ---------------------------------------------------------------------------------------
    def _members_select(self) -> Any:
        head = decisions_t.alias("head")
        return (
            select(
                items_t.c.id,
                items_t.c.external_id,
                items_t.c.platform,
                items_t.c.status,
                items_t.c.sha256,
                items_t.c.media_path,
                head.c.category,
                reviewers_t.c.name.label("reviewer"),
                items_t.c.head_event,
                claims_t.c.reviewer.label("held_by"),
            )
            .select_from(
                items_t.outerjoin(head, and_(head.c.uuid == items_t.c.head_event, head.c.kind == "decide"))
                .outerjoin(reviewers_t, reviewers_t.c.id == head.c.reviewer_id)
                .outerjoin(claims_t, and_(claims_t.c.item_id == items_t.c.id, claims_t.c.expires_at > self.now_sql()))
            )
            .order_by(items_t.c.id)
        )

    @staticmethod
    def _member(r: Any) -> ClusterMember:
        return ClusterMember(
            r.id,
            r.external_id,
            r.platform,
            r.status,
            r.sha256,
            r.media_path,
            r.category,
            r.reviewer if r.category else None,
            r.head_event,
            r.held_by,
        )

    def clusters(self, *, min_size: int = 2) -> list[Cluster]:
        """Every cluster of at least ``min_size`` items: exact ones (a SHA-256 shared by several
        items), then near ones (contents linked by PDQ, with all their items)."""
        min_size = max(min_size, 2)
        out: list[Cluster] = []
        with self.read() as conn:
            dup = (
                select(items_t.c.sha256)
                .where(items_t.c.sha256.is_not(None))
                .group_by(items_t.c.sha256)
                .having(func.count() >= min_size)
            )
            exact: dict[str, list[ClusterMember]] = {}
            for r in conn.execute(self._members_select().where(items_t.c.sha256.in_(dup))):
                exact.setdefault(r.sha256, []).append(self._member(r))
            by_first = sorted(exact.items(), key=lambda kv: kv[1][0].id)
            out.extend(Cluster(f"sha256:{sha}", "exact", tuple(m)) for sha, m in by_first)
            mc = media_clusters_t
            q = self._members_select().add_columns(mc.c.cluster).join(mc, mc.c.sha256 == items_t.c.sha256)
            near: dict[str, list[ClusterMember]] = {}
            for r in conn.execute(q):
                near.setdefault(r.cluster, []).append(self._member(r))
        out.extend(
            Cluster(f"pdq:{key}", "near", tuple(m))
            for key, m in sorted(near.items(), key=lambda kv: kv[1][0].id)
            if len(m) >= min_size
        )
        return out

    def item_cluster(self, item_id: int) -> ItemCluster:
        """The other items with this item's picture: its near cluster if it has one, else its SHA-256."""
        mc = media_clusters_t
        with self.read() as conn:
            r = conn.execute(
                select(items_t.c.sha256, mc.c.cluster)
                .select_from(items_t.outerjoin(mc, mc.c.sha256 == items_t.c.sha256))
                .where(items_t.c.id == item_id)
            ).first()
            if r is None:
                raise NotFoundError("notfound.item", item_id=item_id)
            if r.sha256 is None:
                return ItemCluster(None, None, ())
            if r.cluster is not None:
                kind, cid = "near", f"pdq:{r.cluster}"
                where = items_t.c.sha256.in_(select(mc.c.sha256).where(mc.c.cluster == r.cluster))
            else:
                kind, cid = "exact", f"sha256:{r.sha256}"
                where = items_t.c.sha256 == r.sha256
            others = tuple(self._member(m) for m in conn.execute(self._members_select().where(where, items_t.c.id != item_id)))
        return ItemCluster(kind, cid, others) if others else ItemCluster(None, None, ())

    def cluster_peer_ids(self, item_ids: Sequence[int]) -> list[int]:
        """The items in the same clusters as these (exact or near), themselves excluded."""
        if not item_ids:
            return []
        mc = media_clusters_t
        ids = sorted(set(item_ids))
        peers: set[int] = set()
        with self.read() as conn:
            for start in range(0, len(ids), _CHUNK):
                shas = select(items_t.c.sha256).where(items_t.c.id.in_(ids[start : start + _CHUNK]))
                keys = select(mc.c.cluster).where(mc.c.sha256.in_(shas))
                near = select(mc.c.sha256).where(mc.c.cluster.in_(keys))
                q = select(items_t.c.id).where(or_(items_t.c.sha256.in_(shas), items_t.c.sha256.in_(near)))
                peers.update(conn.execute(q).scalars())
        return sorted(peers - set(ids))

    def signatures(self, sha256: str) -> list[dict[str, Any]]:
        """The signatures stored for a content (for the CLI, tests and the hash-list export)."""
        t = media_signatures_t
        q = select(t.c.signal_type, t.c.variant, t.c.signal, t.c.quality).where(t.c.sha256 == sha256).order_by(t.c.id)
        with self.read() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
