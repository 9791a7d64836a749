"""Duplicates and hash lists in a team database: a reviewer's desk saves signatures and links
clusters; only leads import hash lists — the server refuses a reviewer's plain SQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import errors as pg_errors

from factories import item_values
from moderator_gui.core.store import PermissionDeniedError
from team_helpers import TeamDB, team_database
from test_dupes_store import base_hash, flip, sig, thumb

pytestmark = pytest.mark.postgres


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "bob": "reviewer", "lead": "lead"}) as db:
        yield db


def test_a_reviewers_desk_links_near_duplicates(team: TeamDB) -> None:
    with team.store("lead") as lead:
        a, b = lead.add_items([item_values(external_id="a", sha256="1" * 64), item_values(external_id="b", sha256="2" * 64)])
    h = base_hash(21)
    with team.store("alice") as alice:
        thumb(alice, "1" * 64, sig(h))
        thumb(alice, "2" * 64, sig(flip(h, 9)))
        assert [{m.id for m in c.items} for c in alice.clusters()] == [{a, b}]


def test_only_leads_import_hash_lists(team: TeamDB) -> None:
    with team.store("alice") as alice, pytest.raises(PermissionDeniedError):
        alice.import_hash_list("L", io.StringIO("signal_type,signal,category,note\n"))
    with team.sql("alice") as sql, pytest.raises(pg_errors.InsufficientPrivilege):
        sql.execute("INSERT INTO hash_lists (name, imported_at, imported_by, signals) VALUES ('x', now(), 'x', 0)")
    with team.sql("alice") as sql, pytest.raises(pg_errors.InsufficientPrivilege):
        sql.execute("DELETE FROM media_matches")
    with team.store("lead") as lead:
        lead.add_items([item_values(external_id="m", sha256="3" * 64)])
        cat = lead.policy.categories[0].code
        report = lead.import_hash_list("L", io.StringIO(f"signal_type,signal,category,note\nsha256,{'3' * 64},{cat},\n"))
        assert (report.signals, report.matched_media) == (1, 1)


def test_a_cluster_batch_respects_other_reviewers_claims(team: TeamDB) -> None:
    from moderator_gui.core.domain import DecisionInput, EventKind
    from moderator_gui.core.store import ClaimedError

    with team.store("lead") as lead:
        ids = lead.add_items([item_values(external_id=f"c{i}", sha256="4" * 64) for i in range(3)])
    with team.store("bob") as bob, team.store("alice") as alice:
        me = team.login("alice")
        assert bob.claim(team.login("bob"), ids[2])
        cluster = alice.item_cluster(ids[0])
        assert [m.held_by for m in cluster.others] == [None, team.login("bob")]
        cat = alice.policy.categories[1].code

        def decide(item: int) -> DecisionInput:
            return DecisionInput(item_id=item, kind=EventKind.DECIDE, reviewer=me, category=cat, actions=("remove_content",))

        with pytest.raises(ClaimedError):  # the server's word: nothing of the batch is written
            alice.record_batch([decide(i) for i in ids])
        assert [alice.item(i).status for i in ids] == ["pending"] * 3
        assert alice.record_batch([decide(i) for i in ids[:2]]) == 2  # what the desk offers: the free ones
        assert [alice.item(i).status for i in ids] == ["decided", "decided", "pending"]


def test_a_reviewer_cannot_rewrite_or_remove_signatures(team: TeamDB) -> None:
    h = base_hash(22)
    with team.store("alice") as alice:
        thumb(alice, "5" * 64, sig(h))
    with team.sql("alice") as sql, pytest.raises(pg_errors.InsufficientPrivilege):
        sql.execute("UPDATE media_signatures SET signal = %s", ("0" * 64,))
    with team.sql("alice") as sql, pytest.raises(pg_errors.InsufficientPrivilege):
        sql.execute("DELETE FROM media_signatures")


def test_a_reviewer_is_told_that_only_leads_export_hash_lists(team: TeamDB, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "list.csv"
    run = subprocess.run(
        [sys.executable, "-m", "moderator_gui.cli", "hashlist", "export", "--db", team.url("alice"), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 3
    assert "only a team lead may do this (export hash lists)" in run.stderr
    assert list(tmp_path.iterdir()) == []  # no file, not even a half-written one
