"""Changes made by another process or desk reach this store's subscribers: SQLite through its
change log and data_version, PostgreSQL through LISTEN/NOTIFY with a connection that comes back."""

from __future__ import annotations

import queue
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from factories import item_values, make_item
from moderator_gui.core.changes import Changes, ItemState, Origin
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import Store
from moderator_gui.core.store.watch import ChangeWatcher, parse_notifications

WAIT_S = 20.0  # an upper bound only: each wait ends as soon as the change arrives


class Listener:
    def __init__(self, store: Store) -> None:
        self.got: queue.Queue[Changes] = queue.Queue()
        self._stop = store.changes.subscribe(self.got.put)

    def next_external(self, want: object = None) -> Changes:
        """The next change from elsewhere that satisfies ``want`` (a predicate), merged with any before it."""
        merged = Changes(origin=Origin.EXTERNAL)
        while True:
            ch = self.got.get(timeout=WAIT_S)
            if ch.origin != Origin.EXTERNAL:
                continue
            merged = merged.merged(ch)
            if want is None or want(merged):  # type: ignore[operator]
                return merged

    def close(self) -> None:
        self._stop()


@pytest.fixture
def pair(db_url: str) -> Iterator[tuple[Store, Store, Listener]]:
    """Two stores on one database (as two processes would have), the first one watching."""
    here, there = Store.open(db_url), Store.open(db_url)
    watcher = ChangeWatcher(here, poll_s=0.02).start()
    assert watcher.connected.wait(WAIT_S)
    listener = Listener(here)
    yield here, there, listener
    listener.close()
    watcher.stop()
    here.close()
    there.close()


def test_a_decision_elsewhere_arrives(pair: tuple[Store, Store, Listener]) -> None:
    _here, there, listener = pair
    item = make_item(there)
    ev = there.record(DecisionInput(item_id=item, kind=EventKind.SKIP, reviewer="bob"))
    got = listener.next_external(lambda c: item in c.items)
    assert item in got.items
    if got.states:  # PostgreSQL says the new state too
        assert got.states[item] == ItemState("skipped", ev.uuid)


def test_new_items_claims_and_media_elsewhere_arrive(pair: tuple[Store, Store, Listener]) -> None:
    _here, there, listener = pair
    ids = there.add_items([item_values(external_id=f"w-{i}") for i in range(3)])
    assert set(ids) <= listener.next_external(lambda c: set(ids) <= c.added).added
    there.claim_next("bob", 1)
    assert listener.next_external(lambda c: bool(c.items & set(ids))).items & set(ids)
    there.save_media("b" * 64, state="ok", thumb_ready=True, pipeline_version=1)
    assert "b" * 64 in listener.next_external(lambda c: "b" * 64 in c.media).media


def test_a_big_import_elsewhere_arrives_whole(pair: tuple[Store, Store, Listener]) -> None:
    _here, there, listener = pair
    ids = there.add_items([item_values(external_id=f"big-{i}") for i in range(450)])
    assert listener.next_external(lambda c: set(ids) <= c.added or c.everything)


@pytest.mark.postgres
def test_the_listener_comes_back_after_its_connection_is_killed(pg_url: str) -> None:
    # The server is shared with other tests and programs: kill this test's listener only.
    name = f"watch-{uuid.uuid4().hex[:8]}"
    here, there = Store.open(f"{pg_url}&application_name={name}"), Store.open(pg_url)
    watcher = ChangeWatcher(here).start()
    listener = Listener(here)
    try:
        assert watcher.connected.wait(WAIT_S)
        with there.write() as conn:  # the server drops the listening connection (a restart, a cut)
            killed = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name AND query LIKE 'LISTEN moderator_changes%'"
                ),
                {"name": name},
            ).scalar_one()
        assert killed == 1  # the watcher's connection, not the store's pool (it never LISTENs)
        assert listener.next_external(lambda c: c.everything).everything  # reconnected: "read everything again"
        item = make_item(there)
        there.record(DecisionInput(item_id=item, kind=EventKind.SKIP, reviewer="bob"))
        assert item in listener.next_external(lambda c: item in c.items).items
    finally:
        listener.close()
        watcher.stop()
        here.close()
        there.close()


def test_notification_payloads_are_read_defensively() -> None:
    ch = parse_notifications(
        ['{"k":"e","s":[[3,"decided","u1"]]}', '{"k":"a","lo":10,"hi":12}', '{"k":"c","i":[4]}', '{"k":"m","h":["ab"]}'],
        lambda lo, hi: list(range(lo, hi + 1)),
    )
    assert ch.states == {3: ItemState("decided", "u1")} and ch.items == {3, 4}
    assert ch.added == {10, 11, 12} and ch.media == {"ab"} and not ch.everything
    assert parse_notifications(["not json", '{"k":"e","s":[["x"]]}'], lambda lo, hi: []).everything
    assert parse_notifications(['{"k":"all"}'], lambda lo, hi: []).everything


def test_hash_list_marks_and_unmarks_elsewhere_arrive(pair: tuple[Store, Store, Listener]) -> None:
    import io

    _here, there, listener = pair
    sha = "c" * 64
    make_item(there, sha256=sha)
    cat = there.policy.categories[0].code
    there.import_hash_list("L", io.StringIO(f"signal_type,signal,category,note\nsha256,{sha},{cat},\n"))
    assert sha in listener.next_external(lambda c: sha in c.media or c.everything).media
    there.import_hash_list("L", io.StringIO("signal_type,signal,category,note\n"))  # the new version unmarks it
    assert sha in listener.next_external(lambda c: sha in c.media or c.everything).media
