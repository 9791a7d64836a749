"""`moderator-cli import SOURCE`: add flagged items to the queue from a folder or a manifest.

Exit codes: 0 the import ran (rows may have been rejected; they are listed),
2 the source cannot be read at all, 3 a storage failure (printed by cli.main;
batches committed before it are kept).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from moderator_gui.cli.common import add_db_option, fail, open_store, print_json

if TYPE_CHECKING:
    from moderator_gui.core.ingest import ImportReport


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        help="import flagged items from a folder, a JSONL manifest or a CSV manifest",
        description=(
            "Import flagged items into the review queue. SOURCE is a folder (imported recursively), "
            "a .jsonl manifest or a .csv manifest (schema: docs/manifest.md). Bad rows and files are "
            "rejected one by one with their line or path and a reason; the rest import. "
            "Re-importing the same source adds no duplicates. A manifest with its own column names "
            "is read through a column mapping (--map, --mapping)."
        ),
    )
    p.add_argument("source", metavar="SOURCE", type=Path, help="folder, .jsonl or .csv manifest")
    add_db_option(p)
    p.add_argument(
        "--platform",
        metavar="P",
        default=None,
        help='platform of folder items (default "folder"); for manifests, the default for rows without one',
    )
    p.add_argument(
        "--map",
        metavar="COLUMN=FIELD",
        action="append",
        default=[],
        help="read the manifest's COLUMN as FIELD (repeatable), e.g. --map post_id=external_id; "
        "COLUMN= leaves the column out; overrides --mapping",
    )
    p.add_argument(
        "--mapping",
        metavar="FILE.toml",
        type=Path,
        default=None,
        help="a saved column mapping (format: docs/manifest.md); its platform is the default for --platform",
    )
    p.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from moderator_gui.core.ingest import ImportSourceError, import_path
    from moderator_gui.core.ingest.mapping import ColumnMapping, MappingError, load_mapping, parse_map_options

    mapping: ColumnMapping | None = None
    try:  # before the database is opened: a bad mapping changes nothing
        if args.mapping is not None:
            mapping = load_mapping(args.mapping)
        if args.map:
            options = parse_map_options(args.map)
            mapping = options if mapping is None else mapping.merged(options)
    except MappingError as exc:
        return fail("import", exc.message)
    with open_store(args) as store:
        try:
            report = import_path(store, args.source, platform=args.platform, mapping=mapping)
        except ImportSourceError as exc:
            return fail("import", exc.message)
    if args.json:
        print_json(report.to_json())
    else:
        _print_human(report)
    return 0


def _print_human(report: ImportReport) -> None:
    out = sys.stdout
    out.write(
        f"imported {report.imported}, duplicates {report.duplicates}, rejected {len(report.rejected)} "
        f"from {report.to_json()['source']}\n"
    )
    if report.media_stored:
        out.write(f"  stored {report.media_stored} media file(s) in the team database ({report.media_bytes:,} bytes)\n")
    for r in report.rejected:
        out.write(f"  rejected {r.where}: {r.reason}\n")
    for w in report.warnings:
        out.write(f"  warning: {w}\n")
