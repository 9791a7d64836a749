"""Recording decision events: the only code that writes ``decisions`` and the item projection.

One set of rules for every path — a reviewer's decision (:meth:`EventsMixin.record`),
an undo (:meth:`EventsMixin.revert`) and a bulk history (:meth:`EventsMixin.append_history`):

* the input is valid (:func:`check_input`: kind, times, reviewer, category/actions
  by the policy, a required note);
* the item exists; the head event is the one the writer saw (``expected_head``),
  else ``ConflictError`` and nothing is written;
* a revert undoes an earlier, not yet undone, non-revert event of the same item;
* the item's ``status`` / ``head_event`` projection is derived from its events
  (``domain.derive_state``) in the same transaction;
* after the COMMIT, the change is published (``Changes``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import BigInteger, Boolean, Connection, Integer, String, bindparam, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from moderator_gui.core.changes import Changes, ItemState
from moderator_gui.core.domain import DecisionInput, EventKind, EventRef, ItemStatus, derive_state, utcnow
from moderator_gui.core.store.errors import ConflictError, InvalidDecisionError, NotFoundError
from moderator_gui.core.store.event_rules import Checked, ItemEvents, after_event, check_input, event_row, live_holders
from moderator_gui.core.store.models import UtcDateTime
from moderator_gui.core.store.reviewers import ReviewersMixin
from moderator_gui.core.store.rows import RecordedEvent
from moderator_gui.core.store.tables import conflicts_t, decisions_t, items_t, reviewers_t

# Refusals of a decision whose writer could not know better (cut off, lease run out): kept for a lead.
_KEPT = frozenset({"conflict.changed_by", "conflict.changed", "conflict.undone_meanwhile", "claim.held_by"})

#: Events per write transaction of a bulk history: big enough to be fast, small enough to show progress.
HISTORY_BATCH = 50_000
_IN_CHUNK = 5_000  # ids per IN (...) list: far below SQLite's limit on bound parameters


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


_SET_STATE = (
    update(items_t)
    .where(items_t.c.id == bindparam("b_id"))
    .values(status=bindparam("b_status"), head_event=bindparam("b_head"))
)


# record() on PostgreSQL (EventsMixin._append_pg): the item as committed, in one statement...
_SEEN_PG = text("""
SELECT items.head_event, items.xmin::text AS version,
       (SELECT reviewers.id FROM reviewers WHERE reviewers.name = :reviewer) AS reviewer_id,
       (SELECT json_agg(json_build_array(d.uuid, d.kind, d.reverts) ORDER BY d.seq)
          FROM decisions d WHERE d.item_id = items.id) AS refs,
       claims.reviewer AS holder, claims.expires_at AS until,
       EXISTS (SELECT 1 FROM decisions d WHERE d.uuid = :uuid) AS known
  FROM items LEFT OUTER JOIN claims ON claims.item_id = items.id AND claims.expires_at > now()
 WHERE items.id = :item_id
""").columns(until=UtcDateTime())
# ...then the event written only if the item row is still the version read (``xmin``: every event
# updates the row, through the projection trigger), with its bookkeeping (after_event): one
# statement, its own transaction. The row lock (FOR UPDATE) waits for a writer of the item in
# progress, and PostgreSQL then checks the condition against the row it committed.
_APPEND_PG_SQL = """
WITH it AS (
    SELECT items.id FROM items WHERE items.id = :item_id AND items.xmin::text = :version FOR UPDATE
), ev AS (
    INSERT INTO decisions (uuid, item_id, kind, category, actions, note, reviewer_id, decided_at,
                           time_spent_ms, policy_version, reverts, supersedes)
    SELECT :uuid, it.id, :kind, :category, :actions, :note, :reviewer_id, :decided_at,
           :time_spent_ms, :policy_version, :reverts, :supersedes
      FROM it
    RETURNING decisions.seq, decisions.item_id
), released AS (
    DELETE FROM claims USING ev
     WHERE :release AND claims.item_id = ev.item_id AND claims.reviewer = :reviewer
), skipped AS (
    INSERT INTO skip_marks (item_id, reviewer, skipped_at)
    SELECT ev.item_id, :reviewer, :decided_at FROM ev WHERE :skip
        ON CONFLICT (item_id, reviewer) DO NOTHING
){unskip}
SELECT ev.seq FROM ev
"""
# Undoing one's own skip also removes its skip mark (a DELETE on skip_marks: only there, as a
# reviewer's login may not delete them and the right is checked even for a statement that would not).
_UNSKIP_PG_SQL = """, unskipped AS (
    DELETE FROM skip_marks USING ev WHERE skip_marks.item_id = ev.item_id AND skip_marks.reviewer = :reviewer
)"""
_APPEND_PG, _APPEND_UNSKIP_PG = (
    text(_APPEND_PG_SQL.format(unskip=unskip)).bindparams(
        *(bindparam(n, type_=String()) for n in ("uuid", "kind", "category", "actions", "note", "policy_version",
                                                  "reverts", "supersedes", "reviewer", "version")),
        *(bindparam(n, type_=BigInteger()) for n in ("item_id", "reviewer_id")),
        bindparam("time_spent_ms", type_=Integer()),
        bindparam("decided_at", type_=UtcDateTime()),
        *(bindparam(n, type_=Boolean()) for n in ("release", "skip")),
    )
    for unskip in ("", _UNSKIP_PG_SQL)
)


class EventsMixin(ReviewersMixin):
    # -- one event ---------------------------------------------------------------------
    def record(self, inp: DecisionInput) -> RecordedEvent:
        """Append one event and commit. Returns only once the COMMIT succeeded.

        Idempotent on ``inp.uuid``: retrying a write whose acknowledgement was
        lost returns the event already stored instead of recording it twice.

        A decision or escalation refused because someone else changed or holds the
        item (a desk cut off past its lease) is never dropped: it is kept in
        ``conflicts`` for a lead to adjudicate, and ``ConflictError("conflict.kept")`` says so.
        """
        c = check_input(inp, self.policy)
        try:
            return self._append(c)
        except ConflictError as exc:
            if c.kind in (EventKind.DECIDE, EventKind.ESCALATE) and exc.code in _KEPT:
                self.keep_conflict(c, exc)
                raise type(exc)("conflict.kept", reason=exc.msg) from exc
            raise

    def record_as_is(self, inp: DecisionInput) -> RecordedEvent:
        """Like :meth:`record`, but a refusal is only raised, never kept as a conflict
        (a lead adjudicating: there is no one above to keep it for)."""
        return self._append(check_input(inp, self.policy))

    def revert(
        self, event_uuid: str, reviewer: str, note: str = "", *, uuid: str | None = None, decided_at: datetime | None = None
    ) -> RecordedEvent:
        """Undo an event by appending a revert event. The item's state is derived anew.

        ``decided_at``: when the reviewer undid it (an undo saved late keeps its time); now if None.
        """
        if decided_at is not None and decided_at.tzinfo is None:
            raise InvalidDecisionError("invalid.naive_time")
        with self.read() as conn:
            target = conn.execute(
                select(decisions_t.c.item_id, decisions_t.c.kind).where(decisions_t.c.uuid == event_uuid)
            ).first()
        if target is None:
            raise NotFoundError("notfound.event", uuid=event_uuid)
        if target.kind == EventKind.REVERT:
            raise InvalidDecisionError("invalid.undo_an_undo")
        inp = DecisionInput(
            item_id=target.item_id,
            kind=EventKind.REVERT,
            reviewer=reviewer,
            note=note,
            check_head=False,
            uuid=uuid or str(uuid4()),
            decided_at=decided_at,
            reverts=event_uuid,
        )
        return self._append(check_input(inp, self.policy, allow_revert=True))

    def _append(self, c: Checked) -> RecordedEvent:
        if self.dialect == "postgresql":
            done = self._append_pg(c)
            if done is not None:
                return done
        try:
            with self.write() as conn:
                # Lock the item row first (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE
                # already serialises writers), so that the checks below see every event
                # committed before us and two instances cannot both pass the head check.
                item = conn.execute(
                    select(items_t.c.id, items_t.c.head_event).where(items_t.c.id == c.item_id).with_for_update()
                ).first()
                existing = self._event_by_uuid(conn, c.uuid)
                if existing is not None:
                    return existing  # an earlier attempt of this very write committed
                if item is None:
                    raise NotFoundError("notfound.item", item_id=c.item_id)
                rid = self.reviewer_id(c.reviewer, conn)
                holder = live_holders(conn, [c.item_id], self.now_sql()).get(c.item_id)
                refs = self._item_refs(conn, [c.item_id])[c.item_id]
                events, supersedes, status, target = self._admit(conn, c, item.head_event, refs, holder)
                seq = conn.execute(
                    insert(decisions_t).values(**event_row(c, rid, self.policy.version, supersedes)).returning(decisions_t.c.seq)
                ).scalar_one()
                if self.projects_in_python:
                    conn.execute(_SET_STATE, {"b_id": c.item_id, "b_status": status.value, "b_head": events.head})
                after_event(conn, [(c, target)])
                self.note(conn, Changes.of_events([c.uuid], {c.item_id: ItemState(status.value, events.head)}))
        except IntegrityError as exc:
            raise ConflictError("conflict.integrity", detail=str(exc.orig)) from exc
        return RecordedEvent(
            seq=seq,
            uuid=c.uuid,
            item_id=c.item_id,
            kind=c.kind,
            category=c.category,
            actions=c.actions,
            note=c.note,
            reviewer=c.reviewer,
            decided_at=c.decided_at,
            time_spent_ms=c.time_spent_ms,
            policy_version=self.policy.version,
            reverts=c.reverts,
            supersedes=supersedes,
            item_status=status,
        )

    def _append_pg(self, c: Checked) -> RecordedEvent | None:
        """:meth:`_append` in two round trips on PostgreSQL, no BEGIN or COMMIT apart: the item as
        committed (one read), the checks, then the write (one statement, its own transaction) on
        condition that the item has not changed since. None: something to do the careful way
        (a retried write, a new reviewer, no such item, the item changed meanwhile, a duplicate
        uuid): the caller then does, all in one transaction behind the item's row lock."""
        with self.autocommit() as conn:
            seen = conn.execute(_SEEN_PG, {"item_id": c.item_id, "uuid": c.uuid, "reviewer": c.reviewer}).first()
            if seen is None or seen.known or seen.reviewer_id is None:
                return None
            refs = [EventRef(uuid=u, kind=EventKind(k), reverts=r) for u, k, r in seen.refs or ()]
            holder = (seen.holder, seen.until) if seen.holder is not None else None
            events, supersedes, status, target = self._admit(conn, c, seen.head_event, refs, holder)
            row = event_row(c, seen.reviewer_id, self.policy.version, supersedes)
            row.update(version=seen.version, reviewer=c.reviewer, release=c.kind != EventKind.REVERT,
                       skip=c.kind == EventKind.SKIP)  # fmt: skip
            try:
                seq = conn.execute(_APPEND_UNSKIP_PG if target == EventKind.SKIP else _APPEND_PG, row).scalar()
            except IntegrityError:
                return None  # an earlier attempt of this write committed meanwhile (its uuid): see it
            if seq is None:
                return None  # the item changed since it was read
            self.note(conn, Changes.of_events([c.uuid], {c.item_id: ItemState(status.value, events.head)}))
        return RecordedEvent(
            seq=seq, uuid=c.uuid, item_id=c.item_id, kind=c.kind, category=c.category, actions=c.actions,
            note=c.note, reviewer=c.reviewer, decided_at=c.decided_at, time_spent_ms=c.time_spent_ms,
            policy_version=self.policy.version, reverts=c.reverts, supersedes=supersedes, item_status=status,
        )  # fmt: skip

    def _admit(
        self, conn: Connection, c: Checked, head: str | None, refs: list[EventRef], holder: tuple[str, datetime] | None
    ) -> tuple[ItemEvents, str | None, ItemStatus, EventKind | None]:
        """The rules on the item as it stands: (its events, the head superseded, the new status,
        the kind of the event reverted). A change since the writer looked says by whom."""
        events = ItemEvents(c.item_id, head, refs, holder)
        target = next((r.kind for r in refs if r.uuid == c.reverts), None)
        try:
            supersedes, status = events.admit(c)
        except ConflictError as exc:
            if exc.code == "conflict.changed":
                raise self._conflict(conn, events.head) from None
            raise
        return events, supersedes, status, target

    def keep_conflict(self, c: Checked, exc: ConflictError) -> None:
        """Keep a refused late decision for a lead (idempotent on its uuid: a retry keeps it once)."""
        with self.write() as conn:
            head = conn.execute(select(items_t.c.head_event).where(items_t.c.id == c.item_id)).scalar()
            ins = pg_insert(conflicts_t) if self.dialect == "postgresql" else sqlite_insert(conflicts_t)
            conn.execute(
                ins.values(
                    uuid=c.uuid, item_id=c.item_id, kind=c.kind.value, category=c.category,
                    actions=json.dumps(list(c.actions)), note=c.note, reviewer=c.reviewer, decided_at=c.decided_at,
                    time_spent_ms=c.time_spent_ms, expected_head=c.expected_head, found_head=head, kept_at=utcnow(),
                ).on_conflict_do_nothing(index_elements=["uuid"])
            )  # fmt: skip
            self.note(conn, Changes(items=frozenset({c.item_id})))

    def _conflict(self, conn: Connection, head: str | None) -> ConflictError:
        row = conn.execute(
            select(decisions_t.c.kind, decisions_t.c.decided_at, reviewers_t.c.name)
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .where(decisions_t.c.uuid == head)
        ).first()
        if row is None:
            return ConflictError("conflict.changed")
        return ConflictError("conflict.changed_by", reviewer=row.name, kind=row.kind, when=f"{row.decided_at:%Y-%m-%d %H:%M}")

    def _event_by_uuid(self, conn: Connection, uuid: str) -> RecordedEvent | None:
        row = conn.execute(
            select(decisions_t, reviewers_t.c.name.label("reviewer"), items_t.c.status)
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .join(items_t, items_t.c.id == decisions_t.c.item_id)
            .where(decisions_t.c.uuid == uuid)
        ).first()
        if row is None:
            return None
        return RecordedEvent(
            seq=row.seq,
            uuid=row.uuid,
            item_id=row.item_id,
            kind=EventKind(row.kind),
            category=row.category,
            actions=tuple(json.loads(row.actions)),
            note=row.note,
            reviewer=row.reviewer,
            decided_at=row.decided_at,
            time_spent_ms=row.time_spent_ms,
            policy_version=row.policy_version,
            reverts=row.reverts,
            supersedes=row.supersedes,
            item_status=ItemStatus(row.status),
        )

    @staticmethod
    def _item_refs(conn: Connection, item_ids: Sequence[int]) -> dict[int, list[EventRef]]:
        """The events of these items, in order (empty lists for items without any)."""
        found: dict[int, list[EventRef]] = {i: [] for i in item_ids}
        for chunk in _chunks(item_ids):
            q = (
                select(decisions_t.c.item_id, decisions_t.c.uuid, decisions_t.c.kind, decisions_t.c.reverts)
                .where(decisions_t.c.item_id.in_(chunk))
                .order_by(decisions_t.c.item_id, decisions_t.c.seq)
            )
            for r in conn.execute(q):
                found[r.item_id].append(EventRef(uuid=r.uuid, kind=EventKind(r.kind), reverts=r.reverts))
        return found

    # -- many events -------------------------------------------------------------------------
    def append_history(
        self, events: Iterable[DecisionInput], *, batch: int = HISTORY_BATCH, progress: Any = None
    ) -> int:
        """Append past events (imports of history, the demo) under the same rules as :meth:`record`.

        ``events`` in the order they happened (reverts name their target in ``reverts``;
        ``check_head`` events must name the head they follow in ``expected_head``).
        Written ``batch`` events per transaction, each together with the projection
        of the items it touched; a batch that breaks a rule is not written (nor are
        the ones after it) and raises. ``progress(done)`` after each batch.
        Returns the number of events written.
        """
        done = 0
        pending: list[Checked] = []
        valid: set[tuple[Any, ...]] = set()
        for inp in events:
            pending.append(check_input(inp, self.policy, allow_revert=True, valid=valid))
            if len(pending) >= batch:
                done += self._append_batch(pending)
                pending = []
                if progress is not None:
                    progress(done)
        if pending:
            done += self._append_batch(pending)
            if progress is not None:
                progress(done)
        return done

    def _append_batch(self, batch: list[Checked], *, lock: bool = False) -> int:
        """One transaction: the batch's items as committed (head, events and claims, read again
        for every batch, so a write by anyone else between two batches is seen), the checks, the writes.

        ``lock``: lock the items' rows first, in id order (a desk's batch racing other desks)."""
        try:
            with self.write() as conn, _big_cache(conn):
                if self.dialect == "postgresql":
                    # A lead importing a history may record it under its reviewers' names
                    # (team_sql.py); for anyone else the server ignores this.
                    conn.exec_driver_sql("SET LOCAL moderator.history_import = 'on'")
                ids = sorted({c.item_id for c in batch})
                heads: dict[int, str | None] = {}
                for chunk in _chunks(ids):
                    q = select(items_t.c.id, items_t.c.head_event).where(items_t.c.id.in_(chunk))
                    if lock:
                        q = q.order_by(items_t.c.id).with_for_update()
                    heads.update((r.id, r.head_event) for r in conn.execute(q))
                missing = [i for i in ids if i not in heads]
                if missing:
                    raise NotFoundError("notfound.item", item_id=missing[0])
                refs = self._item_refs(conn, ids)
                holders = live_holders(conn, ids, self.now_sql())
                states = {i: ItemEvents(i, heads[i], refs[i], holders.get(i)) for i in ids}
                rids = {name: self.reviewer_id(name, conn) for name in sorted({c.reviewer for c in batch})}
                version = self.policy.version
                rows = []
                done: list[tuple[Checked, EventKind | None]] = []
                touched: dict[int, ItemStatus] = {}
                for c in batch:
                    item = states[c.item_id]
                    target = next((r.kind for r in item.refs if r.uuid == c.reverts), None) if c.reverts else None
                    supersedes, status = item.admit(c)
                    rows.append(event_row(c, rids[c.reviewer], version, supersedes))
                    done.append((c, target))
                    touched[item.item_id] = status
                conn.execute(insert(decisions_t), rows)
                after_event(conn, done)
                if self.projects_in_python:
                    conn.execute(
                        _SET_STATE,
                        [{"b_id": i, "b_status": s.value, "b_head": states[i].head} for i, s in touched.items()],
                    )
                final = {i: ItemState(s.value, states[i].head) for i, s in touched.items()}
                self.note(conn, Changes.of_events((c.uuid for c in batch), final))
        except IntegrityError as exc:
            raise ConflictError("conflict.integrity", detail=str(exc.orig)) from exc
        return len(batch)

    # -- maintenance -----------------------------------------------------------------------------
    def rebuild_projection(self) -> int:
        """Recompute every item's status from its events. Returns the number of items changed.

        One ordered pass over items and one over events, merged by item id (the
        per-item query this replaces took minutes on a million events).
        """
        changed: list[dict[str, Any]] = []
        with self.write() as conn:
            stream = {"stream_results": True, "yield_per": 10_000}
            items = conn.execute(
                select(items_t.c.id, items_t.c.status, items_t.c.head_event)
                .order_by(items_t.c.id)
                .execution_options(**stream)
            )
            events = iter(
                conn.execute(
                    select(decisions_t.c.item_id, decisions_t.c.uuid, decisions_t.c.kind, decisions_t.c.reverts)
                    .order_by(decisions_t.c.item_id, decisions_t.c.seq)
                    .execution_options(**stream)
                )
            )
            ev = next(events, None)
            for item in items:
                refs: list[EventRef] = []
                while ev is not None and ev.item_id <= item.id:
                    if ev.item_id == item.id:
                        refs.append(EventRef(uuid=ev.uuid, kind=EventKind(ev.kind), reverts=ev.reverts))
                    ev = next(events, None)
                status, head = derive_state(refs)
                if (item.status, item.head_event) != (status.value, head):
                    changed.append({"b_id": item.id, "b_status": status.value, "b_head": head})
            if changed:
                conn.execute(_SET_STATE, changed)
                self.note(
                    conn,
                    Changes(
                        items=frozenset(c["b_id"] for c in changed),
                        states={c["b_id"]: ItemState(c["b_status"], c["b_head"]) for c in changed},
                    ),
                )
        return len(changed)


@contextmanager
def _big_cache(conn: Connection) -> Iterator[None]:
    """A 256 MB SQLite page cache for one bulk transaction, then the connection's own size again.

    Why: with the default 2 MB cache, a big batch keeps evicting and re-reading the
    same index pages; the pooled connection must not keep the big cache afterwards.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-256 * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")

