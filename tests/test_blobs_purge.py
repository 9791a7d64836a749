"""Retention: a lead purges the stored media of items decided before a date; hashes and
decisions stay, each purge is recorded, desks say "media removed by retention policy on DATE",
and nobody but a lead may do it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from moderator_gui.cli import main
from moderator_gui.core.ingest import import_path
from moderator_gui.core.media_store import MediaRetiredError
from moderator_gui.core.store import QueueFilter, Store
from store_helpers import decision
from team_helpers import TeamDB, team_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def team() -> Iterator[TeamDB]:
    with team_database({"alice": "reviewer", "lead": "lead"}) as db:
        yield db


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def setup_queue(team: TeamDB, tmp_path: Path) -> dict[str, int]:
    """Four items: p0 and p1 decided (p1 shares its picture with p3, still pending), p2 pending."""
    folder = tmp_path / "m"
    folder.mkdir()
    for i, colour in enumerate([(255, 0, 0), (0, 255, 0), (0, 0, 255)]):
        Image.new("RGB", (6, 6), colour).save(folder / f"{i}.png")
    manifest = tmp_path / "m.jsonl"
    files = ["0.png", "1.png", "2.png", "1.png"]
    manifest.write_text("".join(
        f'{{"external_id": "p{i}", "platform": "x", "content_type": "image", "media_path": "m/{name}"}}\n'
        for i, name in enumerate(files)
    ))  # fmt: skip
    with team.store("lead") as lead:
        assert import_path(lead, manifest).imported == 4
        ids = {r.external_id: r.id for r in lead.queue_page(QueueFilter(), limit=10)}
    with team.store("alice") as alice:
        for ext in ("p0", "p1"):
            alice.record(decision(ids[ext], team.login("alice")))
    return ids


def test_a_lead_purges_decided_media_and_the_desks_say_so(
    team: TeamDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = setup_queue(team, tmp_path)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    sha0 = hashlib.sha256((tmp_path / "m" / "0.png").read_bytes()).hexdigest()

    code, out, _ = cli(capsys, "media", "purge", "--db", team.url("lead"), "--decided-before", tomorrow, "--dry-run")
    assert code == 0
    assert out.startswith("would remove the stored media of 1 item(s): 1 file(s)")
    with team.store("alice") as alice:
        assert alice.has_blob(sha0)  # a dry run removes nothing
        assert alice.media_purges() == []

    # Before the decisions: nothing to remove.
    code, out, _ = cli(capsys, "media", "purge", "--db", team.url("lead"), "--decided-before", "2000-01-01")
    assert code == 0 and "of 0 item(s)" in out

    code, out, _ = cli(capsys, "media", "purge", "--db", team.url("lead"), "--decided-before", tomorrow)
    assert code == 0
    assert "removed the stored media of 1 item(s)" in out and "recorded as purge #" in out
    with team.store("alice") as alice:
        assert not alice.has_blob(sha0)
        purges = alice.media_purges()
        # Both real purges are recorded (the one that found nothing too): who, the cut-off, items, bytes.
        assert [(p["purged_by"], p["items"], p["blobs"]) for p in purges] == [
            (team.login("lead"), 0, 0), (team.login("lead"), 1, 1)
        ]  # fmt: skip
        assert purges[-1]["bytes"] == (tmp_path / "m" / "0.png").stat().st_size
        rows = {r.external_id: r for r in alice.queue_page(QueueFilter(status="all"), limit=10)}
        assert rows["p0"].media_retired_at is not None and rows["p0"].sha256 == sha0  # the hash stays
        assert rows["p0"].status == "decided"  # and the decision
        assert rows["p1"].media_retired_at is None  # its picture is still needed by p3
        assert rows["p2"].media_retired_at is None
        with pytest.raises(MediaRetiredError) as caught:
            alice.fetch_blob(sha0, tmp_path / "x")
        assert caught.value.message == f"media removed by retention policy on {date.today().isoformat()}"
    assert ids


def test_only_a_lead_may_purge(team: TeamDB, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    setup_queue(team, tmp_path)
    code, _out, err = cli(capsys, "media", "purge", "--db", team.url("alice"), "--decided-before", "2100-01-01")
    assert code == 3
    assert "only a team lead may do this (purge stored media)" in err
    with team.store("alice") as alice:
        assert alice.media_purges() == []


def test_a_bad_date_and_a_sqlite_file_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = cli(capsys, "media", "purge", "--db", str(tmp_path / "x.sqlite3"), "--decided-before", "soon")
    assert code == 2 and "not a date" in err
    db = tmp_path / "solo.sqlite3"
    Store.open(db).close()
    code, _out, err = cli(capsys, "media", "purge", "--db", str(db), "--decided-before", "2026-01-01")
    assert code == 2 and "stores no media" in err
