"""`moderator-cli team ...` against the real PostgreSQL server, as scripts would call it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from factories import item_values
from moderator_gui.cli import main
from team_helpers import TeamDB, pg_base_url, team_database


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_team_commands_refuse_a_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "team", "init", "--db", str(tmp_path / "solo.sqlite3"))
    assert code == 2 and "team mode needs a PostgreSQL server" in err


def test_a_password_is_never_taken_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["team", "add-user", "alice", "--role", "reviewer", "--password", "secret123"])
    assert "unrecognized arguments: --password" in capsys.readouterr().err


@pytest.mark.postgres
def test_init_add_users_list_and_change_a_role(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = pg_base_url()
    with team_database({}) as team:  # a fresh schema (init again below, from the command line)
        tag = team.schema.removeprefix("team_")
        alice, lead = f"alice_{tag}", f"lead_{tag}"
        team.users.update({"alice": alice, "lead": lead})  # dropped with the schema
        url = team.url()
        assert cli(capsys, "team", "init", "--db", url, "--lease-seconds", "45")[0] == 0
        assert cli(capsys, "team", "init", "--db", url)[0] == 0  # idempotent; keeps the lease
        secret = tmp_path / "pw"
        secret.write_text("correct horse battery\n")
        code, out, _ = cli(capsys, "team", "add-user", alice, "--role", "reviewer", "--db", url, "--password-file", str(secret))
        assert code == 0 and out.startswith(f"added {alice}")
        assert cli(capsys, "team", "add-user", lead, "--role", "lead", "--db", url, "--no-password")[0] == 0
        code, out, _ = cli(capsys, "team", "users", "--db", url, "--json")
        users = {u["name"]: u["role"] for u in json.loads(out)["users"]}
        assert users[alice] == "reviewer" and users[lead] == "lead"
        code, out, _ = cli(capsys, "team", "add-user", alice, "--role", "lead", "--db", url, "--no-password")
        assert out.startswith(f"updated {alice}")
        users = {u["name"]: u["role"] for u in json.loads(cli(capsys, "team", "users", "--db", url, "--json")[1])["users"]}
        assert users[alice] == "lead"
        with team.store() as owner:
            assert owner.settings()["lease_seconds"] == "45"
        # The password went to the server as a SCRAM verifier, never as the password.
        admin = create_engine(base)
        with admin.connect() as conn:
            stored = conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"), {"n": alice}).scalar()
        admin.dispose()
        assert stored.startswith("SCRAM-SHA-256$4096:") and "correct horse" not in stored


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "bob": "reviewer", "lead": "lead"}, lease_seconds=300) as db:
        yield db


@pytest.mark.postgres
def test_claims_json_and_release_by_a_lead_only(team: TeamDB, capsys: pytest.CaptureFixture[str]) -> None:
    with team.store("lead") as lead:
        ids = lead.add_items([item_values(external_id=f"c-{i}", priority=10 - i) for i in range(3)])
    with team.store("alice") as alice:
        alice.claim_next(team.login("alice"), 2)
    code, out, _ = cli(capsys, "team", "claims", "--db", team.url("lead"), "--json")
    claims = json.loads(out)["claims"]
    assert [(c["item_id"], c["reviewer"]) for c in claims] == [(ids[0], team.login("alice")), (ids[1], team.login("alice"))]
    assert claims[0]["external_id"] == "c-0" and claims[0]["expires_at"].endswith("Z")
    # A reviewer may not release others' claims: refused before, and by the server anyway.
    code, _, err = cli(capsys, "team", "release", "--reviewer", team.login("alice"), "--db", team.url("bob"))
    assert code == 3 and "only a team lead may do this" in err
    code, out, _ = cli(capsys, "team", "release", str(ids[0]), "--db", team.url("lead"))
    assert code == 0 and out.strip() == "released 1 claim(s)"
    code, out, _ = cli(capsys, "team", "release", "--reviewer", team.login("alice"), "--db", team.url("lead"))
    assert out.strip() == "released 1 claim(s)"
    assert json.loads(cli(capsys, "team", "claims", "--db", team.url("lead"), "--json")[1]) == {"claims": []}


@pytest.mark.postgres
def test_a_lead_fills_the_team_database_with_the_demo(team: TeamDB, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "demo", "--db", team.url("lead"), "--items", "12", "--decided", "30")
    assert code == 0, err
    with team.store("alice") as alice:
        rows = alice.queue_page(limit=100)
        assert len(rows) == 12
        assert alice.identity().role == "reviewer"
        history = alice.reviewer_history(team.login("alice"))
    assert history == []  # the demo's history is under its own sample reviewers, not the lead's


@pytest.mark.postgres
def test_a_reviewer_is_told_that_only_leads_fill_the_demo(team: TeamDB, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "demo", "--db", team.url("alice"), "--items", "5")
    assert code == 3
    assert err.strip() == "moderator-cli demo: only a team lead may do this (fill a team database with the sample queue)"
    with team.store("lead") as lead:
        assert lead.queue_page(limit=10) == []
