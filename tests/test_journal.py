"""The journal of unsaved decisions (core/journal.py): real files, real flock, real processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.journal import DecisionJournal, JournalError, PendingWrite, database_key

DB = "sqlite+pysqlite:////srv/team/moderator.sqlite3"
WHEN = datetime(2026, 11, 30, 9, 15, 42, 123000, tzinfo=UTC)


def decision(item_id: int = 7, **kw: object) -> DecisionInput:
    fields: dict[str, object] = {
        "item_id": item_id,
        "kind": EventKind.DECIDE,
        "reviewer": "王芳",
        "category": "cyberbullying",
        "actions": ("remove_content", "warn"),
        "note": "截图里有\n换行",
        "time_spent_ms": 5400,
        "expected_head": "7e0c2a8e-1c3e-4d5f-9a6b-0c1d2e3f4a5b",
        "decided_at": WHEN,
    }
    fields.update(kw)
    return DecisionInput(**fields)  # type: ignore[arg-type]


def opened(root: Path) -> DecisionJournal:
    j = DecisionJournal.for_database(DB, root)
    j.open()
    return j


def died(j: DecisionJournal) -> None:
    """The instance ends without closing its journal (a crash): the kernel drops its lock."""
    import os

    assert j._lock_fd is not None
    os.close(j._lock_fd)
    j._lock_fd = None


def test_a_write_survives_its_instance_field_for_field(tmp_path: Path) -> None:
    a = opened(tmp_path)
    writes = [
        PendingWrite(decision(), "dy-001"),
        PendingWrite(
            decision(8, kind=EventKind.SKIP, category=None, actions=()),
            "dy-002",
            revert_uuid="0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b",
        ),
    ]
    assert a.save(writes, seq=1)
    died(a)
    b = opened(tmp_path)
    [orphan] = b.orphans()
    assert orphan.problems == []
    assert orphan.writes == writes  # every field, the time zone, the non-ASCII text and newline
    assert orphan.writes[0].decision.decided_at == WHEN and orphan.writes[0].decision.decided_at.tzinfo is not None


def test_the_journal_of_a_running_instance_is_left_alone(tmp_path: Path) -> None:
    a = opened(tmp_path)
    a.save([PendingWrite(decision(), "dy-001")])
    b = opened(tmp_path)
    assert b.orphans() == []  # a still runs: its lock is held
    a.close()
    assert a.path.exists(), "closing keeps a journal that still holds writes"
    [orphan] = b.orphans()
    assert orphan.writes[0].external_id == "dy-001"


def test_an_orphan_found_by_one_starting_instance_is_not_taken_by_another(tmp_path: Path) -> None:
    a = opened(tmp_path)
    a.save([PendingWrite(decision(), "dy-001")])
    died(a)
    b, c = opened(tmp_path), opened(tmp_path)
    [orphan] = b.orphans()
    assert orphan.lock_fd is not None
    assert c.orphans() == []  # b holds the orphan's lock while it takes the writes over
    b.forget(orphan)
    assert c.orphans() == [] and opened(tmp_path).orphans() == []


def test_forget_removes_the_orphan_and_leave_gives_it_back(tmp_path: Path) -> None:
    a = opened(tmp_path)
    a.save([PendingWrite(decision(), "dy-001")])
    died(a)
    b = opened(tmp_path)
    [orphan] = b.orphans()
    DecisionJournal.leave(orphan)
    c = opened(tmp_path)
    [again] = c.orphans()
    c.forget(again)
    assert not again.journal.exists() and not again.lock.exists()
    assert opened(tmp_path).orphans() == []


def test_a_killed_process_leaves_a_journal_the_next_start_finds(tmp_path: Path) -> None:
    """A real process saves, then dies with SIGKILL-like abruptness (os._exit, nothing closed)."""
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_journal import decision, DB
        from moderator_gui.core.journal import DecisionJournal, PendingWrite
        j = DecisionJournal.for_database(DB, Path({str(tmp_path)!r}))
        j.open()
        j.save([PendingWrite(decision(), "dy-killed")])
        os._exit(9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 9, proc.stderr
    [orphan] = opened(tmp_path).orphans()
    assert [w.external_id for w in orphan.writes] == ["dy-killed"]


def test_saves_are_atomic_ordered_and_an_empty_save_removes_the_file(tmp_path: Path) -> None:
    j = opened(tmp_path)
    assert j.save([PendingWrite(decision(1), "a")], seq=2)
    assert not j.save([PendingWrite(decision(2), "stale")], seq=1), "an older snapshot never overwrites a newer one"
    assert [w["external_id"] for w in json.loads(j.path.read_text())["writes"]] == ["a"]
    assert j.save([], seq=3)
    assert not j.path.exists()
    assert [p.name for p in j.folder.iterdir()] == [f"{j.instance}.lock"], "no temporary files are left behind"
    j.close()
    assert list(j.folder.iterdir()) == [], "a clean close leaves nothing"


def test_damaged_entries_are_reported_and_the_rest_kept(tmp_path: Path) -> None:
    a = opened(tmp_path)
    good = PendingWrite(decision(), "dy-good").to_json()
    bad_uuid = json.loads(json.dumps(good))
    bad_uuid["decision"]["uuid"] = "not-a-uuid"
    naive = json.loads(json.dumps(good))
    naive["decision"]["decided_at"] = "2026-11-30T09:15:42"
    a.path.write_text(json.dumps({"format": 1, "writes": [good, bad_uuid, {"decision": {"item_id": "7"}}, naive]}))
    died(a)
    [orphan] = opened(tmp_path).orphans()
    assert [w.external_id for w in orphan.writes] == ["dy-good"]
    assert len(orphan.problems) == 3
    assert "entry 2" in orphan.problems[0] and "uuid" in orphan.problems[0].lower()
    assert "entry 3" in orphan.problems[1]
    assert "entry 4" in orphan.problems[2] and "time zone" in orphan.problems[2]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "cannot be read"),
        (b'{"format": 99, "writes": []}', "not a journal of this program"),
        (b"[]", "not a journal"),
    ],
)
def test_a_file_that_is_no_journal_is_reported(tmp_path: Path, content: bytes, expected: str) -> None:
    a = opened(tmp_path)
    a.path.write_bytes(content)
    died(a)
    [orphan] = opened(tmp_path).orphans()
    assert orphan.writes == [] and expected in orphan.problems[0]


def test_a_journal_that_cannot_be_made_says_where_and_why(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    j = DecisionJournal.for_database(DB, blocker)
    with pytest.raises(JournalError, match=r"cannot create the journal of unsaved decisions in .*outbox"):
        j.open()
    with pytest.raises(JournalError, match="not open"):
        j.save([PendingWrite(decision(), "x")])


def test_each_database_has_its_own_folder(tmp_path: Path) -> None:
    one = DecisionJournal.for_database(DB, tmp_path)
    other = DecisionJournal.for_database("postgresql+psycopg://lead@db.example/team", tmp_path)
    assert one.folder != other.folder
    assert one.folder.name == database_key(DB) and len(one.folder.name) == 16


def test_an_undo_keeps_who_made_it_and_when(tmp_path: Path) -> None:
    a = opened(tmp_path)
    undo = PendingWrite(decision(), "dy-001", "0f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b", "李娜", WHEN)
    a.save([undo])
    died(a)
    [orphan] = opened(tmp_path).orphans()
    assert orphan.writes == [undo] and orphan.writes[0].revert_reviewer == "李娜"


def test_a_starting_instance_is_never_taken_for_one_that_is_gone(tmp_path: Path) -> None:
    """The lock file appears already locked (made under another name, then renamed)."""
    a = opened(tmp_path)
    assert [p.name for p in a.folder.iterdir()] == [f"{a.instance}.lock"]
    assert opened(tmp_path).orphans() == []


def test_forgetting_an_orphan_removes_what_its_cut_short_save_left(tmp_path: Path) -> None:
    a = opened(tmp_path)
    a.save([PendingWrite(decision(), "dy-001")])
    leftover = a.folder / f".{a.path.name}.1a2b3c4d.tmp"
    leftover.write_text("half a journal")
    died(a)
    b = opened(tmp_path)
    [orphan] = b.orphans()
    b.forget(orphan)
    assert sorted(p.name for p in b.folder.iterdir()) == [f"{b.instance}.lock"]


def test_journals_stay_in_the_outbox_folder_journals_of_older_versions_are_found(tmp_path: Path) -> None:
    """The folder kept its old name when the module was renamed (core/outbox.py -> core/journal.py)."""
    from moderator_gui.core.journal import OUTBOX_FOLDER

    assert OUTBOX_FOLDER == "outbox"
    assert DecisionJournal.for_database(DB, tmp_path).folder == tmp_path / "outbox" / database_key(DB)
