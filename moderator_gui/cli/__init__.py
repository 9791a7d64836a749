"""``moderator-cli``: headless commands. Other tools and scripts depend on these names.

Each command lives in its own module exposing ``register(subparsers)``;
``register`` sets ``func`` (``args -> exit code``) on its parser.

The command line starts at once: a command module imports only argparse and light
helpers at its top level, and its heavy modules (the store, SQLAlchemy, Alembic, the
media stack) inside ``run()``. So ``--help`` loads none of them and ``verify``, which
needs no database, neither (tests/test_cli_start.py checks it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeGuard

from moderator_gui import __version__
from moderator_gui.cli import (
    cmd_demo,
    cmd_dupes,
    cmd_export,
    cmd_import,
    cmd_media,
    cmd_prefetch,
    cmd_queue,
    cmd_stats,
    cmd_team,
    cmd_verify,
)

if TYPE_CHECKING:
    from moderator_gui.core.store.errors import StoreError

COMMANDS = (
    cmd_import,
    cmd_demo,
    cmd_export,
    cmd_verify,
    cmd_queue,
    cmd_stats,
    cmd_prefetch,
    cmd_team,
    cmd_media,
    cmd_dupes,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moderator-cli",
        description="Headless commands of moderator_gui: import, demo, export, verify, queue, stats, prefetch, team, media, "
        "clusters, hashlist.",
    )
    parser.add_argument("--version", action="version", version=f"moderator_gui {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mod in COMMANDS:
        mod.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(f"moderator-cli {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if not _is_store_error(exc):
            raise
        print(f"moderator-cli {args.command}: {exc.message}", file=sys.stderr)
        return 3


def _is_store_error(exc: BaseException) -> TypeGuard[StoreError]:
    """A StoreError, without importing the store for it: if the store's errors module was
    never loaded, nothing can have raised one (importing it would load SQLAlchemy too)."""
    errors = sys.modules.get("moderator_gui.core.store.errors")
    return errors is not None and isinstance(exc, errors.StoreError)


if __name__ == "__main__":
    sys.exit(main())
