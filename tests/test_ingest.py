"""import_path() on good input: folders, JSONL and CSV manifests, idempotent re-import, batching.

Runs on a real SQLite file and on the real PostgreSQL server (``store`` fixture).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from corpus import PILLOW_CORPUS
from moderator_gui.core.domain import compute_priority
from moderator_gui.core.ingest import batching, files, import_path
from moderator_gui.core.store import DatabaseLockedError, Store, display_path, path_from_db
from moderator_gui.core.store.tables import items_t

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


def items(store: Store) -> dict[str, Any]:
    with store.read() as conn:
        return {r.external_id: r for r in conn.execute(select(items_t))}


def count(store: Store) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(items_t)).scalar_one()


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def media(tmp_path: Path) -> Path:
    """A manifest folder with a few real media files."""
    d = tmp_path / "drop"
    (d / "media").mkdir(parents=True)
    for name in ("hopper.jpg", "hopper.png", "hopper.gif", "iss634.webp"):
        (d / "media" / name).write_bytes((PILLOW_CORPUS / name).read_bytes())
    (d / "media" / "clip.mp4").write_bytes((EXAMPLES / "media" / "clip.mp4").read_bytes())
    return d


def test_jsonl_manifest_stores_every_field(store: Store, media: Path) -> None:
    manifest = write_jsonl(
        media / "m.jsonl",
        [
            {
                "external_id": "a1", "platform": "weibo", "content_type": "image", "media_path": "media/hopper.jpg",
                "uploader": "u1", "flagged_at": "2024-05-01T08:30:00+08:00", "flag_source": "user_report",
                "flag_reason": "why", "report_count": 7, "classifier_score": 0.5,
                "suspected_category": "porn_violence", "width": 128, "height": 128,
            },
            {"external_id": "a2", "platform": "weibo", "content_type": "video", "media_path": "media/clip.mp4",
             "flagged_at": "2024-05-01 12:00:00", "priority": 42, "duration_ms": 1000},
            {"external_id": "t1", "platform": "tieba", "content_type": "text", "text": "你好, world"},
        ],
    )  # fmt: skip
    before = datetime.now(UTC)
    report = import_path(store, manifest)
    assert (report.imported, report.duplicates, report.rejected, report.warnings) == (3, 0, [], [])
    got = items(store)
    a1 = got["a1"]
    assert path_from_db(a1.media_path) == (media / "media" / "hopper.jpg").resolve()
    assert a1.sha256 == sha(media / "media" / "hopper.jpg")
    assert a1.size_bytes == (media / "media" / "hopper.jpg").stat().st_size
    assert a1.media_type == "image/jpeg"
    assert a1.flagged_at == datetime(2024, 5, 1, 0, 30, tzinfo=UTC)
    severity = store.policy.category("porn_violence").severity
    assert a1.priority == compute_priority(severity, 7, 0.5)
    assert (a1.uploader, a1.flag_source, a1.flag_reason, a1.report_count, a1.classifier_score) == (
        "u1", "user_report", "why", 7, 0.5,
    )  # fmt: skip
    assert (a1.width, a1.height, a1.status, a1.platform) == (128, 128, "pending", "weibo")
    assert a1.import_source == str(manifest.resolve())
    assert got["a2"].flagged_at == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)  # naive = UTC
    assert (got["a2"].priority, got["a2"].media_type, got["a2"].duration_ms) == (42, "video/mp4", 1000)
    t1 = got["t1"]
    assert (t1.content_type, t1.text_body, t1.media_path) == ("text", "你好, world", None)
    assert t1.priority == compute_priority(1, 0, None)  # no suspected category: severity 1
    assert before <= t1.flagged_at <= datetime.now(UTC)  # default: import time


def test_reimport_is_idempotent(store: Store, media: Path) -> None:
    rows = [
        {"external_id": f"x{i}", "platform": "p", "content_type": "image", "media_path": "media/hopper.png"}
        for i in range(5)
    ]
    manifest = write_jsonl(media / "m.jsonl", rows)
    first = import_path(store, manifest)
    again = import_path(store, manifest)
    assert (first.imported, first.duplicates) == (5, 0)
    assert (again.imported, again.duplicates, again.rejected) == (0, 5, [])
    assert count(store) == 5
    # the same id on another platform is another item
    write_jsonl(manifest, [dict(rows[0], platform="other")])
    assert import_path(store, manifest).imported == 1
    assert count(store) == 6


def test_csv_with_bom_crlf_and_quoted_fields(store: Store, media: Path) -> None:
    text = "第一行，带逗号, and a comma\r\nsecond line with a \"quote\""
    quoted = '"' + text.replace('"', '""') + '"'
    csv_bytes = (
        "\ufeffexternal_id,platform,content_type,media_path,text,flag_reason,report_count,classifier_score\r\n"
        'c1,weibo,image,media/hopper.gif,,"reason, with comma",3,0.25\r\n'
        f"c2,tieba,text,,{quoted},,,\r\n"
        "c3,weibo,animation,media/iss634.webp,,,0,\r\n"
    ).encode()
    manifest = media / "m.csv"
    manifest.write_bytes(csv_bytes)
    report = import_path(store, manifest)
    assert (report.imported, report.rejected, report.warnings) == (3, [], [])
    got = items(store)
    assert got["c1"].flag_reason == "reason, with comma"
    assert (got["c1"].report_count, got["c1"].classifier_score, got["c1"].media_type) == (3, 0.25, "image/gif")
    assert got["c2"].text_body == text
    assert (got["c3"].content_type, got["c3"].media_type) == ("animation", "image/webp")


def test_csv_line_numbers_count_physical_lines(store: Store, media: Path) -> None:
    manifest = media / "m.csv"
    manifest.write_bytes(
        b"external_id,platform,content_type,text\r\n"
        b'ok1,p,text,"multi\r\nline\r\ntext"\r\n'
        b"bad,p,text,\r\n"
    )
    report = import_path(store, manifest)
    assert report.imported == 1
    assert [(r.where, r.reason) for r in report.rejected] == [
        ("line 5", "missing field 'text' (required for content_type 'text')")
    ]


def test_platform_option_is_the_default_for_manifest_rows(store: Store, media: Path) -> None:
    manifest = write_jsonl(
        media / "m.jsonl",
        [
            {"external_id": "n1", "content_type": "text", "text": "a"},
            {"external_id": "n2", "platform": "own", "content_type": "text", "text": "b"},
        ],
    )
    assert import_path(store, manifest, platform="kuaishou").imported == 2
    got = items(store)
    assert (got["n1"].platform, got["n2"].platform) == ("kuaishou", "own")


def test_folder_import(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "folder"
    (root / "sub dir" / "深").mkdir(parents=True)
    (root / "a.jpg").write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    (root / "sub dir" / "wrong-extension.gif").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    (root / "sub dir" / "深" / "🙂 sticker.webp").write_bytes((PILLOW_CORPUS / "iss634.webp").read_bytes())
    (root / "sub dir" / "copy of a.jpg").write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    (root / "still.webp").write_bytes((PILLOW_CORPUS / "hopper.webp").read_bytes())
    (root / "clip.MP4").write_bytes((EXAMPLES / "media" / "clip.mp4").read_bytes())
    (root / "post.txt").write_bytes("\ufeff一条文字帖子\n".encode())
    report = import_path(store, root)
    assert report.rejected == []
    assert (report.imported, report.duplicates) == (6, 1)  # "copy of a.jpg" has a.jpg's content
    assert any("copy of a.jpg" in w and "a.jpg" in w for w in report.warnings)
    got = items(store)
    assert set(got) == {
        "a.jpg", "sub dir/wrong-extension.gif", "sub dir/深/🙂 sticker.webp", "still.webp", "clip.MP4", "post.txt"
    }
    assert {r.platform for r in got.values()} == {"folder"}
    assert got["sub dir/wrong-extension.gif"].media_type == "image/png"  # the bytes, not the name
    # A sticker by its structure (42 frames), a still WebP an image, a PNG named .gif an image.
    assert got["sub dir/深/🙂 sticker.webp"].content_type == "animation"
    assert (got["still.webp"].content_type, got["sub dir/wrong-extension.gif"].content_type) == ("image", "image")
    assert (got["clip.MP4"].content_type, got["clip.MP4"].media_type) == ("video", "video/mp4")
    assert (got["post.txt"].content_type, got["post.txt"].text_body) == ("text", "一条文字帖子\n")
    assert display_path(got["a.jpg"].media_path) == str((root / "a.jpg").resolve())
    assert {r.import_source for r in got.values()} == {str(root.resolve())}

    again = import_path(store, root, platform="folder")
    assert (again.imported, again.duplicates, again.rejected) == (0, 7, [])
    assert count(store) == 6
    (root / "a moved copy.jpg").write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    third = import_path(store, root)
    assert (third.imported, third.duplicates) == (0, 8)  # same content within the source: no new item


def test_folder_platform_option(store: Store, tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    assert import_path(store, tmp_path, platform="wechat").imported == 1
    assert items(store)["a.png"].platform == "wechat"


@pytest.mark.skipif(os.name != "posix", reason="needs a file system that allows non-UTF-8 names")
def test_folder_with_non_utf8_names(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "raw"
    root.mkdir()
    raw_name = b"caf\xe9 \\ photo.jpg"  # Latin-1 e-acute and a literal backslash
    raw_path = os.fsencode(root) + b"/" + raw_name
    with open(raw_path, "wb") as fh:
        fh.write((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    report = import_path(store, root)
    assert (report.imported, report.rejected) == (1, [])
    (row,) = items(store).values()
    assert row.external_id == "caf\\xe9 \\\\ photo.jpg"  # lossless escape, valid UTF-8
    assert row.media_path == os.path.realpath(raw_path)  # raw bytes round-trip
    assert os.path.exists(os.fsencode(path_from_db(row.media_path)))
    assert display_path(row.media_path).endswith("caf\ufffd \\ photo.jpg")


def test_examples_import_cleanly(store: Store) -> None:
    for name, n in (("manifest.jsonl", 6), ("manifest.csv", 3)):
        report = import_path(store, EXAMPLES / name)
        assert (report.imported, report.rejected, report.warnings) == (n, [], []), name
    got = items(store)
    assert got["wb-1001"].sha256 == sha(EXAMPLES / "media" / "photo.jpg")
    assert "\n" in got["tb-3101"].text_body and '"quote"' in got["tb-3101"].text_body


def test_many_rows_share_one_file_and_it_is_hashed_once(
    store: Store, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_hash = files._hash

    def counting_hash(path: str, shown: str) -> tuple[str, str | None, bytes, bool]:
        calls.append(path)
        return real_hash(path, shown)

    monkeypatch.setattr(files, "_hash", counting_hash)
    monkeypatch.setattr(batching, "BATCH_ROWS", 50)
    rows = [
        {"external_id": f"r{i}", "platform": "p", "content_type": "image",
         "media_path": "media/hopper.jpg" if i % 2 else "./media/../media/hopper.jpg"}
        for i in range(120)
    ]  # fmt: skip
    done: list[int] = []
    report = import_path(store, write_jsonl(media / "m.jsonl", rows), progress=done.append)
    assert report.imported == 120
    assert len(calls) == 1
    assert done == [50, 100, 120]  # after each committed batch, then at the end
    assert count(store) == 120


def test_progress_false_cancels_after_a_committed_batch(
    store: Store, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batching, "BATCH_ROWS", 10)
    rows = [{"external_id": f"c{i}", "platform": "p", "content_type": "text", "text": "t"} for i in range(35)]
    report = import_path(store, write_jsonl(media / "m.jsonl", rows), progress=lambda done: done < 20)
    assert report.cancelled and report.imported == 20
    assert count(store) == 20
    assert any("cancelled" in w for w in report.warnings)


def test_progress_is_reported_while_only_rejections_come(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batching, "BATCH_ROWS", 2)
    for i in range(5):
        (tmp_path / f"junk{i}.bin").write_bytes(b"junk")
    done: list[int] = []
    report = import_path(store, tmp_path, progress=lambda n: done.append(n) or n < 4)
    assert done == [2, 4]  # the caller can cancel a long run of bad files too
    assert (report.imported, len(report.rejected), report.cancelled) == (0, 4, True)


def test_locked_database_keeps_committed_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "locked.sqlite3"
    store = Store.open(db, busy_timeout_ms=200)
    monkeypatch.setattr(batching, "BATCH_ROWS", 10)
    rows = [{"external_id": f"l{i}", "platform": "p", "content_type": "text", "text": "t"} for i in range(25)]
    manifest = write_jsonl(tmp_path / "m.jsonl", rows)
    other = sqlite3.connect(db, isolation_level=None)

    def lock_after_first_batch(done: int) -> None:
        other.execute("BEGIN IMMEDIATE")  # another program takes the write lock

    try:
        with pytest.raises(DatabaseLockedError, match="locked"):
            import_path(store, manifest, progress=lock_after_first_batch)
        other.execute("ROLLBACK")
        assert count(store) == 10  # the first batch was committed and kept
        report = import_path(store, manifest)  # re-running finishes the job without duplicates
        assert (report.imported, report.duplicates) == (15, 10)
    finally:
        other.close()
        store.close()


@pytest.mark.skipif(os.name != "posix", reason="needs a file system that allows non-UTF-8 names")
def test_manifest_paths_with_spaces_emoji_and_non_utf8_bytes(store: Store, tmp_path: Path) -> None:
    media = tmp_path / "media dir"
    media.mkdir()
    (media / "🙂 smile.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    raw = os.fsencode(media) + b"/caf\xe9.jpg"
    with open(raw, "wb") as fh:
        fh.write((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        # a non-UTF-8 byte is written as its surrogate escape (Python's os.fsdecode form): \udce9
        '{"external_id": "e1", "platform": "p", "content_type": "image", "media_path": "media dir/🙂 smile.png"}\n'
        '{"external_id": "e2", "platform": "p", "content_type": "image", "media_path": "media dir/caf\\udce9.jpg"}\n',
        encoding="utf-8",
    )
    report = import_path(store, manifest)
    assert (report.imported, report.rejected) == (2, [])
    got = items(store)
    assert got["e1"].media_path == os.fsencode(media.resolve() / "🙂 smile.png")
    assert got["e2"].media_path == os.path.realpath(raw)
    assert display_path(got["e2"].media_path).endswith("media dir/caf\ufffd.jpg")
