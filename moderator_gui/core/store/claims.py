"""Claims: which reviewer is working on which item, until when (a lease), and skip marks.

On PostgreSQL claiming is ONE statement (``_CLAIM_PG``), sent in autocommit: one round
trip, no BEGIN or COMMIT apart. It locks the next open items in queue order (priority, then
age) that nobody else holds with a live lease and that this reviewer has not skipped, with
``FOR UPDATE SKIP LOCKED`` (two desks asking at once get different items, never wait for each
other), and in the same statement gives them claims: an INSERT for an item without a claim
row, an UPDATE of a row that is ours or whose lease ran out. ``claims``' primary key is the
item, so an item never has two holders.

A statement sees the claims as they were when it began: an item another desk claimed and
committed meanwhile looks free (its lock is gone by then). Its claim is then met by the
INSERT (ON CONFLICT DO NOTHING) or by the UPDATE (which checks its condition again against a
row changed meanwhile): not taken. Not one upsert: ``ON CONFLICT DO UPDATE`` onto another
reviewer's live claim raises under row-level security, whatever its WHERE. Items found taken
are left out and another round (a new statement) takes the next ones, until ``count`` are held
or none is left.

The claim commits asynchronously (``set_config('synchronous_commit', 'off', true)`` in the
statement: its own transaction only). A claim is a lease: should the server crash within the
fraction of a second before its WAL reaches the disk, the claim is gone after recovery and
the item is free, exactly as when a lease runs out, which the desks already handle (they
claim again; a late decision on an item decided meanwhile is kept as a conflict). Decisions
still commit synchronously, and flushing one flushes every claim before it. Measured
(bench/bench_claim.py): PostgreSQL serialises the commits of transactions that NOTIFY (one
lock held through the WAL flush), and claims notify the other desks; with the flush out of
the claim's commit, claim p50 went from 2.56x to 1.4-1.5x a bare SKIP LOCKED claim.

SQLite: one transaction (``BEGIN IMMEDIATE``: writers are serialised) of two statements, the
lock statement (no locking there) and the upsert of those still free; one round.

Time is the database's: PostgreSQL's ``now()`` (desks' clocks may disagree), the
local clock on SQLite (one machine). On a team server the lease length is the
team's setting and a trigger sets the times whatever the desk sends.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, and_, bindparam, delete, exists, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from moderator_gui.core.changes import Changes
from moderator_gui.core.domain import OPEN_STATUSES
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.tables import claims_t, items_t, settings_t, skip_marks_t

DEFAULT_LEASE_S = 120
#: Items a desk holds: the one shown and the next ones it preloads.
CLAIM_AHEAD = 3
LEASE_KEY = "lease_seconds"
# Rounds of claim_next before it settles for fewer items: each round after the first follows
# a commit of another desk that took a candidate first (a bound that is never met in practice).
_MAX_ROUNDS = 50


_OPEN_SQL = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
# claim_next's round on PostgreSQL (see _claim_next_pg). Items without a claim row get one
# (ON CONFLICT DO NOTHING: a desk inserted one after this statement began); a claim row of ours
# or run out is taken over by an UPDATE, which checks its condition again against a row changed
# meanwhile and skips it if it is now someone else's live claim. (Not one upsert: ON CONFLICT DO
# UPDATE onto another reviewer's live claim raises under row-level security, whatever its WHERE.)
# ``took``: false for a locked item found taken that way. The lease: a team server's trigger
# sets it whatever is sent here.
_CLAIM_PG = text(f"""
WITH cand AS (
    SELECT items.id, items.priority, items.flagged_at, claims.item_id IS NOT NULL AS has_row
      FROM items LEFT OUTER JOIN claims ON claims.item_id = items.id
     WHERE items.status IN ({_OPEN_SQL})
       AND (claims.item_id IS NULL OR claims.expires_at <= now() OR claims.reviewer = :reviewer)
       AND NOT EXISTS (SELECT 1 FROM skip_marks
                        WHERE skip_marks.item_id = items.id AND skip_marks.reviewer = :reviewer)
       AND items.id <> ALL(:besides)
     ORDER BY items.priority DESC, items.flagged_at, items.id
     LIMIT :count
       FOR UPDATE OF items SKIP LOCKED
), inserted AS (
    INSERT INTO claims (item_id, reviewer, claimed_at, expires_at)
    SELECT cand.id, :reviewer, now(), now() + make_interval(secs => :lease) FROM cand WHERE NOT cand.has_row
        ON CONFLICT (item_id) DO NOTHING
    RETURNING claims.item_id
), updated AS (
    UPDATE claims SET reviewer = :reviewer, claimed_at = now(), expires_at = now() + make_interval(secs => :lease)
      FROM cand
     WHERE cand.has_row AND claims.item_id = cand.id AND (claims.expires_at <= now() OR claims.reviewer = :reviewer)
    RETURNING claims.item_id
), took AS (
    SELECT item_id FROM inserted UNION ALL SELECT item_id FROM updated
), lease AS MATERIALIZED (
    SELECT set_config('synchronous_commit', 'off', true) AS sync
)
SELECT cand.id, took.item_id IS NOT NULL AS took
  FROM cand LEFT OUTER JOIN took ON took.item_id = cand.id CROSS JOIN lease
 ORDER BY cand.priority DESC, cand.flagged_at, cand.id
""").bindparams(
    bindparam("besides", type_=ARRAY(Integer)), bindparam("count", type_=Integer), bindparam("lease", type_=Integer)
)


@dataclass(frozen=True)
class Claim:
    item_id: int
    external_id: str
    reviewer: str
    claimed_at: datetime
    expires_at: datetime


class ClaimsMixin(StoreBase):
    # -- the lease ---------------------------------------------------------------------
    def lease_seconds(self) -> int:
        """The team's lease length (``team init --lease-seconds``), else the default."""
        with self.read() as conn:
            raw = conn.execute(select(settings_t.c.value).where(settings_t.c.key == LEASE_KEY)).scalar()
        try:
            return max(1, int(raw)) if raw is not None else DEFAULT_LEASE_S
        except ValueError:
            return DEFAULT_LEASE_S

    # -- claiming ------------------------------------------------------------------------
    def claim_next(
        self, reviewer: str, count: int = CLAIM_AHEAD, *, lease_s: int | None = None, exclude: Collection[int] = ()
    ) -> list[int]:
        """Hold the next ``count`` open items in queue order for ``reviewer`` (renewing those
        already held among them); returns their ids in queue order. PostgreSQL: one statement
        (one round trip) unless another desk's claim got in first; SQLite: one transaction of
        two statements (see the module's docstring).
        ``exclude``: items not to take (the desk is still saving a decision on them)."""
        lease = lease_s or self.lease_seconds()
        if self.dialect == "postgresql":
            return self._claim_next_pg(reviewer, count, lease, exclude)
        with self.write() as conn:
            held: set[int] = set()
            rounds: list[list[int]] = []
            for _ in range(_MAX_ROUNDS):
                locked = list(conn.execute(self._next_open(reviewer, count - len(held), held | set(exclude))).scalars())
                if not locked:
                    break
                rounds.append(locked)
                held.update(self._upsert(conn, self._free_rows(reviewer, locked, lease)))
                if len(held) >= count:
                    break
            if len(rounds) == 1:  # one round: its lock statement read them in queue order (no round trip)
                ids = [i for i in rounds[0] if i in held]
            else:
                ids = self._in_queue_order(conn, sorted(held))
            if ids:
                self.note(conn, Changes(items=frozenset(ids)))
        return ids

    def _claim_next_pg(self, reviewer: str, count: int, lease: int, exclude: Collection[int]) -> list[int]:
        """PostgreSQL: each round is ONE statement, its own transaction (one round trip): it locks
        the next free items and claims them. An item another desk claimed and committed after the
        statement began is left out (not returned); the next round (a new statement) takes the
        next ones."""
        held: set[int] = set()
        besides = set(exclude)
        rounds = 0
        with self.autocommit() as conn:
            for rounds in range(1, _MAX_ROUNDS + 1):  # noqa: B007 - rounds: how many were needed
                params = {"reviewer": reviewer, "count": count - len(held), "lease": lease, "besides": sorted(besides)}
                rows = conn.execute(_CLAIM_PG, params).all()
                if not rows:
                    break
                besides.update(r.id for r in rows)
                took = [r.id for r in rows if r.took]
                held.update(took)
                if len(held) >= count:
                    break
            if rounds == 1:  # the statement returned them in queue order
                ids = [r.id for r in rows if r.took] if rows else []
            else:
                ids = self._in_queue_order(conn, sorted(held))
            if ids:
                self.note(conn, Changes(items=frozenset(ids)))
        return ids

    def claim(self, reviewer: str, item_id: int, *, lease_s: int | None = None) -> bool:
        """Hold this item (J/K onto a free item, undo bringing one back) if nobody else does."""
        lease = lease_s or self.lease_seconds()
        with self.write() as conn:
            if conn.execute(self._lock_item(item_id)).first() is None:
                return False
            got = self._upsert(conn, self._free_rows(reviewer, [item_id], lease))
            if got:
                self.note(conn, Changes(items=frozenset(got)))
        return bool(got)

    def _free(self, reviewer: str) -> Any:
        """No live claim of someone else (in a query of items outer-joined with claims)."""
        return or_(claims_t.c.item_id.is_(None), claims_t.c.expires_at <= self.now_sql(), claims_t.c.reviewer == reviewer)

    def _next_open(self, reviewer: str, count: int, besides: set[int]) -> Any:
        """Lock the next ``count`` open items free for ``reviewer`` (other than ``besides``)."""
        not_skipped = ~exists().where(skip_marks_t.c.item_id == items_t.c.id, skip_marks_t.c.reviewer == reviewer)
        q = (
            select(items_t.c.id)
            .select_from(items_t.outerjoin(claims_t, claims_t.c.item_id == items_t.c.id))
            .where(text(f"items.status IN ({', '.join(repr(s) for s in OPEN_STATUSES)})"), self._free(reviewer), not_skipped)
        )
        if besides:
            q = q.where(items_t.c.id.not_in(sorted(besides)))
        return (
            q.order_by(items_t.c.priority.desc(), items_t.c.flagged_at, items_t.c.id)
            .limit(count)
            .with_for_update(of=items_t, skip_locked=True)
        )

    def _free_rows(self, reviewer: str, item_ids: Sequence[int], lease: int) -> Any:
        """The claim rows to upsert: those of ``item_ids`` (locked by us) nobody else holds."""
        return (
            select(items_t.c.id, literal(reviewer), self.now_sql(), self.later_sql(lease))
            .select_from(items_t.outerjoin(claims_t, claims_t.c.item_id == items_t.c.id))
            .where(items_t.c.id.in_(list(item_ids)), self._free(reviewer))
        )

    @staticmethod
    def _lock_item(item_id: int) -> Any:
        """Lock one item row: claims of it wait for us (and we for theirs)."""
        return select(items_t.c.id).where(items_t.c.id == item_id).with_for_update(of=items_t)

    def _upsert(self, conn: Connection, rows: Any) -> list[int]:
        names = ["item_id", "reviewer", "claimed_at", "expires_at"]
        ins = pg_insert(claims_t) if self.dialect == "postgresql" else sqlite_insert(claims_t)
        stmt = ins.from_select(names, rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=["item_id"],
            set_={"reviewer": stmt.excluded.reviewer, "claimed_at": stmt.excluded.claimed_at,
                  "expires_at": stmt.excluded.expires_at},
            where=or_(claims_t.c.expires_at <= stmt.excluded.claimed_at, claims_t.c.reviewer == stmt.excluded.reviewer),
        )  # fmt: skip
        return list(conn.execute(stmt.returning(claims_t.c.item_id)).scalars())

    @staticmethod
    def _in_queue_order(conn: Connection, ids: Sequence[int]) -> list[int]:
        if not ids:
            return []
        q = (
            select(items_t.c.id)
            .where(items_t.c.id.in_(list(ids)))
            .order_by(items_t.c.priority.desc(), items_t.c.flagged_at, items_t.c.id)
        )
        return list(conn.execute(q).scalars())

    def renew_claims(self, reviewer: str, *, lease_s: int | None = None) -> int:
        """The heartbeat: extend every live claim of ``reviewer``. Returns how many it holds."""
        lease = lease_s or self.lease_seconds()
        with self.write() as conn:
            now = self.now_sql()
            renewed = conn.execute(
                update(claims_t)
                .where(claims_t.c.reviewer == reviewer, claims_t.c.expires_at > now)
                .values(expires_at=self.later_sql(lease))
                .returning(claims_t.c.item_id)
            ).scalars()
            return len(list(renewed))

    def release_claims(self, reviewer: str, item_ids: Sequence[int] | None = None) -> int:
        """Give back this reviewer's claims (all, or on these items): quitting, or a lead's release."""
        cond = [claims_t.c.reviewer == reviewer]
        if item_ids is not None:
            cond.append(claims_t.c.item_id.in_(list(item_ids)))
        return self._release(and_(*cond))

    def release_item(self, item_id: int) -> int:
        """A lead gives an item back to everyone, whoever holds it."""
        return self._release(claims_t.c.item_id == item_id)

    def _release(self, cond: Any) -> int:
        with self.write() as conn:
            gone = list(conn.execute(delete(claims_t).where(cond).returning(claims_t.c.item_id)).scalars())
            if gone:
                self.note(conn, Changes(items=frozenset(gone)))
        return len(gone)

    def reassign(self, item_id: int, reviewer: str, *, lease_s: int | None = None) -> None:
        """A lead hands an item to ``reviewer`` (a fresh lease), whoever held it."""
        lease = lease_s or self.lease_seconds()
        with self.write() as conn:
            conn.execute(self._lock_item(item_id))  # no desk claims it between the delete and the insert
            conn.execute(delete(claims_t).where(claims_t.c.item_id == item_id))
            row = select(items_t.c.id, literal(reviewer), self.now_sql(), self.later_sql(lease)).where(
                items_t.c.id == item_id
            )
            self._upsert(conn, row)
            self.note(conn, Changes(items=frozenset({item_id})))

    def claims(self, *, reviewer: str | None = None) -> list[Claim]:
        """Live claims (lease not run out), oldest first."""
        q = (
            select(claims_t.c.item_id, items_t.c.external_id, claims_t.c.reviewer, claims_t.c.claimed_at,
                   claims_t.c.expires_at)
            .join(items_t, items_t.c.id == claims_t.c.item_id)
            .order_by(claims_t.c.claimed_at, claims_t.c.item_id)
        )
        if reviewer is not None:
            q = q.where(claims_t.c.reviewer == reviewer)
        with self.read() as conn:
            q = q.where(claims_t.c.expires_at > self.now_sql())
            return [Claim(*r) for r in conn.execute(q)]

    # -- skips ----------------------------------------------------------------------------
    def reset_skips(self, item_id: int) -> int:
        """A lead lets everyone who skipped this item be handed it again."""
        with self.write() as conn:
            n = conn.execute(delete(skip_marks_t).where(skip_marks_t.c.item_id == item_id)).rowcount
            if n:
                self.note(conn, Changes(items=frozenset({item_id})))
        return int(n)

    def skipped_by(self, reviewer: str) -> set[int]:
        with self.read() as conn:
            return set(conn.execute(select(skip_marks_t.c.item_id).where(skip_marks_t.c.reviewer == reviewer)).scalars())
