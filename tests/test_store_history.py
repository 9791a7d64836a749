"""Store.append_history: a bulk history passes the checks of every decision, batch by batch.

Runs on SQLite and on PostgreSQL (the ``store`` fixture).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import ConflictError, InvalidDecisionError, NotFoundError, Store
from moderator_gui.core.store.tables import decisions_t
from store_helpers import add_items, decision

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _at(k: int) -> datetime:
    return T0 + timedelta(minutes=k)


def _uuid(k: int) -> str:
    return f"00000000-0000-7000-8000-{k:012d}"


def _revert(item_id: int, target: str, k: int, reviewer: str = "alice") -> DecisionInput:
    return DecisionInput(item_id=item_id, kind=EventKind.REVERT, reviewer=reviewer, check_head=False,
                         uuid=_uuid(k), decided_at=_at(k), reverts=target)


def _events(store: Store) -> list[tuple]:
    with store.read() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(decisions_t.c.uuid, decisions_t.c.item_id, decisions_t.c.kind, decisions_t.c.actions,
                       decisions_t.c.supersedes, decisions_t.c.reverts).order_by(decisions_t.c.seq)
            )
        ]


def test_events_spanning_batches_are_checked_against_what_earlier_batches_wrote(store: Store) -> None:
    a, b = add_items(store, 2)
    history = [
        decision(a, uuid=_uuid(1), decided_at=_at(1)),
        DecisionInput(item_id=b, kind="skip", reviewer="bob", uuid=_uuid(2), decided_at=_at(2)),  # a plain string
        _revert(a, _uuid(1), 3),
        decision(a, "bob", expected_head=None, uuid=_uuid(4), decided_at=_at(4)),
        DecisionInput(item_id=b, kind=EventKind.ESCALATE, reviewer="bob", note="  lead please ", expected_head=_uuid(2),
                      uuid=_uuid(5), decided_at=_at(5)),
    ]
    progress: list[int] = []
    assert store.append_history(history, batch=2, progress=progress.append) == 5
    assert progress == [2, 4, 5]
    assert _events(store) == [
        (_uuid(1), a, "decide", '["remove_content", "warn"]', None, None),
        (_uuid(2), b, "skip", "[]", None, None),
        (_uuid(3), a, "revert", "[]", None, _uuid(1)),
        (_uuid(4), a, "decide", '["remove_content", "warn"]', None, None),
        (_uuid(5), b, "escalate", '["escalate"]', _uuid(2), None),  # the action an escalation always carries
    ]
    assert (store.item(a).status, store.item(a).head_event) == ("decided", _uuid(4))
    assert (store.item(b).status, store.item(b).head_event) == ("escalated", _uuid(5))
    assert store.rebuild_projection() == 0


def test_a_write_by_someone_else_between_two_batches_is_seen(store: Store) -> None:
    """Each batch reads its items as committed: a decision recorded meanwhile is a conflict, not overwritten."""
    (a,) = add_items(store, 1)
    history = [decision(a, uuid=_uuid(1), decided_at=_at(1)),
               decision(a, "bob", expected_head=_uuid(1), uuid=_uuid(2), decided_at=_at(2))]

    def meanwhile(done: int) -> None:
        if done == 1:
            store.record(decision(a, "carol", category="no_violation", actions=("no_action",), expected_head=_uuid(1)))

    with pytest.raises(ConflictError):
        store.append_history(history, batch=1, progress=meanwhile)
    assert next(e[0] for e in _events(store)) == _uuid(1) and len(_events(store)) == 2  # the history's first, carol's
    assert store.item(a).head_event != _uuid(2)
    assert store.rebuild_projection() == 0


def test_the_policy_is_asked_for_every_kind_of_decision_even_when_one_like_it_passed(store: Store) -> None:
    """A note is required for this category: the same category and actions with a blank note is refused."""
    a, b = add_items(store, 2)
    needs_note = {"category": "self_harm_csam", "actions": ("remove_content", "ban_account", "report_authorities")}
    history = [
        decision(a, note="reported", uuid=_uuid(1), decided_at=_at(1), **needs_note),  # type: ignore[arg-type]
        decision(b, note="   ", uuid=_uuid(2), decided_at=_at(2), **needs_note),  # type: ignore[arg-type]
    ]
    with pytest.raises(InvalidDecisionError) as info:
        store.append_history(history, batch=10)
    assert info.value.code == "policy.note_required"
    assert _events(store) == []  # the batch that broke a rule is not written
    with pytest.raises(InvalidDecisionError) as info:
        store.append_history([decision(a, category="cyberbullying", actions=("fly_away",), uuid=_uuid(3))])
    assert info.value.code == "policy.unknown_action"


@pytest.mark.parametrize(
    ("make", "error", "code"),
    [
        (lambda a: [decision(a, uuid=_uuid(1), decided_at=_at(1)), decision(a, "bob", uuid=_uuid(2), decided_at=_at(2))],
         ConflictError, "conflict.changed"),  # the second one says it saw no head
        (lambda a: [decision(a, uuid=_uuid(1), decided_at=_at(1)), _revert(a, _uuid(9), 2)],
         InvalidDecisionError, "invalid.revert_target"),
        (lambda a: [decision(a, uuid=_uuid(1), decided_at=_at(1)), _revert(a, _uuid(1), 2), _revert(a, _uuid(1), 3)],
         ConflictError, "conflict.already_undone"),
        (lambda a: [decision(a + 1000, uuid=_uuid(1), decided_at=_at(1))], NotFoundError, "notfound.item"),
        (lambda a: [DecisionInput(item_id=a, kind="approve", reviewer="alice", uuid=_uuid(1))],
         InvalidDecisionError, "invalid.kind"),
    ],
    ids=["stale-head", "revert-unknown", "undo-twice", "no-item", "bad-kind"],
)
def test_a_history_that_breaks_a_rule_is_refused(store: Store, make, error, code) -> None:  # type: ignore[no-untyped-def]
    (a,) = add_items(store, 1)
    with pytest.raises(error) as info:
        store.append_history(make(a), batch=10)
    assert info.value.code == code
    assert _events(store) == []
    assert store.item(a).status == "pending"
