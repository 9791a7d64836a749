"""`moderator-cli queue` and `moderator-cli stats`: output, paging, exit codes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from factories import T0, make_item, record
from moderator_gui.cli import cmd_queue, main
from moderator_gui.core.store import QueueFilter, Store, path_to_db


@pytest.fixture
def queue(store: Store) -> dict[str, int]:
    """Four items: a thumbnail ready, a failed decode, one not processed, a text post; one decided."""
    ready = make_item(store, priority=900, external_id="ready-1")
    failed = make_item(store, priority=800, external_id="broken-2", media_path=path_to_db("/媒体/坏的.mp4"))
    fresh = make_item(store, priority=700, external_id="fresh-3")
    text = make_item(store, priority=600, external_id="text-4", content_type="text", media_path=None, sha256=None)
    decided = make_item(store, priority=1000, external_id="done-5")
    store.save_media(store.item(ready).sha256, state="ok", thumb_ready=True, pipeline_version=1)
    store.save_media(store.item(failed).sha256, state="failed", error="moov atom not found", pipeline_version=1)
    record(store, decided, category="no_violation")
    return {"ready": ready, "failed": failed, "fresh": fresh, "text": text, "decided": decided}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_queue_json_lists_pending_items_in_queue_order_with_media_state(
    queue: dict[str, int], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = run_json(capsys, "queue", "--db", db_url, "--json")
    assert [r["external_id"] for r in rows] == ["ready-1", "broken-2", "fresh-3", "text-4"]
    assert [r["media"] for r in rows] == [
        "thumbnail ready",
        "failed: moov atom not found",
        "not processed yet",
        "no media (text)",
    ]
    assert rows[1]["media_path"] == "/媒体/坏的.mp4" and rows[3]["media_path"] is None
    assert rows[0]["id"] == queue["ready"] and rows[0]["content_type"] == "image" and rows[0]["status"] == "pending"


def test_queue_status_and_limit(queue: dict[str, int], db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert [r["external_id"] for r in run_json(capsys, "queue", "--db", db_url, "--json", "--status", "decided")] == ["done-5"]
    rows = run_json(capsys, "queue", "--db", db_url, "--json", "--status", "all", "--limit", "2")
    assert [r["external_id"] for r in rows] == ["done-5", "ready-1"]
    assert run_json(capsys, "queue", "--db", db_url, "--json", "--status", "escalated") == []


def test_queue_table_is_aligned_and_truncates(sqlite_store: Store, sqlite_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_item(sqlite_store, priority=2, external_id="x" * 80, media_path=path_to_db("/very/long/" + "d/" * 60 + "end.jpg"))
    make_item(sqlite_store, priority=1, external_id="帖子-1")
    assert main(["queue", "--db", str(sqlite_path)]) == 0
    captured = capsys.readouterr()
    header, first, second = captured.out.splitlines()
    assert header.split() == ["ID", "EXTERNAL", "ID", "TYPE", "STATUS", "MEDIA", "PATH"]
    # columns line up (the Chinese external id takes two terminal columns per character)
    assert first.index("image") == header.index("TYPE")
    assert first.index("pending") == header.index("STATUS")
    assert second.index("pending") == header.index("STATUS") - 2  # 帖子 = 2 chars drawn 4 columns wide
    assert "x" * 23 + "…" in first and "x" * 24 not in first
    assert first.rstrip().endswith("end.jpg") and "…" in first.split()[-1]
    assert "2 item(s)" in captured.err


def test_queue_pages_by_keyset_without_gaps_or_repeats(
    sqlite_store: Store, sqlite_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for k in range(23):  # equal priorities and times: the id breaks ties
        make_item(sqlite_store, priority=k % 3, flagged_at=T0 + timedelta(minutes=k % 2))
    monkeypatch.setattr(cmd_queue, "PAGE", 5)
    calls: list[object] = []
    real = Store.queue_page

    def spy(self: Store, f: QueueFilter = QueueFilter(), *, after: object = None, limit: int = 200) -> list:
        calls.append(after)
        assert limit <= 5
        return real(self, f, after=after, limit=limit)

    monkeypatch.setattr(Store, "queue_page", spy)
    rows = run_json(capsys, "queue", "--db", str(sqlite_path), "--json")
    expected = [r.id for r in real(sqlite_store, QueueFilter(), limit=100)]
    assert [r["id"] for r in rows] == expected and len(expected) == 23
    assert len(calls) == 5 and calls[0] is None
    rows = run_json(capsys, "queue", "--db", str(sqlite_path), "--json", "--limit", "7")
    assert [r["id"] for r in rows] == expected[:7]


def test_queue_bad_limit(sqlite_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["queue", "--db", str(sqlite_path), "--limit", "0"]) == 2
    assert "--limit must be a positive number" in capsys.readouterr().err


def test_stats_text_and_json(store: Store, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    a = make_item(store)
    b = make_item(store)
    record(store, a, reviewer="alice", category="porn_violence", time_spent_ms=3000)
    undone = record(store, b, reviewer="bob", category="porn_violence", time_spent_ms=1000)
    store.revert(undone.uuid, "bob")
    assert main(["stats", "--db", db_url]) == 0
    text = capsys.readouterr().out
    assert "Decisions (not undone): 1" in text
    assert "1 undone event(s) excluded" in text and "reverted" in text
    assert "Pornography and violence (porn_violence)" in text
    assert "Median handling time: 3.0 s (over 1 timed decisions)" in text
    data = run_json(capsys, "stats", "--db", db_url, "--json", "--reviewer", "alice")
    assert data["decisions"] == 1 and data["by_category"]["porn_violence"] == 1
    assert data["queue"]["by_status"]["pending"] == 1 and data["filter"]["reviewer"] == "alice"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "violence"], "unknown category code 'violence'"),
        (["--action", "delete"], "unknown action code 'delete'"),
        (["--until", "31/12/2026"], "--until: '31/12/2026' is not a date"),
    ],
)
def test_stats_bad_filters_exit_2(
    sqlite_store: Store, sqlite_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["stats", "--db", str(sqlite_path), *args]) == 2
    assert message in capsys.readouterr().err
