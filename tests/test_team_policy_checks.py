"""The review policy is the server's to enforce, not only the desk's: ``team init`` stores it in
the database and the event trigger refuses what breaks it. Proved with plain SQL, logged in as
a reviewer, as a desk that does not play by the rules (or psql) would send it."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import psycopg
import pytest

from factories import item_values
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.messages import all_templates
from moderator_gui.core.policy import Action, Label, Policy, load_policy
from moderator_gui.core.store import InvalidDecisionError, Store
from moderator_gui.core.store.errors import StoreError, translate
from moderator_gui.core.store.team_sql import POLICY_KEY, dupes_sql, policy_setting, security_sql
from team_helpers import TeamDB, insert_event, one, reviewer_id, team_database, team_policy_version

SHIPPED = load_policy()


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "lead": "lead"}, lease_seconds=300) as db:
        yield db


@pytest.fixture
def queue(team: TeamDB) -> list[int]:
    with team.store("lead") as lead:
        return lead.add_items([item_values(external_id=f"p-{i}", priority=100 - i) for i in range(6)])


def refused(conn: psycopg.Connection[Any], item: int, reviewer: int, kind: str = "decide", **extra: Any) -> psycopg.Error:
    with pytest.raises(psycopg.Error) as caught:
        insert_event(conn, item, reviewer, kind, **extra)
    return caught.value


def with_policy(version: str, *, extra_action: str | None = None) -> Policy:
    actions = SHIPPED.actions
    if extra_action is not None:
        actions = (*actions, Action(code=extra_action, label=Label("X", "X"), description=Label("X", "X")))
    return replace(SHIPPED, version=version, actions=actions, _by_code={}, _actions_by_code={})


# -- what the server refuses ---------------------------------------------------------------------


@pytest.mark.postgres
def test_unknown_codes_and_a_decision_without_category_are_refused(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        me = reviewer_id(alice, team.login("alice"))
        err = refused(alice, queue[0], me, category="looks_fine_to_me")
        assert (err.sqlstate, err.diag.message_detail) == ("MD005", "looks_fine_to_me")
        err = refused(alice, queue[0], me, actions=json.dumps(["no_action", "delete_the_internet"]))
        assert (err.sqlstate, err.diag.message_detail) == ("MD006", "delete_the_internet")
        assert refused(alice, queue[0], me, kind="skip", actions=json.dumps(["nuke"])).sqlstate == "MD006"
        assert refused(alice, queue[0], me, category=None).sqlstate == "MD007"
        assert one(alice, "SELECT count(*) FROM decisions") == 0


@pytest.mark.postgres
def test_a_note_the_policy_requires_is_required_by_the_server(team: TeamDB, queue: list[int]) -> None:
    needs_note = next(c.code for c in SHIPPED.categories if "note" in c.requires)
    report = next(a.code for a in SHIPPED.actions if "note" in a.requires and a.code != "escalate")
    with team.sql("alice") as alice:
        me = reviewer_id(alice, team.login("alice"))
        for blank in ("", "   ", "\n\t", "\u3000"):  # what the desk's str.strip() takes as blank, full-width space too
            err = refused(alice, queue[0], me, category=needs_note, actions="[]", note=blank)
            assert (err.sqlstate, err.diag.message_detail) == ("MD008", needs_note)
        err = refused(alice, queue[0], me, actions=json.dumps(["remove_content", report]))
        assert (err.sqlstate, err.diag.message_detail) == ("MD008", report)
        # An escalation needs a note even when the desk did not list the escalate action.
        assert refused(alice, queue[0], me, kind="escalate").sqlstate == "MD008"
        insert_event(alice, queue[0], me, category=needs_note, actions=json.dumps([report]), note="reported, case 17")
        insert_event(alice, queue[1], me, kind="escalate", note="a lead should see this")
        assert one(alice, "SELECT status FROM items WHERE id = %s", queue[0]) == "decided"


@pytest.mark.postgres
def test_only_the_teams_policy_version(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        me = reviewer_id(alice, team.login("alice"))
        assert team_policy_version(alice) == SHIPPED.version
        err = refused(alice, queue[0], me, policy_version="made-up-2099")
        assert (err.sqlstate, err.diag.message_detail, err.diag.message_hint) == ("MD009", "made-up-2099", SHIPPED.version)
        assert refused(alice, queue[0], me, policy_version="").sqlstate == "MD009"
        # A reviewer cannot write the stored policy either.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            alice.execute("UPDATE settings SET value = '{}' WHERE key = %s", (POLICY_KEY,))


@pytest.mark.postgres
def test_times_far_ahead_of_the_servers_clock_or_nonsense_are_refused(team: TeamDB, queue: list[int]) -> None:
    now = datetime.now(UTC)
    with team.sql("alice") as alice:
        me = reviewer_id(alice, team.login("alice"))
        err = refused(alice, queue[0], me, decided_at=now + timedelta(days=1))
        assert err.sqlstate == "MD010" and (err.diag.message_detail or "").startswith(f"{now + timedelta(days=1):%Y-%m-%d %H}")
        assert (err.diag.message_hint or "").startswith(f"{now:%Y-%m-%d}")  # the server's clock, for the message
        assert refused(alice, queue[0], me, decided_at=now + timedelta(minutes=6)).sqlstate == "MD010"
        assert refused(alice, queue[0], me, decided_at=datetime(1970, 1, 1, tzinfo=UTC)).sqlstate == "MD010"
        insert_event(alice, queue[0], me, decided_at=now + timedelta(minutes=2))  # a desk clock a little ahead: fine
        insert_event(alice, queue[1], me, decided_at=now - timedelta(days=3))  # saved late: fine


@pytest.mark.postgres
def test_malformed_events_are_refused(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        me = reviewer_id(alice, team.login("alice"))
        mine = str(uuid.uuid4())
        insert_event(alice, queue[0], me, uuid=mine)
        cases: list[tuple[str, dict[str, Any]]] = [
            ("unknown event kind", {"kind": "approve"}),
            ("JSON array", {"actions": "remove_content"}),
            ("JSON array", {"actions": '{"remove_content": true}'}),
            ("JSON array", {"actions": "[1, 2]"}),
            ("negative time", {"time_spent_ms": -5}),
            ("carries no category", {"kind": "skip", "category": "no_violation", "actions": "[]"}),
            ("only an undo", {"kind": "skip", "category": None, "actions": "[]", "reverts": mine}),
            ("earlier event of item", {"kind": "revert", "category": None, "actions": "[]", "reverts": str(uuid.uuid4())}),
            ("no category and no actions", {"kind": "revert", "category": "porn_violence", "actions": "[]", "reverts": mine}),
        ]
        for words, extra in cases:
            item = queue[1] if "reverts" in extra and extra["kind"] == "skip" else queue[0]
            err = refused(alice, item, me, **extra)
            assert err.sqlstate == "MD011", (extra, err)
            assert words in (err.diag.message_detail or ""), (extra, err.diag.message_detail)
        # Undoing an event of another item: refused too (the server's projection would undo it there).
        err = refused(alice, queue[1], me, kind="revert", category=None, actions="[]", reverts=mine)
        assert err.sqlstate == "MD011"
        insert_event(alice, queue[0], me, kind="revert", category=None, actions="[]", reverts=mine)  # her own undo: fine
        assert one(alice, "SELECT status FROM items WHERE id = %s", queue[0]) == "pending"


@pytest.mark.postgres
def test_a_valid_decision_by_plain_sql_is_accepted(team: TeamDB, queue: list[int]) -> None:
    with team.sql("alice") as alice:
        me = reviewer_id(alice, team.login("alice"))
        insert_event(alice, queue[0], me, category="porn_violence", actions=json.dumps(["remove_content", "warn"]),
                     time_spent_ms=4200)  # fmt: skip
        insert_event(alice, queue[1], me, kind="skip")
        assert one(alice, "SELECT status FROM items WHERE id = %s", queue[0]) == "decided"
        assert one(alice, "SELECT status FROM items WHERE id = %s", queue[1]) == "skipped"


# -- the desk ------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_the_desk_still_records_and_says_what_the_server_refused(team: TeamDB, queue: list[int]) -> None:
    with team.store("alice") as alice:
        login = team.login("alice")
        ev = alice.record(DecisionInput(item_id=queue[0], kind=EventKind.DECIDE, reviewer=login,
                                        category="cyberbullying", actions=("remove_content",)))  # fmt: skip
        assert ev.policy_version == SHIPPED.version
        alice.record(DecisionInput(item_id=queue[1], kind=EventKind.ESCALATE, reviewer=login, note="unsure"))
        alice.revert(ev.uuid, login)
    # A desk whose policy file has the same version but a code the team's policy lacks.
    with Store.open(team.url("alice"), policy=with_policy(SHIPPED.version, extra_action="shadow_ban")) as odd:
        with pytest.raises(InvalidDecisionError) as caught:
            odd.record(DecisionInput(item_id=queue[2], kind=EventKind.DECIDE, reviewer=login,
                                     category="no_violation", actions=("shadow_ban",)))  # fmt: skip
        assert caught.value.code == "policy.unknown_action" and "shadow_ban" in caught.value.message
    # A desk on another policy version.
    with Store.open(team.url("alice"), policy=with_policy("cac-minors-2030.9")) as newer:
        with pytest.raises(InvalidDecisionError) as version:
            newer.record(DecisionInput(item_id=queue[2], kind=EventKind.SKIP, reviewer=login))
        assert version.value.code == "team.policy_version"
        assert "cac-minors-2030.9" in version.value.message and SHIPPED.version in version.value.message
        assert newer.conflicts(open_only=True) == []  # a refusal of the policy is not a late decision to keep


@pytest.mark.postgres
def test_team_init_again_refreshes_the_policy_and_keeps_the_versions_of_histories(team: TeamDB, queue: list[int]) -> None:
    with team.store() as owner:
        first = owner.settings()[POLICY_KEY]
        owner.team_init()
        owner.team_init()
        assert owner.settings()[POLICY_KEY] == first  # idempotent
    old = with_policy("cac-minors-2019.1")
    with Store.open(team.url(), policy=old) as owner_old:  # an owner who once ran init with an older policy...
        owner_old.team_init()
    with team.store() as owner:  # ...and then with the current one
        owner.team_init()
        stored = json.loads(owner.settings()[POLICY_KEY])
    assert stored["current"] == SHIPPED.version
    assert set(stored["versions"]) == {SHIPPED.version, "cac-minors-2019.1"}
    with team.sql("alice") as alice:
        err = refused(alice, queue[0], reviewer_id(alice, team.login("alice")), policy_version="cac-minors-2019.1")
        assert err.sqlstate == "MD009"  # a reviewer's decision today: today's policy
    # A lead's history import under a stored older version, in other people's names, with an undo
    # of an event of the same batch: accepted.
    first_uuid = str(uuid.uuid4())
    history = [
        DecisionInput(item_id=queue[0], kind=EventKind.DECIDE, reviewer=team.login("alice"), category="no_violation",
                      actions=("no_action",), uuid=first_uuid, check_head=False,
                      decided_at=datetime(2019, 5, 1, tzinfo=UTC)),
        DecisionInput(item_id=queue[0], kind=EventKind.REVERT, reviewer=team.login("alice"), reverts=first_uuid,
                      check_head=False, decided_at=datetime(2019, 5, 2, tzinfo=UTC)),
        DecisionInput(item_id=queue[1], kind=EventKind.DECIDE, reviewer=team.login("lead"), category="cyberbullying",
                      actions=("warn",), check_head=False, decided_at=datetime(2019, 5, 3, tzinfo=UTC)),
    ]  # fmt: skip
    with Store.open(team.url("lead"), policy=old) as lead_old:
        assert lead_old.append_history(history) == 3
    with team.sql("lead") as lead:
        versions = {r[0] for r in lead.execute("SELECT policy_version FROM decisions").fetchall()}
        assert versions == {"cac-minors-2019.1"}
        # Not a version the team never had, though, even in a history import.
        lead.execute("BEGIN")
        lead.execute("SET LOCAL moderator.history_import = 'on'")
        err = refused(lead, queue[2], reviewer_id(lead, team.login("alice")), policy_version="never-stored")
        lead.execute("ROLLBACK")
        assert err.sqlstate == "MD009"


# -- no database needed --------------------------------------------------------------------------


def test_the_policy_setting_keeps_older_versions_and_refreshes_the_current() -> None:
    stored = policy_setting(with_policy("v1", extra_action="old_action"))
    again = json.loads(policy_setting(with_policy("v2"), policy_setting(with_policy("v1"), stored)))
    assert again["current"] == "v2" and set(again["versions"]) == {"v1", "v2"}
    assert "old_action" not in again["versions"]["v1"]["actions"]  # v1 refreshed by the second init
    assert json.loads(policy_setting(SHIPPED, "not json"))["versions"].keys() == {SHIPPED.version}
    rules = again["versions"]["v2"]
    assert set(rules["note_actions"]) == {a.code for a in SHIPPED.actions if "note" in a.requires}
    assert set(rules["note_categories"]) == {c.code for c in SHIPPED.categories if "note" in c.requires}


def test_every_sqlstate_the_team_triggers_raise_has_a_message() -> None:
    """Each MDxxx the server raises is translated to a coded error the desk can say in both languages."""
    states = sorted(set(re.findall(r"ERRCODE = '(MD\d{3})'", "\n".join([*security_sql("s"), *dupes_sql("s")]))))
    assert states == [f"MD{n:03d}" for n in range(1, 14)]
    templates = all_templates()
    for state in states:
        orig = SimpleNamespace(sqlstate=state, diag=SimpleNamespace(message_detail="x", message_hint="y"))
        err = translate(orig)  # type: ignore[arg-type]
        assert isinstance(err, StoreError), state
        assert err.code in templates and err.code != "store.unexpected", state
        err.message  # renders: every placeholder has its parameter  # noqa: B018
