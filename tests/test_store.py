"""The decision store: opening, append-only events, conflicts, queue paging, history.

Every test that takes the ``store`` / ``db_url`` fixture runs on a real SQLite
file and on the real PostgreSQL server (conftest).
"""

from __future__ import annotations

import dataclasses
import json
import random
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DBAPIError

from moderator_gui.core.domain import DecisionInput, EventKind, EventRef, ItemStatus, derive_state
from moderator_gui.core.paths import data_dir
from moderator_gui.core.store import (
    ConflictError,
    InvalidDecisionError,
    NotFoundError,
    QueueFilter,
    Store,
    StoreError,
)
from moderator_gui.core.store.engine import resolve_target
from moderator_gui.core.store.tables import decisions_t, items_t, reviewers_t
from store_helpers import add_items, decision, finish, spawn, start_together


def event_count(store: Store, item_id: int | None = None) -> int:
    q = select(func.count()).select_from(decisions_t)
    if item_id is not None:
        q = q.where(decisions_t.c.item_id == item_id)
    with store.read() as conn:
        return conn.execute(q).scalar_one()


# -- where the database is ----------------------------------------------------------------


def test_default_store_is_one_sqlite_file_in_the_user_data_folder() -> None:
    expected = data_dir() / "moderator.sqlite3"
    assert resolve_target(None).database == str(expected)
    with Store.open() as s:
        assert s.dialect == "sqlite"
        add_items(s, 1)
    assert expected.is_file()
    assert [p.name for p in expected.parent.iterdir() if p.suffix == ".sqlite3"] == ["moderator.sqlite3"]


def test_resolve_target_accepts_paths_urls_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_target("rel/x.db").database == str(tmp_path / "rel" / "x.db")
    assert resolve_target(tmp_path / "p.db").database == str(tmp_path / "p.db")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_target("~/h.db").database == str(tmp_path / "home" / "h.db")
    url = resolve_target("sqlite:////var/x.sqlite3")
    assert (url.get_backend_name(), url.database) == ("sqlite", "/var/x.sqlite3")
    for given in ("postgresql://u:pw@db.example:5433/mod", "postgresql+psycopg2://u:pw@db.example:5433/mod"):
        url = resolve_target(given)
        assert url.drivername == "postgresql+psycopg"  # the driver we ship
        assert (url.host, url.port, url.database, url.password) == ("db.example", 5433, "mod", "pw")

    monkeypatch.setenv("MODERATOR_DB", str(tmp_path / "env.db"))
    assert resolve_target(None).database == str(tmp_path / "env.db")
    assert resolve_target(tmp_path / "flag.db").database == str(tmp_path / "flag.db"), "--db beats the environment"
    with Store.open() as s:
        add_items(s, 1)
    assert (tmp_path / "env.db").is_file()


def test_sqlite_connections_use_wal_foreign_keys_and_the_busy_timeout(sqlite_path: Path) -> None:
    with Store.open(sqlite_path, busy_timeout_ms=1234) as s, s.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234


def test_writers_take_the_write_lock_at_begin(sqlite_store: Store, sqlite_path: Path) -> None:
    """BEGIN IMMEDIATE: a write transaction holds the lock before its first statement,
    so two writers never deadlock upgrading a read lock; readers are not blocked (WAL)."""
    other = sqlite3.connect(sqlite_path, timeout=0, isolation_level=None)
    try:
        with sqlite_store.write():
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT count(*) FROM items").fetchone() == (0,)
        other.execute("BEGIN IMMEDIATE")  # released by the commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(DBAPIError), store.write() as conn:
        conn.execute(
            insert(decisions_t).values(
                uuid="00000000-0000-0000-0000-000000000000", item_id=999_999, kind="skip", actions="[]",
                note="", reviewer_id=999_999, decided_at=datetime.now(UTC), policy_version="x",
            )
        )
    assert event_count(store) == 0


# -- append-only events ----------------------------------------------------------------------


def test_the_database_refuses_to_update_or_delete_decisions(store: Store) -> None:
    (item,) = add_items(store, 1)
    ev = store.record(decision(item))
    for stmt in (
        update(decisions_t).where(decisions_t.c.uuid == ev.uuid).values(category="porn_violence"),
        decisions_t.delete().where(decisions_t.c.uuid == ev.uuid),
    ):
        with pytest.raises(DBAPIError, match="append-only"), store.write() as conn:
            conn.execute(stmt)
    assert [h.category for h in store.item_history(item)] == ["cyberbullying"]


def test_sqlite_triggers_refuse_changes_from_any_program(sqlite_store: Store, sqlite_path: Path) -> None:
    """The rule lives in the database file, not in our code: the sqlite3 shell is refused too."""
    (item,) = add_items(sqlite_store, 1)
    sqlite_store.record(decision(item))
    raw = sqlite3.connect(sqlite_path)
    try:
        for sql in ("UPDATE decisions SET note = 'x'", "DELETE FROM decisions"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                raw.execute(sql)
        raw.rollback()
    finally:
        raw.close()
    assert event_count(sqlite_store) == 1


def test_record_acknowledges_a_committed_event(store: Store) -> None:
    (item,) = add_items(store, 1)
    before = datetime.now(UTC)
    ev = store.record(decision(item, " alice ", time_spent_ms=4200))
    assert ev.kind == EventKind.DECIDE and ev.item_status == ItemStatus.DECIDED
    assert ev.reviewer == "alice"
    assert ev.policy_version == store.policy.version == "cac-minors-2021.1"
    assert ev.decided_at.tzinfo is not None and ev.decided_at.utcoffset() == timedelta(0)
    assert before <= ev.decided_at <= datetime.now(UTC)
    # A second, independent Store sees exactly what was acknowledged.
    with Store.open(store.url.render_as_string(hide_password=False)) as other:
        row = other.item(item)
        (hist,) = other.item_history(item)
    assert (row.status, row.head_event) == ("decided", ev.uuid)
    assert (hist.uuid, hist.category, hist.actions, hist.reviewer, hist.time_spent_ms) == (
        ev.uuid, "cyberbullying", ("remove_content", "warn"), "alice", 4200,
    )
    assert hist.decided_at == ev.decided_at and hist.decided_at.utcoffset() == timedelta(0)
    with store.read() as conn:
        assert conn.execute(select(decisions_t.c.policy_version)).scalar_one() == "cac-minors-2021.1"


def test_decided_at_given_in_another_zone_is_stored_as_the_same_instant_in_utc(store: Store) -> None:
    (item,) = add_items(store, 1)
    beijing = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    ev = store.record(decision(item, decided_at=beijing))
    assert ev.decided_at == beijing and ev.decided_at.tzinfo == UTC
    (hist,) = store.item_history(item)
    assert hist.decided_at == datetime(2026, 3, 1, 1, 30, tzinfo=UTC) and hist.decided_at.tzinfo == UTC


def test_record_is_idempotent_on_the_uuid(store: Store) -> None:
    (item,) = add_items(store, 1)
    inp = decision(item)
    first = store.record(inp)
    again = store.record(inp)  # e.g. a retry after the acknowledgement was lost
    assert again == first
    assert event_count(store) == 1
    assert store.item(item).head_event == first.uuid


def test_reviewer_row_is_created_once(store: Store) -> None:
    items = add_items(store, 3)
    store.record(decision(items[0], "alice"))
    store.record(decision(items[1], " alice"))
    with Store.open(store.url.render_as_string(hide_password=False)) as other:
        other.record(decision(items[2], "alice "))
    with store.read() as conn:
        assert conn.execute(select(reviewers_t.c.name)).scalars().all() == ["alice"]
    assert store.reviewers() == ["alice"]


def test_a_refused_first_decision_does_not_leave_a_stale_reviewer_id(store: Store) -> None:
    """A new reviewer whose first event is refused must not keep an id that was rolled back
    (SQLite would hand that id to the next new reviewer and mix up who decided what)."""
    a, b, c = add_items(store, 3)
    head = store.record(decision(a, "alice")).uuid
    with pytest.raises(ConflictError):
        store.record(decision(a, "carol", expected_head=None))  # stale: carol's row rolls back
    store.record(decision(b, "dave"))
    store.record(decision(c, "carol"))
    store.record(decision(a, "carol", expected_head=head, category="porn_violence", actions=["remove_content"]))
    assert [h.reviewer for h in store.item_history(b)] == ["dave"]
    assert [h.reviewer for h in store.item_history(c)] == ["carol"]
    assert [h.reviewer for h in store.item_history(a)] == ["carol", "alice"]
    assert sorted(store.reviewers()) == ["alice", "carol", "dave"]


def test_stale_expected_head_is_refused_and_names_who_decided(store: Store) -> None:
    (item,) = add_items(store, 1)
    store.record(decision(item, "alice"))
    with pytest.raises(ConflictError, match="alice") as exc:
        store.record(decision(item, "bob", category="porn_violence"))
    assert "nothing was recorded" in exc.value.message
    assert event_count(store, item) == 1
    assert [h.reviewer for h in store.item_history(item)] == ["alice"]


def test_a_change_of_mind_is_a_new_event_superseding_the_old_one(store: Store) -> None:
    (item,) = add_items(store, 1)
    first = store.record(decision(item))
    second = store.record(
        decision(item, category="porn_violence", actions=["remove_content", "suspend_account"], expected_head=first.uuid)
    )
    assert second.supersedes == first.uuid and first.supersedes is None
    assert store.item(item).head_event == second.uuid
    assert [(h.category, h.reverted) for h in store.item_history(item)] == [
        ("porn_violence", False), ("cyberbullying", False),
    ]


def test_revert_appends_an_undo_event_and_the_state_is_derived_again(store: Store) -> None:
    (item,) = add_items(store, 1)
    first = store.record(decision(item))
    second = store.record(decision(item, category="porn_violence", expected_head=first.uuid))

    undo = store.revert(second.uuid, "bob", note="wrong key")
    assert (undo.kind, undo.reverts, undo.item_status) == (EventKind.REVERT, second.uuid, ItemStatus.DECIDED)
    assert store.item(item).head_event == first.uuid  # back to the earlier decision
    assert [(h.uuid, h.reverted) for h in store.item_history(item)] == [(second.uuid, True), (first.uuid, False)]

    assert store.revert(first.uuid, "bob").item_status == ItemStatus.PENDING
    row = store.item(item)
    assert (row.status, row.head_event) == ("pending", None)
    assert event_count(store, item) == 4  # nothing was removed

    with pytest.raises(ConflictError, match="already been undone"):
        store.revert(first.uuid, "bob")
    with pytest.raises(InvalidDecisionError, match="cannot itself be undone"):
        store.revert(undo.uuid, "bob")
    with pytest.raises(NotFoundError):
        store.revert("00000000-0000-0000-0000-00000000dead", "bob")
    assert event_count(store, item) == 4


def test_an_undo_saved_late_keeps_when_it_was_made(store: Store) -> None:
    (item,) = add_items(store, 1)
    first = store.record(decision(item))
    made = datetime(2026, 11, 29, 21, 40, 5, tzinfo=UTC)
    undo = store.revert(first.uuid, "bob", decided_at=made)
    assert undo.decided_at == made and undo.reviewer == "bob"
    with pytest.raises(InvalidDecisionError, match="aware datetime"):
        store.revert(first.uuid, "bob", decided_at=datetime(2026, 11, 29, 21, 40))


def test_skip_and_escalate_change_the_status(store: Store) -> None:
    a, b = add_items(store, 2)
    skip = store.record(DecisionInput(item_id=a, kind=EventKind.SKIP, reviewer="alice"))
    assert skip.item_status == ItemStatus.SKIPPED == store.item(a).status
    esc = store.record(DecisionInput(item_id=b, kind=EventKind.ESCALATE, reviewer="alice", note="unsure: age?"))
    assert esc.item_status == ItemStatus.ESCALATED and esc.actions == ("escalate",)
    assert store.queue_count(QueueFilter(status="escalated")) == 1
    assert store.queue_count(QueueFilter(status="open")) == 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"kind": EventKind.ESCALATE}, "note is required for: Escalate to lead"),
        ({"category": "self_harm_csam", "actions": ["remove_content"]}, "note is required for: Self-harm"),
        ({"category": "porn_violence", "actions": ["report_authorities"], "note": "  "}, "Report to authorities"),
        ({"category": "not_a_category"}, "unknown category code 'not_a_category'"),
        ({"actions": ["remove_content", "launch_missiles"]}, "unknown action code 'launch_missiles'"),
        ({"category": None}, "choose a category"),
        ({"kind": EventKind.SKIP, "category": "porn_violence"}, "carries no category"),
        ({"kind": "approve"}, "unknown event kind 'approve'"),
        ({"kind": EventKind.REVERT}, "Store.revert"),
        ({"decided_at": datetime(2026, 1, 1, 12, 0)}, "aware datetime"),
        ({"reviewer": "   "}, "reviewer name is required"),
    ],
)
def test_decisions_breaking_the_policy_are_refused(store: Store, fields: dict[str, object], reason: str) -> None:
    (item,) = add_items(store, 1)
    base: dict[str, object] = {
        "item_id": item, "kind": EventKind.DECIDE, "reviewer": "alice", "category": "cyberbullying", "actions": ["warn"],
    }
    if fields.get("kind") in (EventKind.ESCALATE, EventKind.SKIP, EventKind.REVERT, "approve"):
        base["category"] = None
    with pytest.raises(InvalidDecisionError) as exc:
        store.record(DecisionInput(**{**base, **fields}))  # type: ignore[arg-type]
    assert reason in exc.value.message
    assert event_count(store) == 0 and store.item(item).status == "pending"


def test_notes_satisfy_the_policy(store: Store) -> None:
    a, b = add_items(store, 2)
    ev = store.record(decision(a, category="self_harm_csam", actions=["remove_content", "report_authorities"], note="case 17"))
    assert ev.note == "case 17"
    assert store.record(DecisionInput(item_id=b, kind=EventKind.ESCALATE, reviewer="x", note="why")).note == "why"


def test_unknown_item_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.record(decision(424242))
    with pytest.raises(NotFoundError):
        store.item(424242)


# -- the state is derived from the events ----------------------------------------------------------


def test_derive_state_follows_the_last_event_in_force() -> None:
    d1, s2, e3 = EventRef("d1", EventKind.DECIDE), EventRef("s2", EventKind.SKIP), EventRef("e3", EventKind.ESCALATE)
    assert derive_state([]) == (ItemStatus.PENDING, None)
    assert derive_state([d1, s2, e3]) == (ItemStatus.ESCALATED, "e3")
    assert derive_state([d1, s2, e3, EventRef("r", EventKind.REVERT, "e3")]) == (ItemStatus.SKIPPED, "s2")
    assert derive_state([d1, s2, EventRef("r", EventKind.REVERT, "d1")]) == (ItemStatus.SKIPPED, "s2")
    undo_all = [d1, EventRef("r1", EventKind.REVERT, "d1")]
    assert derive_state(undo_all) == (ItemStatus.PENDING, None)


@pytest.mark.parametrize("seed", [7, 2026])
def test_projection_equals_the_derived_state_after_a_random_sequence(store: Store, seed: int) -> None:
    """Seeded random record/revert/skip/escalate (with stale heads and retries mixed in):
    every item's status/head_event equals derive_state of its events, and a rebuild changes nothing."""
    rng = random.Random(seed)
    items = add_items(store, 6)
    live: list[str] = []  # events that can still be undone
    for step in range(90):
        item = rng.choice(items)
        head = store.item(item).head_event
        op = rng.random()
        if op < 0.25 and live:
            target = live.pop(rng.randrange(len(live)))
            store.revert(target, rng.choice(["alice", "bob"]))
            continue
        if op < 0.35:
            with pytest.raises(ConflictError):  # someone saw an older head
                store.record(decision(item, expected_head="stale-" + str(step)))
            continue
        if op < 0.55:
            inp = DecisionInput(item_id=item, kind=EventKind.SKIP, reviewer="bob", expected_head=head)
        elif op < 0.7:
            inp = DecisionInput(item_id=item, kind=EventKind.ESCALATE, reviewer="bob", note="?", expected_head=head)
        else:
            cat = rng.choice([c for c in store.policy.categories if "note" not in c.requires])
            inp = decision(item, rng.choice(["alice", "bob"]), category=cat.code, actions=cat.default_actions, expected_head=head)
        ev = store.record(inp)
        if rng.random() < 0.2:
            assert store.record(inp) == ev  # a retry
        live.append(ev.uuid)

    with store.read() as conn:
        events = conn.execute(select(decisions_t).order_by(decisions_t.c.seq)).all()
        projection = {r.id: (r.status, r.head_event) for r in conn.execute(select(items_t))}
    assert len({e.kind for e in events}) == 4, "the sequence exercised every kind of event"
    for item in items:
        refs = [EventRef(e.uuid, EventKind(e.kind), e.reverts) for e in events if e.item_id == item]
        status, head = derive_state(refs)
        assert projection[item] == (status.value, head), f"item {item}"
    assert store.rebuild_projection() == 0


def test_rebuild_projection_repairs_a_damaged_projection(store: Store) -> None:
    a, b = add_items(store, 2)
    ev = store.record(decision(a))
    with store.write() as conn:
        conn.execute(update(items_t).values(status="escalated", head_event=None))
    assert store.rebuild_projection() == 2
    assert (store.item(a).status, store.item(a).head_event) == ("decided", ev.uuid)
    assert (store.item(b).status, store.item(b).head_event) == ("pending", None)


# -- two reviewers, one item -------------------------------------------------------------------------


def test_two_store_instances_in_two_threads_exactly_one_wins(db_url: str) -> None:
    """Both reviewers saw the item pending and press a key at the same moment."""
    first, second = Store.open(db_url), Store.open(db_url)
    try:
        items = add_items(first, 8)
        for item in items:
            barrier = threading.Barrier(2)
            outcomes: dict[str, object] = {}

            def press(
                s: Store, who: str, item: int = item, barrier: threading.Barrier = barrier, outcomes: dict[str, object] = outcomes
            ) -> None:
                s.item(item)
                barrier.wait()
                try:
                    outcomes[who] = s.record(decision(item, who))
                except StoreError as exc:
                    outcomes[who] = exc

            threads = [threading.Thread(target=press, args=(s, w)) for s, w in ((first, "alice"), (second, "bob"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            kinds = sorted(type(o).__name__ for o in outcomes.values())
            assert kinds == ["ConflictError", "RecordedEvent"], outcomes
            winner = next(o for o in outcomes.values() if not isinstance(o, Exception))
            assert event_count(first, item) == 1
            assert first.item(item).head_event == second.item(item).head_event == winner.uuid  # type: ignore[attr-defined]
    finally:
        first.close()
        second.close()


def test_a_new_reviewer_on_two_instances_at_once_gets_one_row(db_url: str) -> None:
    """The same person starts on two machines: both first decisions record, under one reviewer row."""
    first, second = Store.open(db_url), Store.open(db_url)
    try:
        for round_ in range(6):
            items = add_items(first, 2, prefix=f"r{round_}")
            name = f"newcomer-{round_}"
            barrier = threading.Barrier(2)
            failures: list[BaseException] = []

            def press(
                s: Store,
                item: int,
                name: str = name,
                barrier: threading.Barrier = barrier,
                failures: list[BaseException] = failures,
            ) -> None:
                barrier.wait()
                try:
                    s.record(decision(item, name))
                except BaseException as exc:  # noqa: BLE001 - reported below
                    failures.append(exc)

            threads = [threading.Thread(target=press, args=(s, i)) for s, i in zip((first, second), items, strict=True)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            assert failures == []
            assert [h.reviewer for i in items for h in first.item_history(i)] == [name, name]
        assert first.reviewers() == [f"newcomer-{r}" for r in range(6)]
    finally:
        first.close()
        second.close()


def test_two_processes_deciding_the_same_item_exactly_one_wins(db_url: str, tmp_path: Path) -> None:
    with Store.open(db_url) as s:
        (item,) = add_items(s, 1)
    go = tmp_path / "go"
    procs = [spawn("decide", db_url, str(go), str(item), who, f"00000000-0000-0000-0000-00000000000{n}")
             for n, who in enumerate(("alice", "bob"))]
    with Store.open(db_url) as s:
        start_together(procs, go)  # both have the store open and the item on screen
        results = [json.loads(finish(p)) for p in procs]
        assert sorted("ok" if "ok" in r else r["error"] for r in results) == ["ConflictError", "ok"], results
        winner = next(r["ok"] for r in results if "ok" in r)
        assert event_count(s, item) == 1
        assert s.item(item).head_event == winner


# -- the queue ----------------------------------------------------------------------------------------


FILTERS = [
    QueueFilter(),
    QueueFilter(status="open"),
    QueueFilter(status="all"),
    QueueFilter(status="decided"),
    QueueFilter(status="skipped"),
    QueueFilter(status="all", platform="weibo"),
    QueueFilter(status="open", content_type="video"),
    QueueFilter(status="all", search="acct-3"),
    QueueFilter(status="all", search="ext-001"),
]


def test_keyset_paging_returns_every_item_once_in_queue_order(store: Store) -> None:
    items = add_items(store, 41)
    for item in items[::5]:
        store.record(decision(item))
    for item in items[2::10]:
        store.record(DecisionInput(item_id=item, kind=EventKind.SKIP, reviewer="bob"))
    everything = store.queue_page(QueueFilter(status="all"), limit=1000)
    assert sorted(r.id for r in everything) == sorted(items)

    def wanted(f: QueueFilter) -> list[int]:
        statuses = {"open": {"pending", "skipped"}, "all": {"pending", "skipped", "decided", "escalated"}}
        rows = [
            r for r in everything
            if r.status in statuses.get(f.status, {f.status})
            and f.platform in (None, r.platform)
            and f.content_type in (None, r.content_type)
            and (f.search is None or f.search in r.external_id or f.search in (r.uploader or ""))
        ]
        if f.order == "oldest":
            rows.sort(key=lambda r: (r.flagged_at, r.id))
        else:
            rows.sort(key=lambda r: (-r.priority, r.flagged_at, r.id))
        return [r.id for r in rows]

    for base in FILTERS:
        for order in ("priority", "oldest"):
            f = dataclasses.replace(base, order=order)
            seen: list[int] = []
            after = None
            while page := store.queue_page(f, after=after, limit=4):
                seen += [r.id for r in page]
                after = page[-1].sort_key
                assert len(seen) <= len(items), f"paging does not end for {f}"
            expected = wanted(f)
            assert expected, f"the data leaves {f} empty: the check would prove nothing"
            assert seen == expected, f
            assert store.queue_count(f) == len(expected), f


def test_search_is_a_literal_case_insensitive_substring(store: Store) -> None:
    add_items(store, 12)
    add_items(store, 2, prefix="vid_100%", uploader="Shop_Official")

    def found(term: str) -> list[str]:
        return sorted(r.external_id for r in store.queue_page(QueueFilter(status="all", search=term)))

    assert found("vid_100%") == ["vid_100%-0000", "vid_100%-0001"]
    assert found("ext_00") == [] and found("%") == ["vid_100%-0000", "vid_100%-0001"]
    assert found("EXT-001") == ["ext-0010", "ext-0011"]
    assert found("shop_official") == ["vid_100%-0000", "vid_100%-0001"]
    assert store.queue_count(QueueFilter(status="all", search="  ACCT-3 ")) == 2


# -- history ------------------------------------------------------------------------------------------


def test_history_by_item_account_media_and_reviewer(store: Store) -> None:
    mine = add_items(store, 3, prefix="acc", uploader="acct-shady", sha256="ab" * 32)
    other = add_items(store, 2, prefix="oth", uploader="acct-fine")
    e1 = store.record(decision(mine[0], "alice"))
    e2 = store.record(decision(mine[1], "bob", category="porn_violence"))
    e3 = store.record(decision(other[0], "alice"))
    undo = store.revert(e2.uuid, "bob")
    e4 = store.record(decision(mine[1], "alice", category="harmful_animation"))

    assert [h.uuid for h in store.item_history(mine[1])] == [e4.uuid, e2.uuid]  # newest first, no undo rows
    assert undo.uuid not in {h.uuid for h in store.reviewer_history("bob")}
    assert [(h.uuid, h.reverted) for h in store.account_history("acct-shady")] == [
        (e4.uuid, False), (e2.uuid, True), (e1.uuid, False),
    ]
    assert [h.external_id for h in store.account_history("acct-fine")] == ["oth-0000"]
    assert [h.uuid for h in store.media_history("ab" * 32)] == [e4.uuid, e2.uuid, e1.uuid]
    assert [h.uuid for h in store.reviewer_history("alice")] == [e4.uuid, e3.uuid, e1.uuid]
    assert [h.uuid for h in store.reviewer_history("alice", limit=2)] == [e4.uuid, e3.uuid]
    assert [h.uuid for h in store.reviewer_history("alice", since=e3.decided_at)] == [e4.uuid, e3.uuid]
    assert store.reviewer_history("nobody") == []


