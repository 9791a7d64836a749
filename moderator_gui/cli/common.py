"""Options and helpers shared by the commands.

Light on purpose: every command module imports this at start-up (``--help`` too),
so the store is imported only when a command opens it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moderator_gui.core.store import Store


def add_db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="D",
        default=None,
        help="database file path or SQLAlchemy URL (default: $MODERATOR_DB, else the per-user data folder)",
    )


def open_store(args: argparse.Namespace, *, create: bool = True) -> Store:
    """Open ``--db``. Commands that only read pass ``create=False`` so that a
    mistyped path is an error instead of a silently empty new database."""
    from moderator_gui.core.store import Store

    return Store.open(args.db, create=create)


def print_json(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def fail(command: str, message: str, code: int = 2) -> int:
    print(f"moderator-cli {command}: {message}", file=sys.stderr)
    return code
