"""`moderator-cli verify FILE`: check an exported decision log's hash chain and seal."""

from __future__ import annotations

import argparse
from pathlib import Path

from moderator_gui.cli.common import fail


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="check that an exported decision log is complete and unmodified",
        description="Check an exported decision log (CSV or JSONL, detected from its content). "
        "Exit 0 if intact, 1 naming the first broken row otherwise.",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from moderator_gui.core.export.verify import verify_file  # no database: an auditor's machine may have none

    result = verify_file(args.file)
    if result.ok:
        print(result.message)
        return 0
    where = f" (first bad row: {result.first_bad_row})" if result.first_bad_row is not None else ""
    return fail("verify", f"{args.file}: FAILED: {result.message}{where}", 1)
