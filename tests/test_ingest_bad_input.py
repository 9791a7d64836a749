"""import_path() on hostile input: every bad row or file is rejected with its line/path and a
specific reason, the rest import, nothing crashes or hangs, and memory stays bounded."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from corpus import PILLOW_CORPUS
from moderator_gui.core import ingest
from moderator_gui.core.ingest import ImportReport, ImportSourceError, import_path, records
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import items_t
from test_ingest_reasons import check_coded

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def ids(store: Store) -> set[str]:
    with store.read() as conn:
        return set(conn.execute(select(items_t.c.external_id)).scalars())


def reasons(report: ImportReport) -> dict[str, str]:
    """where -> reason; every rejection and warning is also checked to be a catalogued, coded message."""
    check_coded(report)
    return {r.where: r.reason for r in report.rejected}


def row(eid: str, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"external_id": eid, "platform": "p", "content_type": "image", "media_path": "media/ok.jpg"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    """A manifest folder with one good image, an empty file, a non-media file, a FIFO, a folder
    named like media, and a symlink pointing out of the folder."""
    d = tmp_path / "drop"
    (d / "media" / "folder.jpg").mkdir(parents=True)
    (d / "media" / "ok.jpg").write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    (d / "media" / "empty.jpg").write_bytes(b"")
    (d / "media" / "page.jpg").write_bytes(b"<!DOCTYPE html><html></html>")
    os.mkfifo(d / "media" / "pipe.jpg")
    outside = tmp_path / "secret.jpg"
    outside.write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    (d / "media" / "escape.jpg").symlink_to(outside)
    (d / "media" / "inside-link.jpg").symlink_to(d / "media" / "ok.jpg")
    return d


def test_each_bad_row_is_rejected_with_its_line_and_reason(store: Store, drop: Path) -> None:
    good_sha = hashlib.sha256((drop / "media" / "ok.jpg").read_bytes()).hexdigest()
    lines: list[tuple[str | bytes | dict[str, Any], str | None]] = [
        (row("good1", extra_a=1), None),
        ('{"external_id": "broken", "platform": ', "invalid JSON: Expecting value (column 39)"),
        ("[1, 2]", "expected a JSON object, got array"),
        ("[" * 100_000, "invalid JSON: nested too deeply"),
        ('{"external_id": "big-int", "report_count": ' + "9" * 5000 + "}",
         "invalid JSON: a number has too many digits"),
        ("42", "expected a JSON object, got number"),
        ('"just a string"', "expected a JSON object, got string"),
        (row(None), "missing required field 'external_id'"),  # type: ignore[arg-type]
        (row("b", platform=None), "missing required field 'platform'"),
        (row("b", content_type=None, media_path=None), "no content_type, and neither media_path nor text to infer it from"),
        (row("b", content_type="photo"), "field 'content_type' is 'photo'; expected one of image|animation|video|live_clip|text"),
        (row("b", report_count="3"), "field 'report_count' must be an integer, got string '3'"),
        (row("b", report_count=True), "field 'report_count' must be an integer, got boolean True"),
        (row("b", report_count=-1), "field 'report_count' is -1; expected 0..2147483647"),
        (row("b", priority=2**40), "field 'priority' is 1099511627776; expected -2147483648..2147483647"),
        (row("b", width=0), "field 'width' is 0; expected 1..2147483647"),
        (row("b", classifier_score=1.5), "field 'classifier_score' is 1.5; expected a number from 0 to 1"),
        (row("b", classifier_score="high"), "field 'classifier_score' must be a number, got string 'high'"),
        ('{"external_id": "nan", "platform": "p", "content_type": "text", "text": "t", "classifier_score": NaN}',
         "field 'classifier_score' is nan; expected a number from 0 to 1"),
        (row("b", flagged_at="yesterday"), "field 'flagged_at' is not an ISO 8601 date-time: 'yesterday'"),
        (row("b", suspected_category="nope"), "field 'suspected_category': unknown category code 'nope'"),
        (row("x" * 300), "field 'external_id' has 300 characters; the limit is 200"),
        (row(5), "field 'external_id' must be a string, got number"),  # type: ignore[arg-type]
        (row("b", uploader=["a"]), "field 'uploader' must be a string, got array"),
        (row("b", content_type="text", media_path=None, text="a\x00b"), "field 'text' contains a NUL character"),
        ('{"external_id": "s", "platform": "p", "content_type": "text", "text": "bad \\ud800 surrogate"}',
         "field 'text' contains an unpaired surrogate at character 4"),
        (row("b", content_type="text", media_path=None, text="x" * (ingest.MAX_TEXT_BYTES + MB_HALF)),
         "field 'text' is 1.5 MB; the limit is 1 MB"),
        (row("b", media_path=None), "missing field 'media_path' (required for content_type 'image')"),
        (row("b", content_type="text", media_path=None), "missing field 'text' (required for content_type 'text')"),
        (row("b", content_type="text", text="t"), "a text row carries its text in 'text'; 'media_path' is not allowed"),
        (row("b", sha256="0" * 64), f"sha256 does not match media/ok.jpg (the file's is {good_sha})"),
        (row("b", sha256="abc"), "field 'sha256' must be 64 hexadecimal digits"),
        (b'{"external_id": "caf\xe9", "platform": "p", "content_type": "text", "text": "t"}',
         "not valid UTF-8 (byte 0xe9 at byte 21 of the line)"),
        (row("b", media_path="media/nope.jpg"), "file not found: media/nope.jpg"),
        (row("b", media_path="../secret.jpg"), "media_path '../secret.jpg' is outside the manifest's folder"),
        (row("b", media_path="media/../../secret.jpg"), "media_path 'media/../../secret.jpg' is outside the manifest's folder"),
        (row("b", media_path="/etc/hostname"), "media_path '/etc/hostname' is outside the manifest's folder"),
        (row("b", media_path="media/escape.jpg"),
         "media_path 'media/escape.jpg' is a symlink pointing outside the manifest's folder"),
        (row("b", media_path="media/empty.jpg"), "empty file (0 bytes): media/empty.jpg"),
        (row("b", media_path="media/page.jpg"), "not a recognised image or video format (first bytes: 3c 21 44 4f)"),
        (row("b", media_path="media/pipe.jpg"), "media/pipe.jpg is a FIFO, not a media file"),
        (row("b", media_path="media/folder.jpg"), "media/folder.jpg is a folder, not a file"),
        (row("b", content_type="video"), "content_type 'video' but media/ok.jpg is image/jpeg"),
        ("   ", None),  # blank lines are skipped silently
        (row("good2", media_path=str(drop / "media" / "ok.jpg"), extra_a=2, extra_b=3), None),  # absolute, inside
        (row("good3", media_path="media/inside-link.jpg", sha256=good_sha.upper()), None),
        (row("good1", platform="p"), None),  # repeats line 1: a duplicate, not a rejection
    ]  # fmt: skip
    data = b""
    expected: dict[str, str] = {}
    for n, (line, reason) in enumerate(lines, start=1):
        raw = line if isinstance(line, bytes) else (line if isinstance(line, str) else json.dumps(line)).encode()
        data += raw + b"\n"
        if reason is not None:
            expected[f"line {n}"] = reason
    manifest = drop / "m.jsonl"
    manifest.write_bytes(data)
    report = import_path(store, manifest)
    assert reasons(report) == expected
    assert (report.imported, report.duplicates) == (3, 1)
    assert ids(store) == {"good1", "good2", "good3"}
    last = len(lines)
    assert report.warnings == [
        "unknown field 'extra_a' ignored (first on line 1)",
        f"unknown field 'extra_b' ignored (first on line {last - 2})",
        f"line {last}: external_id 'good1' (platform 'p') repeats line 1; kept the first",
    ]


MB_HALF = ingest.MB // 2


def test_100_mb_text_field_is_measured_not_loaded(sqlite_store: Store, tmp_path: Path) -> None:
    manifest = tmp_path / "huge.jsonl"
    chunk = b"a" * ingest.MB
    with open(manifest, "wb") as fh:
        fh.write(b'{"external_id": "big", "platform": "p", "content_type": "text", "text": "')
        for _ in range(100):
            fh.write(chunk)
        fh.write(b'"}\n')
        fh.write(b'{"external_id": "after", "platform": "p", "content_type": "text", "text": "small"}\n')
    tracemalloc.start()
    try:
        report = import_path(sqlite_store, manifest)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert reasons(report) == {"line 1": "field 'text' is about 100.0 MB; the limit is 1 MB"}
    assert ids(sqlite_store) == {"after"}
    assert peak < 3 * ingest.MAX_LINE_BYTES, f"peak {peak / ingest.MB:.0f} MB: the huge line was held in memory"


def test_oversize_lines_name_the_field_in_jsonl_and_csv(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "MAX_LINE_BYTES", 4096)
    big = "长" * 5000  # 15000 UTF-8 bytes, with escapes in the JSON form
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text(
        json.dumps({"external_id": "j1", "platform": "p", "content_type": "text", "flag_reason": big, "text": "t"})
        + "\n"
        + json.dumps({"external_id": "j2", "platform": "p", "content_type": "text", "text": "ok"})
        + "\n"
        + json.dumps([big])
        + "\n",
        encoding="utf-8",
    )
    report = import_path(sqlite_store, jsonl)
    got = reasons(report)
    assert re.fullmatch(r"field 'flag_reason' is about 29\.\d KB; the limit is 1 MB", got["line 1"])
    assert re.fullmatch(r"line is 29\.\d KB; the limit is 4 KB", got["line 3"])
    csv_file = tmp_path / "m.csv"
    csv_file.write_text(
        "external_id,platform,content_type,text\r\n"
        f'c1,p,text,"{big}\r\nstill inside the quoted field"\r\n'
        "c2,p,text,fine\r\n",
        encoding="utf-8",
    )
    report = import_path(sqlite_store, csv_file)
    assert list(reasons(report)) == ["line 2"]
    assert re.fullmatch(r"field 'text' is about 14\.\d KB; the limit is 1 MB", reasons(report)["line 2"])
    assert ids(sqlite_store) == {"j2", "c2"}


def test_csv_bad_rows(sqlite_store: Store, tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_bytes(
        b"external_id,platform,content_type,text,colour\r\n"
        b"ok,p,text,hello,red\r\n"
        b"short,p,text\r\n"
        b"long,p,text,a,b,c\r\n"
        b"bad-int,p,text,t,\r\n"
        b"caf\xe9,p,text,t,\r\n"
        b"ok2,p,text,\"multi\r\nline\",\r\n"
        b'open,p,text,"never closed\r\nto the end\r\n'
    )
    report = import_path(sqlite_store, manifest)
    assert reasons(report) == {
        "line 3": "3 fields, but the header has 5",
        "line 4": "6 fields, but the header has 5",
        "line 6": "not valid UTF-8 (byte 0xe9 at byte 4 of the line)",
        "line 9": "unterminated quoted field (the record runs to the end of the file)",
    }
    assert ids(sqlite_store) == {"ok", "bad-int", "ok2"}
    assert report.warnings == ["unknown field 'colour' ignored (first on line 1)"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty CSV manifest (no header line)"),
        (b"external_id,content_type\r\n", "missing required column(s) platform"),
        (b"external_id,platform,platform,content_type\r\n", "duplicate column(s) platform"),
    ],
)
def test_csv_header_problems_are_source_errors(
    sqlite_store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_bytes(content)
    with pytest.raises(ImportSourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_path(sqlite_store, manifest)


def test_source_errors(sqlite_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError, match=r"source not found: .*nope"):
        import_path(sqlite_store, tmp_path / "nope")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(ImportSourceError, match=r"notes\.txt is not a folder, a \.jsonl manifest or a \.csv manifest"):
        import_path(sqlite_store, tmp_path / "notes.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")  # must be refused by stat, never opened (that would block)
    with pytest.raises(ImportSourceError, match=r"pipe\.jsonl is a FIFO, not a manifest file"):
        import_path(sqlite_store, tmp_path / "pipe.jsonl")
    with pytest.raises(ImportSourceError, match="platform"):
        import_path(sqlite_store, tmp_path, platform="x" * 65)


@pytest.mark.skipif(IS_ROOT, reason="root can read files without read permission")
def test_unreadable_manifest_and_file(sqlite_store: Store, tmp_path: Path) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps(row("a", media_path="locked.jpg")) + "\n")
    locked = tmp_path / "locked.jpg"
    locked.write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    locked.chmod(0)
    assert reasons(import_path(sqlite_store, manifest)) == {"line 1": "permission denied: locked.jpg"}
    manifest.chmod(0)
    with pytest.raises(ImportSourceError, match="Permission denied"):
        import_path(sqlite_store, manifest)


def test_bad_files_in_a_folder(sqlite_store: Store, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    (root / "ok.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    (root / "empty.jpg").write_bytes(b"")
    (root / "page.jpg").write_bytes(b"<html>")
    (root / "latin1.txt").write_bytes(b"caf\xe9")
    (root / "big.txt").write_bytes(b"a" * (ingest.MAX_TEXT_BYTES + 1))
    (root / "nul.txt").write_bytes(b"a\x00b")
    os.mkfifo(root / "sub" / "pipe.mp4")
    (tmp_path / "outside.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    (root / "sub" / "out.png").symlink_to(tmp_path / "outside.png")
    (root / "sub" / "dangling.png").symlink_to(root / "gone.png")
    (root / "loop").symlink_to(root)  # a symlinked folder inside the root is not followed
    report = import_path(sqlite_store, root)
    assert reasons(report) == {
        "big.txt": "text file is 1.0 MB; the limit is 1 MB",
        "empty.jpg": "empty file (0 bytes): empty.jpg",
        "latin1.txt": "not a UTF-8 text file (invalid byte 0xe9 at offset 3)",
        "nul.txt": "not a text file (contains NUL bytes)",
        "page.jpg": "not a recognised image or video format (first bytes: 3c 68 74 6d)",
        "sub/dangling.png": "file not found: sub/dangling.png",
        "sub/out.png": f"symlink points outside the import root (to {(tmp_path / 'outside.png').resolve()})",
        "sub/pipe.mp4": "sub/pipe.mp4 is a FIFO, not a media file",
    }
    assert report.warnings == ["loop: symlink to a folder not followed"]
    assert ids(sqlite_store) == {"ok.png"}


def test_long_bad_values_are_clipped_in_reasons(sqlite_store: Store, tmp_path: Path) -> None:
    long_name = "d/" * 2000 + "x.jpg"
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        json.dumps(row("a", media_path=long_name)) + "\n"
        + json.dumps(row("b", report_count="9" * 1000)) + "\n"
        + json.dumps(row("c", **{"k" * 1000: 1})) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    report = import_path(sqlite_store, manifest)
    assert reasons(report) == {
        "line 1": f"file not found: {long_name[:80]}…",
        "line 2": f"field 'report_count' must be an integer, got string {repr('9' * 1000)[:80]}…",
        "line 3": "file not found: media/ok.jpg",
    }
    assert report.warnings == [f"unknown field {repr('k' * 1000)[:80]}… ignored (first on line 3)"]
