"""`moderator-cli import`: exit codes, stdout (human and --json), stderr messages, and the database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from corpus import PILLOW_CORPUS
from moderator_gui.cli import main
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import items_t

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


def stored(db: str) -> dict[str, tuple[str, str]]:
    with Store.open(db) as store, store.read() as conn:
        return {r.external_id: (r.platform, r.content_type) for r in conn.execute(select(items_t))}


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    (tmp_path / "a.jpg").write_bytes((PILLOW_CORPUS / "hopper.jpg").read_bytes())
    path = tmp_path / "m.jsonl"
    path.write_text(
        '{"external_id": "a", "platform": "weibo", "content_type": "image", "media_path": "a.jpg", "mood": 1}\n'
        '{"external_id": "b", "platform": "weibo", "content_type": "image", "media_path": "missing.jpg"}\n'
        '{"external_id": "c", "platform": "weibo", "content_type": "text", "text": "hi"}\n',
        encoding="utf-8",
    )
    return path


def test_json_summary_and_idempotent_rerun(db_url: str, manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", str(manifest), "--db", db_url, "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == {
        "source": str(manifest.resolve()),
        "imported": 2,
        "duplicates": 0,
        "rejected": [{"where": "line 2", "reason": "file not found: missing.jpg", "code": "import.file_not_found"}],
        "warnings": ["unknown field 'mood' ignored (first on line 1)"],
        "cancelled": False,
        # A team database stores a.jpg; a SQLite database refers to the file where it is.
        **(
            {"media_stored": 1, "media_bytes": (manifest.parent / "a.jpg").stat().st_size}
            if db_url.startswith("postgresql")
            else {"media_stored": 0, "media_bytes": 0}
        ),
    }
    assert out.err == ""
    assert stored(db_url) == {"a": ("weibo", "image"), "c": ("weibo", "text")}
    assert main(["import", str(manifest), "--db", db_url, "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["imported"], again["duplicates"]) == (0, 2)
    assert len(stored(db_url)) == 2


def test_human_output_lists_rejections_and_warnings(
    tmp_path: Path, manifest: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(manifest), "--db", str(tmp_path / "db.sqlite3")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"imported 2, duplicates 0, rejected 1 from {manifest.resolve()}",
        "  rejected line 2: file not found: missing.jpg",
        "  warning: unknown field 'mood' ignored (first on line 1)",
    ]


def test_folder_with_platform_and_examples(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "db.sqlite3")
    assert main(["import", str(EXAMPLES / "media"), "--db", db, "--platform", "wechat", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["imported"], summary["rejected"]) == (4, [])
    assert set(stored(db).values()) == {("wechat", "image"), ("wechat", "animation"), ("wechat", "video")}
    assert main(["import", str(EXAMPLES / "manifest.csv"), "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nope.jsonl", None, "source not found: "),
        ("notes.md", "x", "is not a folder, a .jsonl manifest or a .csv manifest"),
        ("m.csv", "external_id,content_type\n", "missing required column(s) platform"),
    ],
)
def test_unreadable_source_exits_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | None, message: str
) -> None:
    db = str(tmp_path / "db.sqlite3")
    source = tmp_path / name
    if content is not None:
        source.write_text(content)
    assert main(["import", str(source), "--db", db, "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("moderator-cli import: ") and message in out.err
    assert stored(db) == {}


@pytest.mark.slow  # waits for the store's 5 s busy timeout
def test_locked_database_exits_3(tmp_path: Path, manifest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite3"
    Store.open(db).close()  # create and migrate it first
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert main(["import", str(manifest), "--db", str(db)]) == 3
    finally:
        other.execute("ROLLBACK")
        other.close()
    err = capsys.readouterr().err
    assert err.startswith("moderator-cli import: the database is locked by another program")
    assert stored(str(db)) == {}


def test_undecodable_names_in_reasons_print_as_escapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(
        '{"external_id": "a", "platform": "p", "content_type": "image", "media_path": "caf\\udce9.jpg"}\n',
        encoding="utf-8",
    )
    assert main(["import", str(manifest), "--db", str(tmp_path / "db.sqlite3"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rejected"] == [
        {"where": "line 1", "reason": "file not found: caf\\udce9.jpg", "code": "import.file_not_found"}
    ]
