"""`moderator-cli clusters` and `moderator-cli hashlist import|export`: duplicates and shared hash lists."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING, Any

from moderator_gui.cli.common import add_db_option, fail, open_store, print_json

if TYPE_CHECKING:
    from moderator_gui.core.store import Cluster


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "clusters",
        help="list clusters of duplicate items",
        description="List clusters of items with the same content: exact (same SHA-256) and near "
        "(PDQ within the threshold, transitively; computed as media are prefetched).",
    )
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.add_argument("--min-size", type=int, default=2, metavar="N", help="clusters of at least N items (default 2)")
    p.set_defaults(func=run_clusters)

    h = sub.add_parser(
        "hashlist",
        help="import or export hash lists shared between teams",
        description="Hash lists as CSV: signal_type,signal,category,note (signal_type pdq, sha256 or md5).",
    )
    hsub = h.add_subparsers(dest="hashlist_command", required=True, metavar="ACTION")
    imp = hsub.add_parser(
        "import",
        help="import a list (replacing a list of the same name)",
        description="Import a hash list; items that match it are marked. Re-importing a name replaces that "
        "list: signals no longer in it unmark their items. Leads only in team mode.",
    )
    imp.add_argument("file", metavar="FILE", help="the CSV file ('-' for standard input)")
    imp.add_argument("--name", required=True, help="the list's name (its source, shown to reviewers)")
    imp.add_argument("--json", action="store_true", help="the report as JSON")
    add_db_option(imp)
    imp.set_defaults(func=run_import)
    exp = hsub.add_parser(
        "export",
        help="export the signals of items decided in a violating category",
        description="Write the SHA-256, MD5 and PDQ of every item decided in a violating category.",
    )
    add_db_option(exp)
    exp.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output)")
    exp.add_argument("--category", metavar="C", help="only this category code")
    exp.set_defaults(func=run_export)


def _cluster_json(c: Cluster) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "items": [{"id": m.id, "external_id": m.external_id, "status": m.status, "sha256": m.sha256} for m in c.items],
    }


def run_clusters(args: argparse.Namespace) -> int:
    if args.min_size < 2:
        return fail("clusters", f"--min-size must be at least 2, got {args.min_size}")
    with open_store(args, create=False) as store:
        found = store.clusters(min_size=args.min_size)
    if args.json:
        print_json({"clusters": [_cluster_json(c) for c in found]})
        return 0
    if not found:
        print("no clusters")
        return 0
    for c in found:
        undecided = sum(1 for m in c.items if m.status in ("pending", "skipped"))
        ids = ", ".join(str(m.id) for m in c.items[:12]) + (", …" if len(c.items) > 12 else "")
        print(f"{c.kind:5}  {len(c.items):4} items ({undecided} undecided)  {c.id[:24]}…  items {ids}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    import json

    try:
        f = sys.stdin if args.file == "-" else open(args.file, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as exc:
        return fail("hashlist import", f"cannot read {args.file}: {exc.strerror or exc}")
    try:
        with f, open_store(args) as store:
            report = store.import_hash_list(args.name, f)
    except UnicodeDecodeError as exc:
        return fail("hashlist import", f"{args.file} is not UTF-8 text ({exc.reason} at byte {exc.start})")
    if args.json:
        print(json.dumps(report.__dict__, ensure_ascii=False, indent=2))
    else:
        verb = "replaced" if report.replaced else "imported"
        print(
            f"{verb} list {report.name!r}: {report.signals} signals, {report.rejected} rows rejected; "
            f"{report.matched_media} contents match it" + (f", {report.unmarked_media} no longer" if report.replaced else "")
        )
    for line, reason in report.rejects:
        print(f"line {line}: {reason}", file=sys.stderr)
    if report.rejected > len(report.rejects):
        print(f"… and {report.rejected - len(report.rejects)} more rejected rows", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from moderator_gui.core.dupes.hashlist import write_hash_list
    from moderator_gui.core.policy import PolicyError

    try:
        with open_store(args, create=False) as store:
            rows = store.hash_list_rows(args.category)
            if args.output:
                import os

                tmp = f"{args.output}.part"
                try:
                    with open(tmp, "w", encoding="utf-8", newline="") as out:
                        n = write_hash_list(out, rows)
                    os.replace(tmp, args.output)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.remove(tmp)  # no half-written list left behind
                    raise
                print(f"wrote {n} signals to {args.output}", file=sys.stderr)
            else:
                write_hash_list(sys.stdout, rows)
    except PolicyError as exc:
        return fail("hashlist export", exc.message)
    except OSError as exc:
        return fail("hashlist export", f"cannot write {args.output}: {exc.strerror or exc}")
    return 0
