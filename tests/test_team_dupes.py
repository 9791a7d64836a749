"""Duplicates and hash lists in a team database: a reviewer's desk saves signatures and links
clusters; only leads import hash lists — the server refuses a reviewer's plain SQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import errors as pg_errors

from factories import item_values
from moderator_gui.core.store import PermissionDeniedError
from team_helpers import TeamDB, downgrade_team, one, team_database
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


# -- the server checks what desks write about duplicates (team_dupes_sql.py) ------------------------
A, B, C, D, E = ("a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64)


def contents(team: TeamDB, *shas: str) -> None:
    with team.store("lead") as lead:
        lead.add_items([item_values(external_id=f"x-{s[0]}", sha256=s) for s in shas])


def signal_id(sql: psycopg.Connection[Any], kind: str) -> int:
    return one(sql, "SELECT id FROM hash_list_signals WHERE signal_type = %s", kind)


def test_list_matches_a_reviewers_desk_marks_are_true_and_the_server_refuses_forged_ones(team: TeamDB) -> None:
    h = base_hash(31)
    contents(team, A, B)
    with team.store("lead") as lead:
        cat, other = lead.policy.categories[3].code, lead.policy.categories[0].code
        lead.import_hash_list("NCMEC-like", io.StringIO(f"signal_type,signal,category,note\npdq,{h},{cat},\n"))
    with team.store("alice") as alice:  # the desk's own path: the server lets the true match through
        thumb(alice, A, sig(flip(h, 9)))
        thumb(alice, B, sig(flip(h, 90, seed=3)))  # a different picture
        assert {sha: (m.category, m.distance) for sha, m in alice.matches([A, B]).items()} == {A: (cat, 9)}
    with team.sql("alice") as sql:
        sid = signal_id(sql, "pdq")
        lid = one(sql, "SELECT id FROM hash_lists")
        assert one(sql, "SELECT signal_id FROM media_matches WHERE sha256 = %s", A) == sid
        forged = [
            (B, cat, 9, sid),  # B is 90 bits from the list's hash
            (B, cat, 90, sid),  # ... and 90 is no match
        ]
        for sha, category, distance, s in forged:
            with pytest.raises(psycopg.Error) as caught:
                sql.execute(
                    "INSERT INTO media_matches (sha256, list_id, category, distance, signal_id) VALUES (%s, %s, %s, %s, %s)",
                    (sha, lid, category, distance, s),
                )
            assert (caught.value.sqlstate, caught.value.diag.message_detail) == ("MD012", sha)
        # A's true match, made to say something else, or to name no signal:
        for change in ("category = %s", "distance = 3", "signal_id = NULL"):
            with pytest.raises(psycopg.Error) as caught:
                sql.execute(f"UPDATE media_matches SET {change} WHERE sha256 = %s", ((other, A) if "%s" in change else (A,)))
            assert caught.value.sqlstate == "MD012"
        # ... or moved to another content or list: no privilege (a desk changes neither).
        for change in ("sha256 = %s", "list_id = list_id + 1"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                sql.execute(f"UPDATE media_matches SET {change} WHERE sha256 = %s", ((B, A) if "%s" in change else (A,)))
        assert one(sql, "SELECT count(*) FROM media_matches") == 1
        assert tuple(sql.execute("SELECT category, distance FROM media_matches").fetchone() or ()) == (cat, 9)


def test_cluster_links_a_reviewers_desk_makes_pass_and_forged_ones_are_refused(team: TeamDB) -> None:
    h, g = base_hash(41), base_hash(42)
    contents(team, A, B, C, D, E)
    with team.store("alice") as alice:  # two clusters, and a content unlike anything
        thumb(alice, A, sig(h))
        thumb(alice, B, sig(flip(h, 20, seed=1)))
        thumb(alice, D, sig(g))
        thumb(alice, E, sig(flip(g, 5)))
        thumb(alice, C, sig(base_hash(43)))  # unlike anything
        assert sorted(sorted(m.sha256 for m in c.items) for c in alice.clusters() if c.kind == "near") == [[A, B], [D, E]]
    with team.sql("alice") as sql:
        ab = one(sql, "SELECT cluster FROM media_clusters WHERE sha256 = %s", A)
        de = one(sql, "SELECT cluster FROM media_clusters WHERE sha256 = %s", D)
        with pytest.raises(psycopg.Error) as caught:  # C looks like nothing in A's cluster
            sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", (C, ab))
        assert (caught.value.sqlstate, caught.value.diag.message_detail) == ("MD013", C)
        with pytest.raises(psycopg.Error) as caught:  # B alone moved into D's cluster
            sql.execute("UPDATE media_clusters SET cluster = %s WHERE sha256 = %s", (de, B))
        assert (caught.value.sqlstate, caught.value.diag.message_detail) == ("MD013", B)
        with pytest.raises(psycopg.Error) as caught:  # ... with A moved elsewhere in the same statement
            sql.execute(
                "UPDATE media_clusters SET cluster = CASE WHEN sha256 = %s THEN %s ELSE %s END WHERE cluster = %s",
                (B, de, "0" * 64, ab),
            )
        assert caught.value.sqlstate == "MD013"
        with pytest.raises(pg_errors.InsufficientPrivilege):  # C swapped in for B
            sql.execute("UPDATE media_clusters SET sha256 = %s WHERE sha256 = %s", (C, B))

        def insert_then_rename() -> None:  # C inserted, then its cluster renamed after it
            with sql.transaction():
                sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", (C, ab))
                sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (C, ab))

        with pytest.raises(psycopg.Error) as caught:  # the renamed cluster joined no cluster it is near
            insert_then_rename()
        assert (caught.value.sqlstate, caught.value.diag.message_detail) == ("MD013", ab)
        # A content near a member joins (as the desk would have linked it): accepted.
        sql.execute(
            "INSERT INTO media_signatures (sha256, signal_type, variant, signal, quality) VALUES (%s, 'pdq', 'full', %s, 90)",
            ("f" * 64, flip(g, 12, seed=2)),
        )
        sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", ("f" * 64, de))
        assert sorted(r[0] for r in sql.execute("SELECT sha256 FROM media_clusters WHERE cluster = %s", (de,))) == [
            D, E, "f" * 64,
        ]  # fmt: skip
        assert one(sql, "SELECT count(*) FROM media_clusters WHERE sha256 = %s", C) == 0
    with team.sql("lead") as sql:  # leads may mend links by hand
        sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", (C, ab))
    contents(team, "9" * 64)
    with team.store("alice") as alice:  # a content near both clusters merges them: the desk's merge passes
        thumb(alice, "9" * 64, sig(flip(h, 10, seed=4)), sig(flip(g, 10, seed=4), variant="crop94"))
        merged = [sorted(m.sha256 for m in c.items) for c in alice.clusters() if c.kind == "near"]
        assert merged == [sorted([A, B, C, D, E, "9" * 64])]  # (the content "f" has no item)


def test_a_merge_of_two_clusters_must_be_bridged_by_a_near_content(team: TeamDB) -> None:
    """Two genuine clusters merged by a reviewer's plain SQL: refused, unless a content near both
    joined first in the same transaction (what a desk does); a lead may merge by hand."""
    h, g = base_hash(61), base_hash(62)
    contents(team, A, B, D, E)
    with team.store("alice") as alice:
        for sha, hx in ((A, h), (B, flip(h, 9, seed=1)), (D, g), (E, flip(g, 9, seed=2))):
            thumb(alice, sha, sig(hx))
    bridge = "f" * 64
    with team.sql("alice") as sql:
        ab = one(sql, "SELECT cluster FROM media_clusters WHERE sha256 = %s", A)
        de = one(sql, "SELECT cluster FROM media_clusters WHERE sha256 = %s", D)
        with pytest.raises(psycopg.Error) as caught:  # whole clusters, but nothing links them
            sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (de, ab))
        assert (caught.value.sqlstate, caught.value.diag.message_detail) == ("MD013", ab)
        with pytest.raises(psycopg.Error) as caught:  # both into a third cluster of nothing
            sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster IN (%s, %s)", ("0" * 64, ab, de))
        assert caught.value.sqlstate == "MD013"
        # A content near both, hashed as a desk would (its signatures, near A and near D):
        for variant, hx in (("full", flip(h, 11, seed=3)), ("crop94", flip(g, 11, seed=3))):
            sql.execute(
                "INSERT INTO media_signatures (sha256, signal_type, variant, signal, quality) VALUES (%s, 'pdq', %s, %s, 90)",
                (bridge, variant, hx),
            )

        def merge_then_bridge() -> None:  # the merge first: nothing near A's cluster is in D's yet
            with sql.transaction():
                sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (de, ab))
                sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", (bridge, de))

        with pytest.raises(psycopg.Error) as caught:
            merge_then_bridge()
        assert (caught.value.sqlstate, caught.value.diag.message_detail) == ("MD013", ab)
        with sql.transaction():  # the bridge first, then the merge: accepted
            sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", (bridge, de))
            sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (de, ab))
        rows = sql.execute("SELECT sha256 FROM media_clusters WHERE cluster = %s ORDER BY sha256", (de,)).fetchall()
        assert [r[0] for r in rows] == sorted([A, B, D, E, bridge])
    contents(team, C)
    with team.store("alice") as alice:  # C: near nothing; its own cluster of one is never made
        thumb(alice, C, sig(base_hash(63)))
    with team.sql("lead") as sql:  # a lead mends links by hand: not checked
        sql.execute("INSERT INTO media_clusters (sha256, cluster) VALUES (%s, %s)", (C, C))
        sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (de, C))
        assert one(sql, "SELECT count(*) FROM media_clusters WHERE cluster = %s", de) == 6


def test_the_merge_check_goes_with_revision_0010(team: TeamDB) -> None:
    """Down to 0009 (whose desks merge before they bridge), an unbridged merge passes; back up, it is refused."""
    from sqlalchemy import create_engine

    from moderator_gui.core.store import migrate

    h, g = base_hash(71), base_hash(72)
    contents(team, A, B, D, E)
    with team.store("alice") as alice:
        for sha, hx in ((A, h), (B, flip(h, 9, seed=1)), (D, g), (E, flip(g, 9, seed=2))):
            thumb(alice, sha, sig(hx))
    downgrade_team(team, "0009")
    engine = create_engine(team.url())
    try:
        with team.sql("alice") as sql:
            ab = one(sql, "SELECT cluster FROM media_clusters WHERE sha256 = %s", A)
            de = one(sql, "SELECT cluster FROM media_clusters WHERE sha256 = %s", D)
            with sql.transaction():
                sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (de, ab))
                sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (ab, de))  # and back
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
    with team.sql("alice") as sql, pytest.raises(psycopg.Error) as caught:
        sql.execute("UPDATE media_clusters SET cluster = %s WHERE cluster = %s", (de, ab))
    assert (caught.value.sqlstate, caught.value.diag.message_detail) == ("MD013", ab)


def test_a_team_set_up_before_these_checks_gets_them_on_upgrade(team: TeamDB) -> None:
    from sqlalchemy import create_engine, text

    from moderator_gui.core.store import migrate

    engine = create_engine(team.url())  # the owner, as at every desk's start (migrations on open)
    try:
        with engine.begin() as conn:  # the database as revision 0008 left it
            conn.execute(text("DROP TRIGGER media_matches_check ON media_matches"))
            conn.execute(text("DROP TRIGGER media_clusters_check ON media_clusters"))
            conn.execute(text("ALTER TABLE media_matches DROP COLUMN signal_id"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0008'"))
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()
    contents(team, A)
    with team.store("lead") as lead:
        cat = lead.policy.categories[3].code
        lead.import_hash_list("L", io.StringIO(f"signal_type,signal,category,note\npdq,{base_hash(51)},{cat},\n"))
    with team.sql("alice") as sql:
        forged = (A, one(sql, "SELECT id FROM hash_lists"), cat, signal_id(sql, "pdq"))
        with pytest.raises(psycopg.Error) as caught:
            sql.execute(
                "INSERT INTO media_matches (sha256, list_id, category, distance, signal_id) VALUES (%s, %s, %s, 0, %s)",
                forged,
            )
    assert caught.value.sqlstate == "MD012"
