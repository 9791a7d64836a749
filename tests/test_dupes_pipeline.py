"""From files to clusters, as a team would run it: import a folder of re-shared copies of one
picture (cropped, letterboxed, recompressed) and of other pictures, prefetch (the media
workers hash what they thumbnail), and the copies form one near-duplicate cluster while the
other pictures stay alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moderator_gui.cli import main
from test_pdq_signatures import _crop, _letterbox, picture


@pytest.mark.slow
def test_reshared_copies_cluster_after_prefetch_and_others_do_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    original = picture(3)
    original.save(folder / "original.png")
    _crop(original, 5).save(folder / "cropped.jpg", quality=80)
    _letterbox(original).save(folder / "letterboxed.webp", quality=80)
    for seed in (4, 5):
        picture(seed).save(folder / f"other-{seed}.png")
    db = str(tmp_path / "q.sqlite3")
    assert main(["import", str(folder), "--db", db]) == 0
    assert main(["prefetch", "--db", db, "--jobs", "2"]) == 0
    capsys.readouterr()
    assert main(["clusters", "--db", db, "--json"]) == 0
    clusters = json.loads(capsys.readouterr().out)["clusters"]
    assert [(c["kind"], sorted(i["external_id"] for i in c["items"])) for c in clusters] == [
        ("near", ["cropped.jpg", "letterboxed.webp", "original.png"])
    ]
