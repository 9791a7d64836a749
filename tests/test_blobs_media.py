"""A desk of a team shows media it never had on disk: the media workers fetch the original by
SHA-256 from the team database, verify it, then decode it; altered bytes are never decoded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from moderator_gui.core.ingest import import_path
from moderator_gui.core.media import MediaJob, MediaKind, MediaResult, MediaService
from moderator_gui.core.store import QueueFilter, Store
from team_helpers import TeamDB, team_database
from test_blobs import owner, sha_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "lead": "lead"}) as db:
        yield db


def imported(team: TeamDB, tmp_path: Path, size: tuple[int, int] = (40, 30)) -> tuple[str, bytes]:
    """The lead imports one picture, then it is gone from the lead's disk. Its (sha256, path)."""
    folder = tmp_path / "lead-disk"
    folder.mkdir()
    pic = folder / "a.png"
    Image.new("RGB", size, (200, 10, 10)).save(pic, "PNG")
    sha = sha_of(pic)
    with team.store("lead") as lead:
        assert import_path(lead, folder).imported == 1
    with team.store("alice") as alice:
        row = alice.queue_page(QueueFilter(), limit=5)[0]
    pic.unlink()
    assert row.sha256 == sha
    return sha, row.media_path


def render(store: Store, cache: Path, sha: str, path: bytes) -> MediaResult:
    got: list[MediaResult] = []
    done = threading.Event()
    with MediaService(cache, workers=1, store=store) as svc:

        def on(result: MediaResult) -> None:
            got.append(result)
            done.set()

        svc.request(MediaJob(sha, path, MediaKind.THUMB), 0.0, on)
        assert done.wait(120)
    return got[0]


def test_a_reviewer_desk_fetches_verifies_and_decodes_media_it_never_had(team: TeamDB, tmp_path: Path) -> None:
    sha, path = imported(team, tmp_path)
    with team.store("alice") as alice:
        result = render(alice, tmp_path / "alice-cache", sha, path)
    assert result.ok, result.error
    assert result.probe is not None and (result.probe["width"], result.probe["height"]) == (40, 30)
    assert (tmp_path / "alice-cache" / "blobs" / sha).is_file()  # the verified original, kept for the viewer


def test_an_altered_chunk_is_media_failed_verification_and_is_never_decoded(team: TeamDB, tmp_path: Path) -> None:
    sha, path = imported(team, tmp_path)
    with team.sql(owner(team)) as conn:
        conn.execute("UPDATE blob_chunks SET data = overlay(data placing '\\xff'::bytea from 40 for 1)")
    cache = tmp_path / "alice-cache"
    with team.store("alice") as alice:
        result = render(alice, cache, sha, path)
    assert not result.ok
    assert result.error == "media failed verification"
    assert result.probe is None and result.image is None  # nothing was decoded
    blobs = cache / "blobs"
    assert not blobs.exists() or list(blobs.iterdir()) == []  # the altered bytes were not kept
