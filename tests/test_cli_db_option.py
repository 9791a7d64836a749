"""`--db` for commands that only read: a mistyped path is an error, never a silently empty database."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import make_item
from moderator_gui.cli import main
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import InvalidDecisionError, Store


@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["stats"], ["queue"]])
def test_read_commands_refuse_a_missing_database(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.sqlite3"
    code = main([*command, "--db", str(missing)])
    err = capsys.readouterr().err
    assert code == 3
    assert f"there is no database at {missing}" in err
    assert not missing.exists(), "a read-only command must not create the database"


def test_import_still_creates_a_new_database(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    db = tmp_path / "new.sqlite3"
    assert main(["import", str(folder), "--db", str(db)]) == 0
    assert db.exists()


def test_negative_time_spent_is_refused(sqlite_store: Store) -> None:
    item_id = make_item(sqlite_store)
    with pytest.raises(InvalidDecisionError, match="cannot be negative"):
        sqlite_store.record(
            DecisionInput(
                item_id=item_id,
                kind=EventKind.DECIDE,
                reviewer="r",
                category="no_violation",
                actions=["no_action"],
                time_spent_ms=-5,
            )
        )
