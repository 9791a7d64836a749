"""core.ingest.preview (the import dialog's preview, Qt-free): the first rows of a real manifest
mapped and validated by the import's own rules, without a database; each file hashed once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corpus import PILLOW_CORPUS
from media_corpus import write_gif
from moderator_gui.core.ingest import ImportSourceError, files
from moderator_gui.core.ingest.mapping import ColumnMapping, parse_map_options
from moderator_gui.core.ingest.preview import preview_rows, read_sample
from moderator_gui.core.policy import load_policy


@pytest.fixture
def jsonl(tmp_path: Path) -> Path:
    (tmp_path / "photo.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    write_gif(tmp_path / "sticker.gif", frames=3)
    rows: list[Any] = [
        {"post_id": "a", "file": "photo.png"},
        {"post_id": "b", "file": "sticker.gif", "extra": 1},
        {"post_id": "c", "file": "photo.png", "kind": "video"},
        [1, 2],
        {"post_id": "d", "file": "../x.png"},
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_sample_and_preview_with_the_import_rules(jsonl: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = read_sample(jsonl)
    assert (sample.kind, sample.columns) == ("jsonl", ["post_id", "file", "extra", "kind"])
    assert [line for line, _ in sample.records] == [1, 2, 3, 4, 5]
    hashed: list[str] = []
    real_hash = files._hash

    def counting(path: str, shown: str) -> Any:
        hashed.append(shown)
        return real_hash(path, shown)

    monkeypatch.setattr(files, "_hash", counting)
    mapping = parse_map_options(["post_id=external_id", "file=media_path", "kind=content_type"])
    cache: files.HashCache = {}
    rows = preview_rows(sample, mapping, load_policy(), platform="p", hashes=cache)
    assert [(r.line, r.content_type, r.problem and r.problem.render()) for r in rows] == [
        (1, "image", None),
        (2, "animation", None),
        (3, None, "content_type 'video' but photo.png is image/png"),
        (4, None, "expected a JSON object, got array"),
        (5, None, "media_path '../x.png' is outside the manifest's folder"),
    ]
    assert rows[1].fields == {"external_id": "b", "media_path": "sticker.gif", "extra": 1}
    assert sorted(hashed) == ["photo.png", "sticker.gif"]
    again = preview_rows(sample, mapping, load_policy(), platform=None, hashes=cache)  # no platform now
    assert {r.problem.render() for r in again[:3] if r.problem} == {"missing required field 'platform'"}
    assert sorted(hashed) == ["photo.png", "sticker.gif"], "hashed once across previews"
    unmapped = preview_rows(sample, ColumnMapping(), load_policy(), platform="p")
    assert unmapped[0].problem is not None and unmapped[0].problem.render() == "missing required field 'external_id'"


def test_csv_sample_keeps_the_header_and_a_folder_has_none(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("post_id,file\n" + "".join(f"p{i},x.png\n" for i in range(30)), encoding="utf-8")
    sample = read_sample(tmp_path / "m.csv", rows=5)
    assert (sample.columns, [line for line, _ in sample.records]) == (["post_id", "file"], [2, 3, 4, 5, 6])
    assert read_sample(tmp_path).kind == "folder"
    with pytest.raises(ImportSourceError, match="source not found"):
        read_sample(tmp_path / "nope.jsonl")
