"""Team mode when things go wrong: a desk killed with SIGKILL, twenty desks racing for one
queue, the server restarted mid-shift, a decision arriving after its lease ran out.

Desks are separate processes (tests/team_child.py) where the fault is a process's; the
server is the shared one (fresh schemas, tests/team_helpers.py) unless the test stops or
kills it: then it is a temporary cluster of the test's own (tests/pg_cluster.py). Every
wait is for a condition, with a deadline of several leases, never a sleep for a lease.
"""

from __future__ import annotations

import json
import os
import queue
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from factories import item_values
from moderator_gui.core.changes import Changes, Origin
from moderator_gui.core.journal import DecisionJournal, PendingWrite
from moderator_gui.core.store import ConflictError, StorageUnavailableError, Store
from moderator_gui.core.store.tables import claims_t, conflicts_t, decisions_t, items_t
from moderator_gui.core.store.watch import ChangeWatcher
from pg_cluster import TempCluster, pg_cluster, wait_until  # noqa: F401 - pg_cluster is a fixture
from team_child import Child, Desk, decision
from team_helpers import team_database

LEASE_S = 3
RACERS = 20
# 10,000 items take about three minutes on a 2-core machine (the desks' Python is the bound:
# ~12 ms of CPU per claim + decide): the suite races for 2,000, MODERATOR_TEST_RACE_ITEMS=10000 for all.
RACE_ITEMS = int(os.environ.get("MODERATOR_TEST_RACE_ITEMS", "2000"))
RACE_BUDGET_S = 270  # (within pytest's 300 s: about 50 s idle, twice that with both cores busy)
RETRYABLE_CODES = {"store.unreachable", "store.connection_lost", "store.server_restarting"}


def queue_of(store: Store, n: int, prefix: str) -> list[int]:
    """``n`` items whose queue order is their order here."""
    return store.add_items([item_values(external_id=f"{prefix}-{i}", priority=100_000 - i) for i in range(n)])


def server_now(store: Store) -> datetime:
    with store.read() as conn:
        return conn.execute(select(func.now())).scalar_one()


def claim_rows(store: Store) -> dict[int, tuple[str, datetime]]:
    """Every claim row, live or not: item -> (reviewer, expires_at)."""
    with store.read() as conn:
        rows = conn.execute(select(claims_t.c.item_id, claims_t.c.reviewer, claims_t.c.expires_at)).all()
    return {r.item_id: (r.reviewer, r.expires_at) for r in rows}


def events_by_uuid(store: Store) -> dict[str, int]:
    """uuid -> how many times it is stored (always 1: uuid is the key; kept for the message)."""
    with store.read() as conn:
        rows = conn.execute(select(decisions_t.c.uuid, func.count()).group_by(decisions_t.c.uuid)).all()
    return {u: int(n) for u, n in rows}


# -- a desk killed --------------------------------------------------------------------------------------
@pytest.mark.postgres
def test_a_desk_killed_with_sigkill_gives_its_claims_back_after_one_lease() -> None:
    with team_database({"alice": "reviewer", "bob": "reviewer"}, lease_seconds=LEASE_S) as team:
        with team.store() as owner:
            queue = queue_of(owner, 5, "kill")
        alice, bob = team.login("alice"), team.login("bob")
        desk = Child("hold", team.url("alice"), alice, "3")
        try:
            claimed = json.loads(desk.expect("claimed"))
            assert claimed == queue[:3]
            assert desk.expect("renewed") == "3"  # heartbeating
            with team.store("bob") as other:
                alive_until = server_now(other)
                desk.kill()
                # Right after: the claims are still there, alice's, live when she went.
                rows = claim_rows(other)
                assert {i for i, (who, _) in rows.items() if who == alice} == set(claimed)
                assert all(rows[i][1] > alive_until for i in claimed)
                got = other.claim_next(bob, 5)
                taken_at = server_now(other)
                # (Taken only if the lease had already run out: never while it ran.)
                assert all(rows[i][1] <= taken_at for i in got if i in claimed)
                # Once the lease ran out, the next desk is handed them, first in queue order.
                def handed_over() -> list[int] | None:
                    ids = other.claim_next(bob, 5)
                    return ids if set(claimed) <= set(ids) else None

                got = wait_until(handed_over, timeout_s=10 * LEASE_S, what="alice's items to be handed to bob")
                assert got == queue
                assert server_now(other) >= max(rows[i][1] for i in claimed)
                assert {c.item_id for c in other.claims(reviewer=bob)} == set(queue)
                assert other.claims(reviewer=alice) == []
        finally:
            desk.close()


# -- twenty desks, one queue ------------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.slow
def test_twenty_desks_racing_for_one_queue_decide_every_item_exactly_once(tmp_path: Path) -> None:
    users = {f"r{n:02d}": "reviewer" for n in range(RACERS)}
    with team_database(users) as team:
        with team.store() as owner:
            for start in range(0, RACE_ITEMS, 5_000):
                owner.add_items([item_values(external_id=f"race-{i}") for i in range(start, min(RACE_ITEMS, start + 5_000))])
            owner.refresh_statistics()
        go = tmp_path / "go"
        desks = [Child("race", team.url(u), team.login(u), str(go)) for u in users]
        deadline = time.monotonic() + RACE_BUDGET_S

        def left() -> float:
            return max(1.0, deadline - time.monotonic())

        try:
            for d in desks:
                d.expect("ready", timeout_s=left())
            go.touch()
            results = {u: json.loads(d.line(timeout_s=left())) for u, d in zip(users, desks, strict=True)}
            for d in desks:
                d.finish()
        finally:
            for d in desks:
                d.close()
        refused = {u: r["refused"] for u, r in results.items() if r["refused"]}
        assert refused == {}  # no desk was ever refused: claims kept them apart
        decided = [i for r in results.values() for i in r["decided"]]
        assert len(decided) == len(set(decided)) == RACE_ITEMS
        assert sum(1 for r in results.values() if r["decided"]) > 1  # (it was a race)
        with team.store() as owner, owner.read() as conn:
            per_item = dict(
                conn.execute(
                    select(decisions_t.c.item_id, func.count())
                    .where(decisions_t.c.kind != "revert")
                    .group_by(decisions_t.c.item_id)
                ).all()
            )
            assert set(per_item.values()) == {1} and len(per_item) == RACE_ITEMS
            kinds = dict(conn.execute(select(decisions_t.c.kind, func.count()).group_by(decisions_t.c.kind)).all())
            assert kinds == {"decide": RACE_ITEMS}
            assert conn.execute(select(func.count()).select_from(conflicts_t)).scalar_one() == 0
            statuses = dict(conn.execute(select(items_t.c.status, func.count()).group_by(items_t.c.status)).all())
            assert statuses == {"decided": RACE_ITEMS}
            assert conn.execute(select(func.count()).select_from(claims_t)).scalar_one() == 0  # all given back


# -- the server restarted mid-shift -----------------------------------------------------------------------
def journal_uuids(path: Path) -> list[str]:
    """The decisions a journal file keeps, in order."""
    raw = json.loads(path.read_text())
    return [PendingWrite.from_json(w).decision.uuid for w in raw["writes"]]


def team_on(cluster: TempCluster, lease_seconds: int) -> list[int]:
    """``team init`` on the cluster's database, alice and bob (reviewers), six items."""
    with Store.open(cluster.url()) as owner:
        owner.team_init(lease_seconds=lease_seconds)
        for name in ("alice", "bob"):
            owner.add_user(name, "reviewer")
        return queue_of(owner, 6, "shift")


@pytest.mark.parametrize("how", ["fast", "kill"])
def test_the_server_restarted_mid_shift_loses_no_decision_and_no_claim(
    pg_cluster: TempCluster,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    how: str,
) -> None:
    """Stopped cleanly ("fast") or crashed ("kill": SIGKILL, recovery from the WAL at start)."""
    queue = team_on(pg_cluster, lease_seconds=600)
    with Store.open(pg_cluster.url("alice")) as alice, Store.open(pg_cluster.url("bob")) as bob:
        assert alice.claim_next("alice", 4) == queue[:4]
        journal = DecisionJournal.for_database(alice.describe(), tmp_path)
        journal.open()
        desk = Desk(alice, "alice", journal)
        first = desk.decide(queue[0], "shift-0")
        assert desk.step() == "recorded"
        committed = desk.recorded[0]

        pg_cluster.stop("fast") if how == "fast" else pg_cluster.kill()
        second, third = desk.decide(queue[1], "shift-1"), desk.decide(queue[2], "shift-2")
        assert desk.step() == "retry"  # retryable: kept, and kept on this computer
        assert desk.failures[-1].reason.code in RETRYABLE_CODES
        assert journal_uuids(journal.path) == [second.inp.uuid, third.inp.uuid]
        for call in (
            lambda: alice.record(second.inp),
            lambda: alice.renew_claims("alice"),
            lambda: alice.claim_next("alice", 1),
        ):
            with pytest.raises(StorageUnavailableError) as caught:
                call()
            assert caught.value.retryable and caught.value.code in RETRYABLE_CODES, caught.value.message
        journal.close()  # the reviewer quits during the outage: the journal stays
        # Another desk's decision whose COMMIT went through just before the server went, but whose
        # answer was lost: its journal still holds it.
        other = DecisionJournal.for_database(alice.describe(), tmp_path)
        other.open()
        other.save([PendingWrite(first.inp, first.external_id)])
        other.close()

        pg_cluster.start()
        # The leases are the server's and outlive the restart: alice holds what she held.
        assert alice.renew_claims("alice") == 3
        assert {c.item_id for c in alice.claims(reviewer="alice")} == set(queue[1:4])
        assert bob.claim_next("bob", 6) == queue[4:]
        # The next start takes both journals over and saves every write exactly once.
        restarted = DecisionJournal.for_database(alice.describe(), tmp_path)
        restarted.open()
        orphans = restarted.orphans()
        desk = Desk(alice, "alice", restarted)
        desk.adopt(w for o in orphans for w in o.writes)  # (adopt keeps them in this journal first)
        for o in orphans:
            restarted.forget(o)
        desk.save_all(timeout_s=60)
        again = {ev.uuid: ev for ev in desk.recorded}
        assert again.keys() == {first.inp.uuid, second.inp.uuid, third.inp.uuid}
        assert again[first.inp.uuid].seq == committed.seq  # the stored event, not a second one
        assert events_by_uuid(alice) == dict.fromkeys(again, 1)
        assert [alice.item(i).status for i in queue] == ["decided"] * 3 + ["pending"] * 3
        assert {c.item_id for c in alice.claims(reviewer="alice")} == {queue[3]}
        restarted.close()
        assert list(tmp_path.rglob("*.json")) == []  # nothing left unsaved


class Changed:
    """The changes a store publishes, to wait for one."""

    def __init__(self, store: Store) -> None:
        self.got: queue.Queue[Changes] = queue.Queue()
        self.stop = store.changes.subscribe(self.got.put)

    def wait_for(self, want: Any, timeout_s: float = 30) -> Changes:
        merged = Changes(origin=Origin.EXTERNAL)
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                ch = self.got.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no such change within {timeout_s:.0f} s") from None
            if ch.origin == Origin.EXTERNAL:
                merged = merged.merged(ch)
                if want(merged):
                    return merged


@pytest.mark.parametrize("how", ["fast", "kill"])
def test_the_change_watcher_listens_again_after_a_restart(
    pg_cluster: TempCluster,  # noqa: F811 - the fixture imported above
    how: str,
) -> None:
    team_on(pg_cluster, lease_seconds=600)
    with Store.open(pg_cluster.url()) as owner, Store.open(pg_cluster.url("alice")) as here:
        changed = Changed(here)
        watcher = ChangeWatcher(here).start()
        try:
            assert watcher.connected.wait(30)
            pg_cluster.stop("fast") if how == "fast" else pg_cluster.kill()
            wait_until(lambda: not watcher.connected.is_set(), timeout_s=30, what="the watcher to notice")
            pg_cluster.start()
            # Back, and since it may have missed changes meanwhile: "read everything again".
            assert changed.wait_for(lambda c: c.everything).everything
            assert watcher.connected.is_set()
            (new,) = owner.add_items([item_values(external_id="after-restart")])
            assert new in changed.wait_for(lambda c: new in c.added).added
        finally:
            watcher.stop()
            changed.stop()


# -- a late decision ----------------------------------------------------------------------------------------
@pytest.mark.postgres
def test_a_decision_after_the_lease_ran_out_and_someone_else_decided_is_kept_for_a_lead() -> None:
    with team_database({"alice": "reviewer", "bob": "reviewer", "lead": "lead"}, lease_seconds=LEASE_S) as team:
        with team.store() as owner:
            (item,) = queue_of(owner, 1, "late")
        alice, bob, lead = (team.login(u) for u in ("alice", "bob", "lead"))
        with team.store("alice") as a_store, team.store("bob") as b_store, team.store("lead") as l_store:
            assert a_store.claim_next(alice, 1) == [item]
            late = decision(item, alice, note="seen before the cut")
            # Her network is cut: her desk says nothing more. Once the lease ran out, bob gets it.
            wait_until(lambda: b_store.claim_next(bob, 1) == [item], timeout_s=10 * LEASE_S, what="the lease to run out")
            bobs = b_store.record(decision(item, bob))
            # Her desk is back and sends what she decided: refused, and kept for a lead.
            with pytest.raises(ConflictError) as caught:
                a_store.record(late)
            assert caught.value.code == "conflict.kept"
            assert bob in caught.value.message and "kept for a team lead" in caught.value.message
            with pytest.raises(ConflictError):  # her desk retries the same write: kept once
                a_store.record(late)
            assert a_store.item(item).head_event == bobs.uuid and a_store.item(item).status == "decided"
            (kept,) = l_store.conflicts()
            assert (kept.uuid, kept.item_id, kept.reviewer, kept.found_head) == (late.uuid, item, alice, bobs.uuid)
            assert (kept.category, kept.actions, kept.note) == ("cyberbullying", ("remove_content", "warn"), late.note)
            assert [c.uuid for c in a_store.conflicts()] == [late.uuid]  # her desk can show it too
            # The lead accepts it: recorded now, by the lead, on top of bob's, saying whose it was.
            accepted = l_store.resolve_conflict(kept.id, accept=True, lead=lead)
            assert accepted is not None
            assert (accepted.reviewer, accepted.supersedes, accepted.category) == (lead, bobs.uuid, "cyberbullying")
            assert alice in accepted.note and late.note in accepted.note
            assert l_store.item(item).head_event == accepted.uuid
            assert l_store.conflicts() == []
            with l_store.read() as conn:
                row = conn.execute(select(conflicts_t.c.resolution, conflicts_t.c.resolved_by)).one()
            assert tuple(row) == ("accepted", lead)
