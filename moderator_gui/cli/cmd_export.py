"""`moderator-cli export`: the decision log as CSV or JSONL, hash-chained and sealed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from moderator_gui.cli.common import add_db_option, fail, open_store
from moderator_gui.cli.filter_options import add_filter_options, filter_from_args, filter_problem
from moderator_gui.core.export.format import FORMATS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export the decision log (CSV or JSONL) with a hash chain and seal",
        description="Export every event of the decision log in order, with a SHA-256 hash chain and a seal "
        "(see docs/export-format.md). The file is written atomically: complete or not at all.",
    )
    add_db_option(p)
    p.add_argument("--format", required=True, choices=FORMATS, help="csv (Excel/LibreOffice) or jsonl")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, help="output file (default: standard output)")
    add_filter_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from moderator_gui.core.decision_filter import FilterError
    from moderator_gui.core.export.errors import ExportError
    from moderator_gui.core.export.writer import export_decisions, write_export

    try:
        flt = filter_from_args(args)
    except FilterError as exc:
        return fail("export", filter_problem(exc))
    with open_store(args, create=False) as store:
        try:
            flt.validate(store.policy)
        except FilterError as exc:
            return fail("export", filter_problem(exc))
        if flt.reviewer is not None and flt.reviewer not in store.reviewers():
            print(f"moderator-cli export: warning: no reviewer named {flt.reviewer!r} in this database", file=sys.stderr)
        try:
            if args.output is None:
                sys.stdout.flush()
                rows, final = write_export(store, sys.stdout.buffer, args.format, flt)
                sys.stdout.buffer.flush()
            else:
                result = export_decisions(store, args.output, args.format, flt)
                rows, final = result.rows, result.final_hash
        except ExportError as exc:
            return fail("export", str(exc), 1)
    where = "standard output" if args.output is None else str(args.output)
    print(f"exported {rows} rows to {where}; final hash {final}", file=sys.stderr)
    return 0
