"""`moderator-cli queue` (not built yet)."""

from __future__ import annotations

import argparse

from moderator_gui.cli.common import fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("queue", help="(not built yet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return fail("queue", "not built yet")
