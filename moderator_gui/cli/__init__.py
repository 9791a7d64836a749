"""``moderator-cli``: headless commands. Other tools and scripts depend on these names.

Each command lives in its own module exposing ``register(subparsers)``;
``register`` sets ``func`` (``args -> exit code``) on its parser.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from moderator_gui import __version__
from moderator_gui.cli import cmd_demo, cmd_export, cmd_import, cmd_prefetch, cmd_queue, cmd_stats, cmd_verify
from moderator_gui.core.store import StoreError

COMMANDS = (cmd_import, cmd_demo, cmd_export, cmd_verify, cmd_queue, cmd_stats, cmd_prefetch)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="moderator-cli",
        description="Headless commands of moderator_gui: import, demo, export, verify, queue, stats, prefetch.",
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
    except StoreError as exc:
        print(f"moderator-cli {args.command}: {exc.message}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(f"moderator-cli {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
