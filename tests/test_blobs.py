"""Media stored in a team database: streamed in chunks, deduplicated, fetched and verified;
only leads may store it (the server refuses a reviewer); an import into a team database
stores each content once before its item is committed; SQLite keeps referring to files."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from PIL import Image

from moderator_gui.core.ingest import import_path
from moderator_gui.core.media_store import CHUNK_BYTES, MediaStoreError, MediaVerificationError
from moderator_gui.core.store import PermissionDeniedError, Store, blob_fetch
from team_helpers import TeamDB, downgrade_team, team_database


def sha_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def random_file(path: Path, size: int) -> Path:
    path.write_bytes(os.urandom(size))
    return path


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "lead": "lead"}) as db:
        yield db


def owner(team: TeamDB) -> str:
    """The server's owner (who ran team init): may change anything, as a broken disk or an attacker could."""
    from sqlalchemy.engine import make_url

    return make_url(team.base).username or "postgres"


def count(conn: psycopg.Connection, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.postgres
def test_a_file_is_stored_in_chunks_once_and_fetched_back_verified(team: TeamDB, tmp_path: Path) -> None:
    src = random_file(tmp_path / "clip.mp4", 2 * CHUNK_BYTES + 12345)
    sha = sha_of(src)
    with team.store("lead") as lead:
        first = lead.store_blob(src, sha, "video/mp4")
        again = lead.store_blob(src, sha, "video/mp4")
        assert (first.stored, first.size) == (True, src.stat().st_size)
        assert again.stored is False  # dedup
    with team.sql("lead") as conn:
        assert count(conn, "blob_chunks") == 3
        assert count(conn, "blobs") == 1
        row = conn.execute("SELECT size, chunks, mime FROM blobs").fetchone()
        assert row == (src.stat().st_size, 3, "video/mp4")
    with team.store("alice") as alice:  # a reviewer reads it
        got = alice.fetch_blob(sha, tmp_path / "fetched")
    assert got.read_bytes() == src.read_bytes()
    # And from a worker's connection string, without the store.
    with team.store("alice") as alice:
        conninfo = alice.blob_source()
    assert conninfo is not None
    again_path = blob_fetch.fetch(conninfo, sha, tmp_path / "fetched2")
    assert again_path.read_bytes() == src.read_bytes()


@pytest.mark.postgres
def test_a_file_that_does_not_hash_to_its_sha_is_not_stored(team: TeamDB, tmp_path: Path) -> None:
    src = random_file(tmp_path / "a.jpg", 5000)
    with team.store("lead") as lead:
        with pytest.raises(MediaStoreError) as caught:
            lead.store_blob(src, "0" * 64)
        assert caught.value.code == "media.changed_while_storing"
    with team.sql("lead") as conn:
        assert count(conn, "blobs") == 0
        assert count(conn, "blob_chunks") == 0


@pytest.mark.postgres
def test_an_altered_chunk_fails_verification_and_leaves_no_file(team: TeamDB, tmp_path: Path) -> None:
    src = random_file(tmp_path / "a.jpg", CHUNK_BYTES + 10)
    sha = sha_of(src)
    with team.store("lead") as lead:
        lead.store_blob(src, sha)
    with team.sql(owner(team)) as conn:  # the server's owner alters a byte with plain SQL
        conn.execute("UPDATE blob_chunks SET data = overlay(data placing '\\x00'::bytea from 5 for 1) WHERE seq = 1")
    dest = tmp_path / "cache" / sha
    dest.parent.mkdir()
    with team.store("alice") as alice, pytest.raises(MediaVerificationError) as caught:
        alice.fetch_blob(sha, dest)
    assert caught.value.message == "media failed verification"
    assert list(dest.parent.iterdir()) == []  # nothing kept, not even the partial file


@pytest.mark.postgres
def test_only_leads_may_store_or_delete_media_the_server_refuses_reviewers(team: TeamDB, tmp_path: Path) -> None:
    src = random_file(tmp_path / "a.jpg", 3000)
    sha = sha_of(src)
    with team.store("alice") as alice, pytest.raises(PermissionDeniedError):
        alice.store_blob(src, sha)
    with team.store("lead") as lead:
        lead.store_blob(src, sha)
    with team.sql("alice") as alice:
        for stmt in (
            "INSERT INTO blob_chunks (sha256, seq, data) VALUES ('x', 0, '\\x00')",
            "INSERT INTO blobs (sha256, size, chunks, stored_at, stored_by) VALUES ('x', 1, 1, now(), 'me')",
            "DELETE FROM blob_chunks",
            "DELETE FROM blobs",
            "UPDATE blob_chunks SET data = '\\x00'",
            "INSERT INTO media_purges (purged_by, purged_at, decided_before, items, blobs, bytes) "
            "VALUES ('me', now(), now(), 0, 0, 0)",
            "INSERT INTO media_retired (sha256, purge_id, retired_at) VALUES ('x', 1, now())",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                alice.execute(stmt)
        assert count(alice, "blob_chunks") == 1  # but she reads it
        assert count(alice, "blobs") == 1


def write_png(path: Path, colour: tuple[int, int, int]) -> Path:
    Image.new("RGB", (8, 8), colour).save(path, "PNG")
    return path


@pytest.mark.postgres
def test_an_import_into_a_team_database_stores_each_content_once(team: TeamDB, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    a = write_png(folder / "a.png", (255, 0, 0))
    write_png(folder / "b.png", (0, 255, 0))
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        "\n".join(
            f'{{"external_id": "p{i}", "platform": "x", "content_type": "image", "media_path": "batch/{name}"}}'
            for i, name in enumerate(["a.png", "b.png", "a.png"])
        )
        + "\n"
    )
    with team.store("lead") as lead:
        report = import_path(lead, manifest)
        assert report.imported == 3, report.to_json()
        sizes = (folder / "a.png").stat().st_size + (folder / "b.png").stat().st_size
        assert (report.media_stored, report.media_bytes) == (2, sizes)  # a.png's content once
    with team.sql("alice") as conn:
        assert count(conn, "blobs") == 2
        stored = {r[0] for r in conn.execute("SELECT sha256 FROM blobs")}
        items = {r[0] for r in conn.execute("SELECT sha256 FROM items")}
    assert stored == items and sha_of(a) in stored
    with team.store("lead") as lead:
        again = import_path(lead, manifest)
    assert (again.imported, again.duplicates, again.media_stored, again.media_bytes) == (0, 3, 0, 0)
    a.unlink()  # gone from the lead's disk: every desk still gets it from the database
    with team.store("alice") as alice:
        assert alice.fetch_blob(sha_of(write_png(tmp_path / "ref.png", (255, 0, 0))), tmp_path / "got").exists()


def test_a_reviewer_is_told_only_leads_import_and_the_server_refuses_it_too(team: TeamDB, tmp_path: Path) -> None:
    write_png(tmp_path / "a.png", (1, 2, 3))
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"external_id": "r1", "platform": "x", "content_type": "image", "media_path": "a.png"}\n')
    with team.store("alice") as alice, pytest.raises(PermissionDeniedError) as caught:
        import_path(alice, manifest)
    assert caught.value.code == "team.leads_only" and "import items" in str(caught.value)
    with team.sql("alice") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO items (external_id, platform, content_type) VALUES ('r1', 'x', 'text')")
    with team.sql("alice") as conn:
        assert count(conn, "items") == 0 and count(conn, "blobs") == 0


def test_sqlite_keeps_referring_to_files_where_they_are(sqlite_store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    write_png(folder / "a.png", (1, 2, 3))
    report = import_path(sqlite_store, folder)
    assert report.imported == 1
    assert sqlite_store.keeps_media is False and sqlite_store.blob_source() is None
    with sqlite_store.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM blobs").scalar_one() == 0


@pytest.mark.postgres
def test_a_team_upgraded_to_team_media_may_use_it_without_running_team_init_again(team: TeamDB, tmp_path: Path) -> None:
    """The owner upgrades a team set up before revision 0006: the migration grants as team init would."""
    from sqlalchemy import create_engine

    from moderator_gui.core.store import migrate

    downgrade_team(team, "0005")
    engine = create_engine(team.url())
    try:
        with team.sql("alice") as alice, pytest.raises(psycopg.errors.UndefinedTable):
            alice.execute("SELECT 1 FROM blobs")
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    src = random_file(tmp_path / "a.jpg", 3000)
    sha = sha_of(src)
    with team.store("lead") as lead:
        lead.store_blob(src, sha)
        assert lead.purge_media(datetime.now(UTC), dry_run=False).blobs == 0  # leads record purges
    with team.store("alice") as alice:
        assert alice.fetch_blob(sha, tmp_path / "got").read_bytes() == src.read_bytes()
    with team.sql("alice") as alice, pytest.raises(psycopg.errors.InsufficientPrivilege):
        alice.execute("DELETE FROM blob_chunks")
