"""What a reviewer must not do, the PostgreSQL server itself refuses: proved with plain SQL,
logged in as each role, as a desk that does not play by the rules would send it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import errors as pg_errors

from factories import item_values
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import ClaimedError, PermissionDeniedError, Store
from team_helpers import TeamDB, insert_event, one, reviewer_id, team_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "bob": "reviewer", "lead": "lead"}, lease_seconds=300) as db:
        yield db


@pytest.fixture
def queue(team: TeamDB) -> list[int]:
    """Five items, imported by the lead (through the store, as an import would)."""
    with team.store("lead") as lead:
        return lead.add_items([item_values(external_id=f"q-{i}", priority=100 - i) for i in range(5)])


def test_a_reviewer_records_only_under_their_own_login(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        bob = reviewer_id(alice, team.login("bob"))
        with pytest.raises(psycopg.Error) as caught:
            insert_event(alice, queue[0], bob)
        assert caught.value.sqlstate == "MD003"
        insert_event(alice, queue[0], reviewer_id(alice, team.login("alice")))  # under her own name: fine
        assert one(alice, "SELECT status FROM items WHERE id = %s", queue[0]) == "decided"  # the server's projection


def test_a_reviewer_cannot_change_or_remove_events(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        insert_event(alice, queue[0], reviewer_id(alice, team.login("alice")))
        for stmt in ("UPDATE decisions SET category = 'porn_violence'", "DELETE FROM decisions"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                alice.execute(stmt)


def test_a_reviewer_cannot_import_items_touch_the_projection_or_create_users(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        with pytest.raises(pg_errors.InsufficientPrivilege):
            alice.execute(
                "INSERT INTO items (external_id, platform, import_source, content_type, flagged_at, report_count,"
                " priority, status, imported_at) VALUES ('x', 'weibo', 'x', 'text', now(), 0, 0, 'pending', now())"
            )
        with pytest.raises(pg_errors.InsufficientPrivilege):
            alice.execute("UPDATE items SET status = 'decided' WHERE id = %s", (queue[0],))
        with pytest.raises(pg_errors.InsufficientPrivilege):
            alice.execute("CREATE ROLE mallory LOGIN")
        with pytest.raises(pg_errors.InsufficientPrivilege):
            alice.execute("DELETE FROM skip_marks")
        with pytest.raises(pg_errors.InsufficientPrivilege):
            alice.execute("UPDATE conflicts SET resolution = 'accepted'")


def test_a_reviewer_cannot_take_a_leads_role(team: TeamDB) -> None:
    with team.sql("alice") as alice:
        with pytest.raises(pg_errors.InsufficientPrivilege):
            alice.execute("SET ROLE moderator_lead")
        alice.execute("SET ROLE moderator_reviewer")  # their own group: allowed, and it changes nothing
        assert one(alice, "SELECT session_user") == team.login("alice")


def test_claims_are_the_servers_a_reviewer_cannot_release_or_steal_anothers(team: TeamDB, queue: list[int]) -> None:
    with team.store("bob") as bob_store:
        assert bob_store.claim_next(team.login("bob"), 1) == [queue[0]]
    with team.sql("alice") as alice:
        assert alice.execute("DELETE FROM claims").rowcount == 0  # row-level security: not hers to release
        alice.execute("UPDATE claims SET reviewer = %s", (team.login("alice"),))  # nor to take while bob's lease runs
        assert one(alice, "SELECT reviewer FROM claims WHERE item_id = %s", queue[0]) == team.login("bob")
        # A claim in bob's name, or one that never ends: the server makes it hers, for the team's lease.
        alice.execute(
            "INSERT INTO claims (item_id, reviewer, claimed_at, expires_at) VALUES (%s, %s, now(), now() + interval '10 years')",
            (queue[1], team.login("bob")),
        )
        holder, lease = alice.execute(
            "SELECT reviewer, expires_at - claimed_at FROM claims WHERE item_id = %s", (queue[1],)
        ).fetchone()  # type: ignore[misc]
        assert holder == team.login("alice") and lease.total_seconds() == 300
        # Deciding what bob holds: refused by the server.
        with pytest.raises(psycopg.Error) as caught:
            insert_event(alice, queue[0], reviewer_id(alice, team.login("alice")))
        assert caught.value.sqlstate == "MD001"
        assert team.login("bob") in (caught.value.diag.message_detail or "")


def test_only_a_lead_decides_an_escalated_item(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        me = reviewer_id(alice, team.login("alice"))
        insert_event(alice, queue[0], me, kind="escalate", category=None, note="lead please")
        alice.execute("DELETE FROM claims")  # (her own claims, if any)
        with pytest.raises(psycopg.Error) as caught:
            insert_event(alice, queue[0], me)
        assert caught.value.sqlstate == "MD002"
    with team.sql("lead") as lead:
        insert_event(lead, queue[0], reviewer_id(lead, team.login("lead")))
        assert one(lead, "SELECT status FROM items WHERE id = %s", queue[0]) == "decided"


def test_a_reviewer_undoes_only_their_own_decisions(team: TeamDB, queue: list[int]) -> None:
    import uuid

    bobs = str(uuid.uuid4())
    with team.sql("bob") as bob:
        insert_event(bob, queue[0], reviewer_id(bob, team.login("bob")), uuid=bobs)
    with team.sql("alice") as alice:
        with pytest.raises(psycopg.Error) as caught:
            insert_event(alice, queue[0], reviewer_id(alice, team.login("alice")), kind="revert", category=None, reverts=bobs)
        assert caught.value.sqlstate == "MD004"


def test_a_lead_imports_releases_resets_and_adjudicates(team: TeamDB, queue: list[int]) -> None:
    with team.store("bob") as bob_store:
        bob_store.claim_next(team.login("bob"), 1)
    with team.sql("lead") as lead:
        assert lead.execute("DELETE FROM claims WHERE item_id = %s", (queue[0],)).rowcount == 1
        assert lead.execute("DELETE FROM skip_marks").rowcount == 0
        lead.execute("UPDATE conflicts SET resolution = 'dismissed'")


def test_the_store_says_what_the_server_refused(team: TeamDB, queue: list[int]) -> None:
    """The same refusals through the store: coded errors the desk shows in the reviewer's language."""
    with team.store("alice") as alice:
        me = alice.identity()
        assert (me.login, me.team, me.role) == (team.login("alice"), True, "reviewer")
        with pytest.raises(PermissionDeniedError) as caught:
            alice.add_items([item_values(external_id="sneaky")])
        assert caught.value.code == "store.permission_denied"
        alice.record(DecisionInput(item_id=queue[0], kind=EventKind.ESCALATE, reviewer=me.login or "", note="lead"))
        with pytest.raises(PermissionDeniedError) as esc:
            alice.record(DecisionInput(item_id=queue[0], kind=EventKind.DECIDE, reviewer=me.login or "",
                                       category="no_violation", expected_head=alice.item(queue[0]).head_event))  # fmt: skip
        assert esc.value.code == "team.escalated_for_leads"
        with pytest.raises(PermissionDeniedError) as other:
            alice.record(DecisionInput(item_id=queue[1], kind=EventKind.SKIP, reviewer=team.login("bob")))
        assert other.value.code == "team.own_name_only"
    with team.store("bob") as bob:
        bob.claim_next(team.login("bob"), 1)
    with team.store("alice") as alice:
        with pytest.raises(ClaimedError) as held:  # the store's own check, before the server's
            alice.record(DecisionInput(item_id=queue[1], kind=EventKind.SKIP, reviewer=team.login("alice")))
        assert team.login("bob") in held.value.message


def test_team_init_is_idempotent_and_a_role_can_change(team: TeamDB) -> None:
    with team.store() as owner:
        owner.team_init()
        owner.team_init(lease_seconds=90)
        assert owner.settings()["lease_seconds"] == "90"
        assert owner.add_user(team.login("alice"), "lead") is False  # not new: promoted
        roles = {u.name: u.role for u in owner.users()}
    assert roles[team.login("alice")] == "lead" and roles[team.login("bob")] == "reviewer"
    with team.store("alice") as alice:
        assert alice.identity().role == "lead"


def test_solo_sqlite_refuses_team_init(tmp_path: Any) -> None:
    with Store.open(tmp_path / "solo.sqlite3") as solo, pytest.raises(Exception, match="team mode needs a PostgreSQL server"):
        solo.team_init()
