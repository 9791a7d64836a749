"""Change events: every committed write of the store says what it changed; a refused write says nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from factories import T0, item_values, make_item, record
from moderator_gui.core.changes import ChangeHub, Changes, ItemState, Origin
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import ConflictError, InvalidDecisionError, Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "changes.sqlite3")
    yield s
    s.close()


@pytest.fixture
def seen(store: Store) -> Iterator[list[Changes]]:
    got: list[Changes] = []
    unsubscribe = store.changes.subscribe(got.append)
    yield got
    unsubscribe()


def test_a_decision_publishes_its_event_and_the_items_new_state(store: Store, seen: list[Changes]) -> None:
    item = make_item(store)
    ev = record(store, item, category="cyberbullying")
    assert len(seen) == 1
    ch = seen[0]
    assert ch.events == (ev.uuid,)
    assert ch.items == frozenset({item})
    assert ch.states[item] == ItemState("decided", ev.uuid)
    assert ch.origin == Origin.LOCAL and not ch.added and not ch.media and not ch.everything


def test_an_undo_publishes_the_state_derived_again(store: Store, seen: list[Changes]) -> None:
    item = make_item(store)
    ev = record(store, item, category="cyberbullying")
    undo = store.revert(ev.uuid, "alice")
    assert seen[-1].events == (undo.uuid,)
    assert seen[-1].states[item] == ItemState("pending", None)


def test_refused_writes_publish_nothing(store: Store, seen: list[Changes]) -> None:
    item = make_item(store)
    record(store, item, category="cyberbullying")
    seen.clear()
    with pytest.raises(ConflictError):
        store.record(DecisionInput(item_id=item, kind=EventKind.SKIP, reviewer="bob", expected_head=None))
    with pytest.raises(InvalidDecisionError):
        store.record(DecisionInput(item_id=item, kind=EventKind.DECIDE, reviewer="bob", category="no_such"))
    assert seen == []


def test_a_retried_write_that_had_committed_publishes_nothing_new(store: Store, seen: list[Changes]) -> None:
    item = make_item(store)
    inp = DecisionInput(item_id=item, kind=EventKind.SKIP, reviewer="alice")
    store.record(inp)
    store.record(inp)  # the same uuid again: the stored event comes back, nothing is written
    assert len(seen) == 1


def test_imports_publish_the_new_items_only(store: Store, seen: list[Changes]) -> None:
    rows = [item_values(external_id=f"x{i}") for i in range(3)]
    ids = store.add_items(rows)
    assert len(ids) == 3
    assert seen[-1].added == frozenset(ids)
    seen.clear()
    assert store.add_items(rows) == []  # all duplicates: nothing changed, nothing said
    assert seen == []


def test_an_import_cannot_smuggle_in_a_decided_status(store: Store) -> None:
    (item,) = store.add_items([item_values(external_id="sneaky", status="decided", head_event="x" * 36)])
    row = store.item(item)
    assert (row.status, row.head_event) == ("pending", None)


def test_media_results_publish_their_sha(store: Store, seen: list[Changes]) -> None:
    store.save_media_many([("a" * 64, {"state": "ok", "thumb_ready": True, "pipeline_version": 1})])
    assert seen[-1].media == frozenset({"a" * 64})


def test_a_bulk_history_publishes_once_per_batch_with_the_final_states(store: Store, seen: list[Changes]) -> None:
    items = [make_item(store) for _ in range(3)]
    inputs = []
    for i in items:
        skip = DecisionInput(item_id=i, kind=EventKind.SKIP, reviewer="bob", decided_at=T0)
        inputs += [
            skip,
            DecisionInput(item_id=i, kind=EventKind.DECIDE, reviewer="alice", category="no_violation",
                          expected_head=skip.uuid, decided_at=T0),
        ]  # fmt: skip
    assert store.append_history(inputs, batch=4) == 6
    assert [len(c.events) for c in seen] == [4, 2]
    final = {**seen[0].states, **seen[1].states}
    assert {final[i].status for i in items} == {"decided"}


def test_a_bulk_history_obeys_the_rules_of_a_single_decision(store: Store, seen: list[Changes]) -> None:
    item = make_item(store)
    first = DecisionInput(item_id=item, kind=EventKind.DECIDE, reviewer="a", category="no_violation", decided_at=T0)
    stale = DecisionInput(item_id=item, kind=EventKind.DECIDE, reviewer="b", category="no_violation", decided_at=T0)
    with pytest.raises(ConflictError):
        store.append_history([first, stale])  # stale expected no head: someone decided before it
    assert store.item(item).status == "pending"  # the batch was not written at all
    bad_note = DecisionInput(item_id=item, kind=EventKind.ESCALATE, reviewer="a", decided_at=T0)
    with pytest.raises(InvalidDecisionError, match="a note is required"):
        store.append_history([bad_note])
    undo_unknown = DecisionInput(item_id=item, kind=EventKind.REVERT, reviewer="a", check_head=False,
                                 reverts="00000000-0000-0000-0000-000000000000", decided_at=T0)  # fmt: skip
    with pytest.raises(InvalidDecisionError, match="not an earlier event"):
        store.append_history([undo_unknown])
    assert seen == []


def test_a_broken_listener_does_not_fail_the_write(store: Store, seen: list[Changes]) -> None:
    def broken(_changes: Changes) -> None:
        raise RuntimeError("listener bug")

    store.changes.subscribe(broken)
    item = make_item(store)
    record(store, item, category="cyberbullying")  # committed and acknowledged all the same
    assert store.item(item).status == "decided"
    assert len(seen) == 1


def test_the_hub_delivers_on_the_committing_thread_and_unsubscribes() -> None:
    hub = ChangeHub()
    threads: list[str] = []
    stop = hub.subscribe(lambda _c: threads.append(threading.current_thread().name))
    t = threading.Thread(target=lambda: hub.publish(Changes(items=frozenset({1}))), name="writer")
    t.start()
    t.join()
    hub.publish(Changes())  # empty: not delivered
    stop()
    hub.publish(Changes(items=frozenset({2})))
    assert threads == ["writer"]


def test_merged_changes_keep_the_latest_state() -> None:
    a = Changes.of_events(["e1"], {1: ItemState("skipped", "e1")})
    b = Changes.of_events(["e2"], {1: ItemState("decided", "e2"), 2: ItemState("decided", "e3")})
    m = a.merged(b)
    assert m.events == ("e1", "e2")
    assert m.states[1] == ItemState("decided", "e2") and m.items == frozenset({1, 2})
    assert a.merged(Changes(everything=True, origin=Origin.EXTERNAL)).origin == Origin.EXTERNAL
