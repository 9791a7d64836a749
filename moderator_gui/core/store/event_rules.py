"""The rules every decision event obeys, whichever path writes it (one, or a bulk history).

:func:`check_input` needs no database (kind, times, reviewer, category and actions by
the policy, a required note). :class:`ItemEvents` holds one item's events as the
write transaction sees them and admits a new one only if the head is the one its
writer saw, no one else holds a live claim on the item, and an undo undoes an
earlier, not yet undone event of that item. :func:`after_event` does the bookkeeping
in the same transaction: the writer's claim on the item goes, a skip leaves a skip mark.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from moderator_gui.core.domain import DecisionInput, EventKind, EventRef, ItemStatus, derive_state, utcnow
from moderator_gui.core.policy import PolicyError
from moderator_gui.core.store.errors import ClaimedError, ConflictError, InvalidDecisionError
from moderator_gui.core.store.tables import claims_t, skip_marks_t

_IN_CHUNK = 5_000


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
                       inp.reverts, inp.expected_head, inp.check_head)  # fmt: skip
    category = inp.category
    actions = tuple(inp.actions)
    if kind == EventKind.DECIDE and category is None:
        raise InvalidDecisionError("invalid.category_required")
    if kind != EventKind.DECIDE and category is not None:
        raise InvalidDecisionError("invalid.category_not_allowed", kind=kind.value)
    if kind == EventKind.ESCALATE and "escalate" not in actions and policy.has_action("escalate"):
        actions = (*actions, "escalate")
    key = (category, actions, bool(inp.note.strip()))
    if valid is None or key not in valid:
        try:
            policy.validate_decision(category, actions, inp.note)
        except PolicyError as exc:
            raise InvalidDecisionError(exc.msg) from None
        if valid is not None:
            valid.add(key)
    return Checked(inp.item_id, inp.uuid, kind, category, actions, inp.note, reviewer, when, inp.time_spent_ms,
                   inp.reverts, inp.expected_head, inp.check_head)  # fmt: skip


class ItemEvents:
    """One item's events as the transaction sees them, and the rules for adding one."""

    __slots__ = ("head", "holder", "item_id", "refs")

    def __init__(
        self, item_id: int, head: str | None, refs: list[EventRef], holder: tuple[str, datetime] | None = None
    ) -> None:
        self.item_id = item_id
        self.head = head
        self.refs = refs
        self.holder = holder  # (reviewer, until) of a live claim on the item, if any

    def admit(self, c: Checked) -> tuple[str | None, ItemStatus]:
        """Check ``c`` against the item's events and take it in; returns (supersedes, new status)."""
        if self.holder is not None and self.holder[0] != c.reviewer and c.kind != EventKind.REVERT:
            who, until = self.holder
            raise ClaimedError("claim.held_by", reviewer=who, until=f"{until.astimezone(UTC):%Y-%m-%d %H:%M:%S}")
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


@lru_cache(maxsize=4096)
def _actions_json(actions: tuple[str, ...]) -> str:
    return json.dumps(list(actions))


def event_row(c: Checked, reviewer_id: int, policy_version: str, supersedes: str | None) -> dict[str, Any]:
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


def _chunks(values: Sequence[int]) -> Any:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def live_holders(conn: Connection, item_ids: Sequence[int], now: Any) -> dict[int, tuple[str, datetime]]:
    """Who holds a live claim on these items (``now``: the database's time), and until when."""
    found: dict[int, tuple[str, datetime]] = {}
    for chunk in _chunks(item_ids):
        q = select(claims_t.c.item_id, claims_t.c.reviewer, claims_t.c.expires_at).where(
            claims_t.c.item_id.in_(chunk), claims_t.c.expires_at > now
        )
        found.update((r.item_id, (r.reviewer, r.expires_at)) for r in conn.execute(q))
    return found


def after_event(conn: Connection, events: Sequence[tuple[Checked, EventKind | None]]) -> None:
    """In the event's transaction: deciding, skipping or escalating gives the writer's claim on
    the item back; a skip leaves a skip mark (not handed to that reviewer again); undoing
    one's own skip removes it. ``events``: (event, kind of the event it reverts, for reverts)."""
    done = [{"i": c.item_id, "r": c.reviewer} for c, _ in events if c.kind != EventKind.REVERT]
    if done:
        conn.execute(
            delete(claims_t).where(claims_t.c.item_id == bindparam("i"), claims_t.c.reviewer == bindparam("r")), done
        )
    skips = [{"item_id": c.item_id, "reviewer": c.reviewer, "skipped_at": c.decided_at}
             for c, _ in events if c.kind == EventKind.SKIP]  # fmt: skip
    if skips:
        ins = pg_insert(skip_marks_t) if conn.dialect.name == "postgresql" else sqlite_insert(skip_marks_t)
        conn.execute(ins.on_conflict_do_nothing(index_elements=["item_id", "reviewer"]), skips)
    unskip = [{"i": c.item_id, "r": c.reviewer} for c, target in events if target == EventKind.SKIP]
    if unskip:
        conn.execute(
            delete(skip_marks_t).where(skip_marks_t.c.item_id == bindparam("i"), skip_marks_t.c.reviewer == bindparam("r")),
            unskip,
        )
