"""Faults of team media: the server goes away mid-upload (the import stops, nothing half-stored
is ever visible, running it again completes it) and mid-fetch (the fetch is retried).

The server "goes away" for the connection doing the work: ``pg_terminate_backend`` from the
server's owner, at a chosen chunk, as a restart or a crash would end it."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from moderator_gui.core.ingest import import_path
from moderator_gui.core.media_store import CHUNK_BYTES
from moderator_gui.core.store import StorageUnavailableError, blob_fetch
from moderator_gui.core.store import blobs as blobs_module
from team_helpers import TeamDB, team_database
from test_blobs import count, owner

pytestmark = pytest.mark.postgres


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "lead": "lead"}) as db:
        yield db


def noisy_png(path: Path, side: int = 2000) -> Path:
    """A PNG that does not compress: several chunks."""
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, "PNG", compress_level=0)
    return path


def cut_off(team: TeamDB, login: str) -> int:
    """End every connection of ``login`` (the owner's doing: as a server restart would)."""
    with team.sql(owner(team)) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid()", (login,)
        ).fetchall()
    return len(rows)


class CutAfter:
    """A file that, after ``n`` chunks were read from it, cuts the uploader's connections."""

    def __init__(self, path: Path, n: int, cut: Any) -> None:
        self._fh = open(path, "rb")  # noqa: SIM115
        self._left = n
        self._cut = cut

    def read(self, size: int = -1) -> bytes:
        if self._left == 0:
            self._cut()
        self._left -= 1
        return self._fh.read(size)

    def __enter__(self) -> CutAfter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._fh.close()


def test_the_server_gone_mid_upload_leaves_nothing_and_running_the_import_again_completes_it(
    team: TeamDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    big = noisy_png(folder / "big.png")
    assert big.stat().st_size > 8 * CHUNK_BYTES
    sha = hashlib.sha256(big.read_bytes()).hexdigest()
    cuts: list[int] = []
    monkeypatch.setattr(
        blobs_module, "open", lambda p, mode="rb": CutAfter(Path(p), 3, lambda: cuts.append(cut_off(team, team.login("lead")))),
        raising=False,
    )
    with team.store("lead") as lead, pytest.raises(StorageUnavailableError):
        import_path(lead, folder)
    assert cuts and cuts[0] >= 1  # it was cut mid-upload
    with team.sql("alice") as alice:  # no half-stored media, and no item whose media is missing
        assert count(alice, "blobs") == 0
        assert count(alice, "blob_chunks") == 0
        assert count(alice, "items") == 0
    monkeypatch.undo()
    with team.store("lead") as lead:
        report = import_path(lead, folder)
    assert report.imported == 1
    with team.store("alice") as alice:
        got = alice.fetch_blob(sha, tmp_path / "got")
    assert got.read_bytes() == big.read_bytes()


def test_the_server_gone_mid_fetch_is_retried(team: TeamDB, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = noisy_png(tmp_path / "big.png")
    sha = hashlib.sha256(src.read_bytes()).hexdigest()
    with team.store("lead") as lead:
        lead.store_blob(src, sha, "image/png")
        source = lead.blob_source()
    assert source is not None
    alice_source = source.replace(team.login("lead"), team.login("alice"), 1)
    real_iter = blob_fetch.iter_chunks
    attempts: list[int] = []

    def iter_and_cut(conn: Any, sha256: str) -> Iterator[bytes]:
        attempts.append(len(attempts) + 1)
        for i, chunk in enumerate(real_iter(conn, sha256)):
            if len(attempts) == 1 and i == 1:
                assert cut_off(team, team.login("alice")) >= 1
            yield chunk

    monkeypatch.setattr(blob_fetch, "iter_chunks", iter_and_cut)
    dest = tmp_path / "cache" / sha
    dest.parent.mkdir()
    blob_fetch.fetch(alice_source, sha, dest)
    assert attempts == [1, 2]  # cut once, fetched again on a fresh connection
    assert dest.read_bytes() == src.read_bytes()
    assert [p.name for p in dest.parent.iterdir()] == [sha]  # no partial file left behind
