"""`moderator-cli` starts at once: `--help` and `verify` load no database, ORM, media or Qt library.

What is checked is what gets imported (in a fresh interpreter), not how long it takes:
timings belong in bench/bench_cli_start.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from factories import decided_history
from moderator_gui.core.export import export_decisions
from moderator_gui.core.store import Store

HEAVY = ("sqlalchemy", "alembic", "PIL", "av", "PySide6", "shiboken6", "psycopg", "moderator_gui.core.store")

# Runs the command line in-process (as the moderator-cli script does), then reports what it imported.
PROBE = """
import json, sys
from moderator_gui.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help exits through argparse
    code = exc.code
heavy = {heavy!r}
print(json.dumps({{"code": code, "heavy": sorted(m for m in heavy if m in sys.modules)}}))
"""


def run_cli(*argv: str) -> tuple[dict, str]:
    res = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv], capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0, res.stderr
    *printed, report = res.stdout.strip().splitlines()
    return json.loads(report), "\n".join(printed)


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["export", "--help"], ["stats", "--help"], ["prefetch", "--help"], ["demo", "--help"]],
    ids=" ".join,
)
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    report, printed = run_cli(*argv)
    assert report["code"] == 0
    assert printed.startswith("usage: moderator-cli")
    assert report["heavy"] == [], f"moderator-cli {' '.join(argv)} imported {report['heavy']}"


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_verify_imports_nothing_heavy(sqlite_store: Store, tmp_path: Path, fmt: str) -> None:
    """An auditor verifies a log on a machine that may have no database at all."""
    decided_history(sqlite_store, 3)
    out = tmp_path / f"log.{fmt}"
    export_decisions(sqlite_store, out, fmt)
    report, printed = run_cli("verify", str(out))
    assert report["code"] == 0 and printed.startswith("OK: 3 rows, final hash ")
    assert report["heavy"] == []
    out.write_bytes(out.read_bytes()[:-30])  # a damaged file: the failure path is just as light
    report, _ = run_cli("verify", str(out))
    assert report["code"] == 1 and report["heavy"] == []


def test_a_command_that_opens_the_store_still_reports_its_errors(tmp_path: Path) -> None:
    """The store is imported only when a command opens it; its errors are still caught (exit 3)."""
    missing = tmp_path / "nowhere" / "db.sqlite3"
    res = subprocess.run(
        [sys.executable, "-m", "moderator_gui.cli", "queue", "--db", str(missing)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert res.returncode == 3, res.stderr
    assert res.stderr.startswith("moderator-cli queue: there is no database at ")
    assert "Traceback" not in res.stderr
