"""Claims through the store, on a real SQLite file and the real PostgreSQL server: never two
holders, leases that run out, skips not handed back, late decisions kept for a lead."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from factories import make_item, record
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import ClaimedError, ConflictError, Store
from moderator_gui.core.store.tables import claims_t, conflicts_t

LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def items(store: Store, n: int) -> list[int]:
    """n pending items whose queue order is their creation order (descending priority)."""
    return [make_item(store, priority=1000 - i) for i in range(n)]


def expire(store: Store, item_id: int) -> None:
    """The lease of this item ran out (as if its desk had been gone for longer than the lease)."""
    with store.write() as conn:
        conn.execute(update(claims_t).where(claims_t.c.item_id == item_id).values(expires_at=LONG_AGO))


def test_two_reviewers_get_different_items_in_queue_order(store: Store) -> None:
    ids = items(store, 8)
    assert store.claim_next("alice", 3) == ids[:3]
    assert store.claim_next("bob", 3) == ids[3:6]
    assert store.claim_next("alice", 3) == ids[:3]  # the same ones again, renewed
    held = {c.item_id: c.reviewer for c in store.claims()}
    assert held == {**dict.fromkeys(ids[:3], "alice"), **dict.fromkeys(ids[3:6], "bob")}
    assert {c.external_id for c in store.claims(reviewer="bob")} == {store.item(i).external_id for i in ids[3:6]}


def test_deciding_skipping_and_escalating_give_the_claim_back(store: Store) -> None:
    a, b, c, d = items(store, 4)
    assert store.claim_next("alice", 4) == [a, b, c, d]
    record(store, a, category="no_violation", reviewer="alice")
    record(store, b, EventKind.SKIP, reviewer="alice")
    record(store, c, EventKind.ESCALATE, reviewer="alice", note="lead please")
    assert [cl.item_id for cl in store.claims()] == [d]


def test_a_decision_on_an_item_someone_else_holds_is_refused_and_kept(store: Store) -> None:
    (a,) = items(store, 1)
    store.claim_next("bob", 1)
    late = DecisionInput(item_id=a, kind=EventKind.DECIDE, reviewer="alice", category="no_violation")
    with pytest.raises(ClaimedError) as caught:
        store.record(late)
    assert caught.value.code == "conflict.kept"
    assert "bob is working on this item" in caught.value.message and "kept for a team lead" in caught.value.message
    assert store.item(a).status == "pending"  # nothing recorded
    with pytest.raises(ClaimedError):
        store.record(late)  # the same write retried: kept once
    with store.read() as conn:
        kept = conn.execute(select(conflicts_t.c.uuid, conflicts_t.c.reviewer, conflicts_t.c.found_head)).all()
    assert kept == [(late.uuid, "alice", None)]


def test_a_skip_is_never_refused_for_a_claim_of_another_but_is_not_kept_either(store: Store) -> None:
    (a,) = items(store, 1)
    store.claim_next("bob", 1)
    with pytest.raises(ClaimedError) as caught:
        store.record(DecisionInput(item_id=a, kind=EventKind.SKIP, reviewer="alice"))
    assert caught.value.code == "claim.held_by"  # refused, and a late skip is worth nothing to a lead
    with store.read() as conn:
        assert conn.execute(select(conflicts_t.c.uuid)).all() == []


def test_a_lease_that_ran_out_returns_the_item_to_everyone(store: Store) -> None:
    a, b = items(store, 2)
    assert store.claim_next("alice", 1) == [a]
    expire(store, a)
    assert store.claims() == []
    assert store.claim_next("bob", 1) == [a]  # taken over
    record(store, a, category="no_violation", reviewer="bob")
    # alice's desk comes back and decides it too: kept as a conflict, never applied.
    with pytest.raises(ConflictError) as caught:
        store.record(DecisionInput(item_id=a, kind=EventKind.DECIDE, reviewer="alice", category="cyberbullying"))
    assert caught.value.code == "conflict.kept" and "changed by bob" in caught.value.message
    assert store.item_history(a)[0].reviewer == "bob"
    assert b not in {c.item_id for c in store.claims()}


def test_a_skipped_item_is_not_handed_back_to_who_skipped_it_until_a_lead_resets_it(store: Store) -> None:
    a, b = items(store, 2)
    assert store.claim_next("alice", 1) == [a]
    skip = record(store, a, EventKind.SKIP, reviewer="alice")
    assert store.claim_next("alice", 1) == [b]
    assert store.claim_next("bob", 1) == [a]  # others still get it
    store.release_claims("bob")
    assert store.skipped_by("alice") == {a}
    assert store.reset_skips(a) == 1
    store.release_claims("alice")
    assert store.claim_next("alice", 1) == [a]
    # Undoing one's own skip removes the mark too.
    store.release_claims("alice")
    record(store, b, EventKind.SKIP, reviewer="alice")
    assert store.skipped_by("alice") == {b}
    last = store.item_history(b)[0]
    store.revert(last.uuid, "alice")
    assert store.skipped_by("alice") == set()
    assert skip.uuid


def test_releasing_and_reassigning(store: Store) -> None:
    a, b, c = items(store, 3)
    store.claim_next("alice", 2)
    store.claim_next("bob", 1)
    assert store.release_claims("alice", [a]) == 1
    assert store.release_item(c) == 1
    store.reassign(b, "carol")
    assert [(cl.item_id, cl.reviewer) for cl in store.claims()] == [(b, "carol")]
    assert store.release_claims("carol") == 1 and store.claims() == []


def test_heartbeat_renews_only_live_claims(store: Store) -> None:
    a, b = items(store, 2)
    store.claim_next("alice", 2, lease_s=60)
    expire(store, b)
    before = {c.item_id: c.expires_at for c in store.claims()}
    time.sleep(0.01)
    assert store.renew_claims("alice", lease_s=600) == 1
    after = {c.item_id: c.expires_at for c in store.claims()}
    assert list(after) == [a] and after[a] > before[a] + timedelta(seconds=300)


def test_the_decision_of_the_holder_goes_through(store: Store) -> None:
    (a,) = items(store, 1)
    store.claim_next("alice", 1)
    ev = record(store, a, category="no_violation", reviewer="alice")
    assert ev.item_status == "decided" and store.claims() == []


def test_claiming_one_item_answers_whether_it_is_ours_now(store: Store) -> None:
    a, b = items(store, 2)
    assert store.claim("alice", a) is True
    assert store.claim("bob", a) is False  # alice holds it
    assert store.claim("alice", a) is True  # hers: renewed
    assert store.claim_next("bob", 1) == [b]
    expire(store, a)
    assert store.claim("bob", a) is True  # her lease ran out
    assert {c.item_id: c.reviewer for c in store.claims()} == {a: "bob", b: "bob"}
    assert store.claim("alice", 10_000_000) is False  # no such item


@pytest.mark.postgres
def test_in_a_team_an_item_someone_else_holds_is_not_claimed_and_no_error() -> None:
    """Row-level security raises (not skips) when an upsert meets another reviewer's live claim:
    claiming must never let it meet one."""
    from factories import item_values
    from team_helpers import team_database

    with team_database({"alice": "reviewer", "bob": "reviewer"}) as team:
        with team.store() as owner:
            a, b = owner.add_items([item_values(external_id=f"held-{i}", priority=10 - i) for i in range(2)])
        alice, bob = team.login("alice"), team.login("bob")
        with team.store("alice") as a_store, team.store("bob") as b_store:
            assert b_store.claim_next(bob, 1) == [a]
            assert a_store.claim(alice, a) is False
            assert a_store.claim_next(alice, 2) == [b]
            assert b_store.claim(bob, b) is False
            assert {c.item_id: c.reviewer for c in a_store.claims()} == {a: bob, b: alice}
