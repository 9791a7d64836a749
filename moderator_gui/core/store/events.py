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

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import uuid4

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from moderator_gui.core.changes import Changes, ItemState
from moderator_gui.core.domain import DecisionInput, EventKind, EventRef, ItemStatus, derive_state, utcnow
from moderator_gui.core.policy import PolicyError
from moderator_gui.core.store.errors import ConflictError, InvalidDecisionError, NotFoundError
from moderator_gui.core.store.reviewers import ReviewersMixin
from moderator_gui.core.store.rows import RecordedEvent
from moderator_gui.core.store.tables import decisions_t, items_t, reviewers_t

#: Events per write transaction of a bulk history: big enough to be fast, small enough to show progress.
HISTORY_BATCH = 50_000
_IN_CHUNK = 5_000  # ids per IN (...) list: far below SQLite's limit on bound parameters


class Checked(NamedTuple):
    """An input that passed the checks that need no database, normalised (the written fields of
    its :class:`DecisionInput`, same names). A tuple, not keeping the input: a bulk history holds
    one per event until its batch is written, and fewer long-lived objects mean fewer full GCs."""

    item_id: int
    uuid: str
    kind: EventKind
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str  # stripped
    decided_at: datetime  # aware, UTC
    time_spent_ms: int | None
    reverts: str | None
    expected_head: str | None
    check_head: bool


def check_input(
    inp: DecisionInput, policy: Any, *, allow_revert: bool = False, valid: set[tuple[Any, ...]] | None = None
) -> Checked:
    """The checks every event passes before it reaches the database.

    ``valid``: the (category, actions, has a non-blank note) that passed the policy already, added
    to as they pass: the policy's verdict depends on nothing else, so a bulk history asks it once each.
    """
    kind = inp.kind
    if type(kind) is not EventKind:  # (calling the enum costs microseconds: a bulk history passes members)
        try:
            kind = EventKind(kind)
        except ValueError:
            raise InvalidDecisionError("invalid.kind", kind=inp.kind) from None
    if inp.time_spent_ms is not None and inp.time_spent_ms < 0:
        raise InvalidDecisionError("invalid.negative_time", ms=inp.time_spent_ms)
    if inp.decided_at is not None and inp.decided_at.tzinfo is None:
        raise InvalidDecisionError("invalid.naive_time")
    reviewer = inp.reviewer.strip()
    if not reviewer:
        raise InvalidDecisionError("invalid.reviewer_required")
    when = (inp.decided_at or utcnow()).astimezone(UTC)
    if kind == EventKind.REVERT:
        if not allow_revert:
            raise InvalidDecisionError("invalid.revert_via_record")
        if inp.reverts is None:
            raise InvalidDecisionError("invalid.revert_target", uuid=inp.uuid, target=None, item_id=inp.item_id)
        return Checked(inp.item_id, inp.uuid, kind, None, (), inp.note, reviewer, when, inp.time_spent_ms,
                       inp.reverts, inp.expected_head, inp.check_head)
    category = inp.category
    actions = tuple(inp.actions)
    if kind == EventKind.DECIDE and category is None:
        raise InvalidDecisionError("invalid.category_required")
    if kind != EventKind.DECIDE and category is not None:
        raise InvalidDecisionError("invalid.category_not_allowed", kind=kind.value)
    if kind == EventKind.ESCALATE and "escalate" not in actions and policy.has_action("escalate"):
        actions = actions + ("escalate",)
    key = (category, actions, bool(inp.note.strip())) if valid is not None else None
    if key is None or key not in valid:  # type: ignore[operator]
        try:
            policy.validate_decision(category, actions, inp.note)
        except PolicyError as exc:
            raise InvalidDecisionError(exc.msg) from None
        if key is not None:
            valid.add(key)  # type: ignore[union-attr]
    return Checked(inp.item_id, inp.uuid, kind, category, actions, inp.note, reviewer, when, inp.time_spent_ms,
                   inp.reverts, inp.expected_head, inp.check_head)


class _ItemEvents:
    """One item's events as the transaction sees them, and the rules for adding one."""

    __slots__ = ("item_id", "head", "refs")

    def __init__(self, item_id: int, head: str | None, refs: list[EventRef]) -> None:
        self.item_id = item_id
        self.head = head
        self.refs = refs

    def admit(self, c: Checked) -> tuple[str | None, ItemStatus]:
        """Check ``c`` against the item's events and take it in; returns (supersedes, new status)."""
        if c.check_head and c.kind != EventKind.REVERT and self.head != c.expected_head:
            raise ConflictError("conflict.undone_meanwhile" if self.head is None else "conflict.changed")
        if c.kind == EventKind.REVERT:
            target = next((r for r in self.refs if r.uuid == c.reverts), None)
            if target is None or target.kind == EventKind.REVERT:
                raise InvalidDecisionError("invalid.revert_target", uuid=c.uuid, target=c.reverts, item_id=self.item_id)
            if any(r.reverts == c.reverts for r in self.refs):
                raise ConflictError("conflict.already_undone")
        supersedes = None if c.kind == EventKind.REVERT else self.head
        self.refs.append(EventRef(uuid=c.uuid, kind=c.kind, reverts=c.reverts))
        status, self.head = derive_state(self.refs)
        return supersedes, status


@functools.lru_cache(maxsize=4096)
def _actions_json(actions: tuple[str, ...]) -> str:
    """How ``decisions.actions`` stores them (a JSON array); the same few tuples recur in a bulk history."""
    return json.dumps(list(actions))


def _row(c: Checked, reviewer_id: int, policy_version: str, supersedes: str | None) -> dict[str, Any]:
    return {
        "uuid": c.uuid,
        "item_id": c.item_id,
        "kind": c.kind.value,
        "category": c.category,
        "actions": _actions_json(c.actions),
        "note": c.note,
        "reviewer_id": reviewer_id,
        "decided_at": c.decided_at,
        "time_spent_ms": c.time_spent_ms,
        "policy_version": policy_version,
        "reverts": c.reverts,
        "supersedes": supersedes,
    }


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


_SET_STATE = (
    update(items_t)
    .where(items_t.c.id == bindparam("b_id"))
    .values(status=bindparam("b_status"), head_event=bindparam("b_head"))
)


class EventsMixin(ReviewersMixin):
    # -- one event ---------------------------------------------------------------------
    def record(self, inp: DecisionInput) -> RecordedEvent:
        """Append one event and commit. Returns only once the COMMIT succeeded.

        Idempotent on ``inp.uuid``: retrying a write whose acknowledgement was
        lost returns the event already stored instead of recording it twice.
        """
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
                events = _ItemEvents(c.item_id, item.head_event, self._item_refs(conn, [c.item_id])[c.item_id])
                try:
                    supersedes, status = events.admit(c)
                except ConflictError as exc:
                    if exc.code == "conflict.changed":
                        raise self._conflict(conn, events.head) from None
                    raise
                seq = conn.execute(
                    insert(decisions_t).values(**_row(c, rid, self.policy.version, supersedes)).returning(decisions_t.c.seq)
                ).scalar_one()
                conn.execute(_SET_STATE, {"b_id": c.item_id, "b_status": status.value, "b_head": events.head})
        except IntegrityError as exc:
            raise ConflictError("conflict.integrity", detail=str(exc.orig)) from exc
        self.publish(Changes.of_events([c.uuid], {c.item_id: ItemState(status.value, events.head)}))
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

    def _append_batch(self, batch: list[Checked]) -> int:
        """One transaction: the batch's items as committed (head and events, read again for every
        batch, so a write by anyone else between two batches is seen), the checks, the writes."""
        try:
            with self.write() as conn, _big_cache(conn):
                ids = sorted({c.item_id for c in batch})
                heads: dict[int, str | None] = {}
                for chunk in _chunks(ids):
                    q = select(items_t.c.id, items_t.c.head_event).where(items_t.c.id.in_(chunk))
                    heads.update((r.id, r.head_event) for r in conn.execute(q))
                missing = [i for i in ids if i not in heads]
                if missing:
                    raise NotFoundError("notfound.item", item_id=missing[0])
                refs = self._item_refs(conn, ids)
                states = {i: _ItemEvents(i, heads[i], refs[i]) for i in ids}
                rids = {name: self.reviewer_id(name, conn) for name in sorted({c.reviewer for c in batch})}
                version = self.policy.version
                rows = []
                touched: dict[int, ItemStatus] = {}
                for c in batch:
                    item = states[c.item_id]
                    supersedes, status = item.admit(c)
                    rows.append(_row(c, rids[c.reviewer], version, supersedes))
                    touched[item.item_id] = status
                conn.execute(insert(decisions_t), rows)
                conn.execute(
                    _SET_STATE,
                    [{"b_id": i, "b_status": s.value, "b_head": states[i].head} for i, s in touched.items()],
                )
        except IntegrityError as exc:
            raise ConflictError("conflict.integrity", detail=str(exc.orig)) from exc
        self.publish(
            Changes.of_events((c.uuid for c in batch), {i: ItemState(s.value, states[i].head) for i, s in touched.items()})
        )
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
        if changed:
            self.publish(
                Changes(
                    items=frozenset(c["b_id"] for c in changed),
                    states={c["b_id"]: ItemState(c["b_status"], c["b_head"]) for c in changed},
                )
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

