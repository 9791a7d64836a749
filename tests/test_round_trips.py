"""How many round trips to the PostgreSQL server the desk's hot paths cost: over a 50 ms link
each one is 50 ms the reviewer waits (bench/bench_rtt.py). Counted exactly, from libpq's own
trace of the messages the desk sends: each Sync (a statement) or Query (BEGIN, COMMIT,
SAVEPOINT...) waits for the server's answer, so a regression shows here as a bigger number."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from factories import make_item
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import ConflictError, Store
from moderator_gui.core.store.tables import decisions_t

pytestmark = pytest.mark.postgres


class Trips:
    """Counts the round trips of the store's connections (libpq trace of every checkout)."""

    def __init__(self, store: Store, trace: Path) -> None:
        self.path = trace
        self.file = trace.open("w")
        event.listen(store.engine, "checkout", self._trace)

    def _trace(self, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if not record.info.get("traced"):
            record.info["traced"] = True
            dbapi_conn.pgconn.trace(os.dup(self.file.fileno()))  # libpq's own stream on a copy of the fd

    def sent(self, action: Callable[[], object]) -> list[str]:
        """What ``action`` sent that waited for an answer: one entry a round trip."""
        self.file.flush()
        start = self.path.stat().st_size
        action()
        with self.path.open() as f:
            f.seek(start)
            lines = f.read().splitlines()
        out = []
        for line in lines:
            parts = line.split("\t")
            if len(parts) > 3 and parts[1] == "F" and parts[3] in ("Sync", "Query"):
                out.append(parts[3] if parts[3] == "Sync" else parts[4].split(" ")[0])
        return out


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    s = Store.open(pg_url)
    yield s
    s.close()


@pytest.fixture
def trips(pg_store: Store, tmp_path: Path) -> Iterator[Trips]:
    t = Trips(pg_store, tmp_path / "libpq.trace")
    yield t
    pg_store.close()
    t.file.close()


def decide(item_id: int, reviewer: str = "alice") -> DecisionInput:
    return DecisionInput(item_id=item_id, kind=EventKind.DECIDE, reviewer=reviewer, category="no_violation")


def test_claim_next_is_one_round_trip(pg_store: Store, trips: Trips) -> None:
    ids = [make_item(pg_store, priority=100 - i) for i in range(6)]
    assert pg_store.claim_next("alice", 1, lease_s=60) == ids[:1]  # (the pool's first connection)
    sent = trips.sent(lambda: pg_store.claim_next("alice", 3, lease_s=60))
    assert sent == ["Sync"]  # one statement, its own transaction: no BEGIN, no COMMIT
    assert pg_store.claim_next("bob", 3, lease_s=60) == ids[3:6]


def test_a_decision_is_two_round_trips(pg_store: Store, trips: Trips) -> None:
    a, b, c = (make_item(pg_store) for _ in range(3))
    pg_store.claim_next("alice", 3, lease_s=60)
    pg_store.record(decide(a))  # alice's first event adds her reviewer row: the careful way
    sent = trips.sent(lambda: pg_store.record(decide(b)))
    assert sent == ["Sync", "Sync"]  # the item as committed, then the event written (its commit included)
    sent = trips.sent(lambda: pg_store.record(DecisionInput(item_id=c, kind=EventKind.SKIP, reviewer="alice")))
    assert sent == ["Sync", "Sync"]
    assert [cl.item_id for cl in pg_store.claims()] == []  # the claims went with the events
    assert pg_store.skipped_by("alice") == {c}


def test_an_item_changed_between_the_read_and_the_write_is_done_the_careful_way(pg_store: Store) -> None:
    """The write is conditional on the item's row being the version read; if another desk's
    event got in between, record() does it all again behind the item's row lock."""
    a = make_item(pg_store)
    pg_store.record(decide(a, "bob"))
    first = pg_store.item(a).head_event
    calls: list[int] = []
    real = pg_store.engine.dialect.do_execute

    def in_between(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
        if "xmin::text = " in statement and not calls:
            calls.append(1)
            with Store.open(pg_store.url.render_as_string(hide_password=False), migrate_schema=False) as other:
                other.record(DecisionInput(item_id=a, kind=EventKind.ESCALATE, reviewer="carol", note="lead please",
                                           expected_head=first, check_head=True))  # fmt: skip
        real(cursor, statement, parameters, context)

    pg_store.engine.dialect.do_execute = in_between  # type: ignore[method-assign]
    try:
        with pytest.raises(ConflictError):  # bob's write saw the head before carol's: refused, not lost
            pg_store.record_as_is(
                DecisionInput(item_id=a, kind=EventKind.DECIDE, reviewer="bob", category="no_violation",
                              expected_head=first, check_head=True)
            )  # fmt: skip
    finally:
        del pg_store.engine.dialect.do_execute
    assert calls == [1]
    assert pg_store.item(a).status == "escalated"  # carol's, and only hers
    with pg_store.read() as conn:
        assert conn.execute(select(func.count()).select_from(decisions_t)).scalar() == 2
