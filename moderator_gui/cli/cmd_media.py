"""`moderator-cli media ...`: media stored in a team database.

    media purge --db URL --decided-before DATE [--dry-run]     (leads)

Removes the stored bytes of contents whose items are all decided, the last decision
before DATE (YYYY-MM-DD, UTC midnight, or an ISO date-time). Hashes, perceptual
signatures, decisions and pipeline results stay; desks then say "media removed by
retention policy on DATE". Each purge is recorded (who, when, items, bytes). The server
refuses anyone but a lead.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from moderator_gui.cli.common import add_db_option, fail, open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("media", help="media stored in a team database (retention)")
    media = p.add_subparsers(dest="media_command", required=True, metavar="MEDIA_COMMAND")
    purge = media.add_parser(
        "purge",
        help="remove the stored media of items decided before a date (leads)",
        description="Remove the stored bytes of media whose items are all decided, the last decision before "
        "--decided-before. Hashes, signatures and decisions are kept; the purge is recorded.",
    )
    add_db_option(purge)
    purge.add_argument("--decided-before", required=True, metavar="DATE", help="YYYY-MM-DD (UTC) or an ISO date-time")
    purge.add_argument("--dry-run", action="store_true", help="say what would be removed; remove nothing")
    purge.add_argument("--json", action="store_true")
    purge.set_defaults(func=run_purge)


def parse_when(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} bytes"


def run_purge(args: argparse.Namespace) -> int:
    when = parse_when(args.decided_before)
    if when is None:
        return fail("media purge", f"--decided-before: not a date (YYYY-MM-DD): {args.decided_before!r}")
    store = open_store(args, create=False)
    with store:
        if not store.keeps_media:
            return fail("media purge", f"{store.describe()} stores no media (solo databases refer to files where they are)")
        result = store.purge_media(when, dry_run=args.dry_run)
    if args.json:
        print_json({"dry_run": result.dry_run, "items": result.items, "media": result.blobs, "bytes": result.bytes,
                    "purge_id": result.purge_id, "decided_before": when.isoformat()})  # fmt: skip
        return 0
    verb = "would remove" if result.dry_run else "removed"
    print(
        f"{verb} the stored media of {result.items} item(s): {result.blobs} file(s), {human_bytes(result.bytes)} "
        f"(decided before {when.date().isoformat()}); hashes, signatures and decisions kept"
    )
    if not result.dry_run:
        print(f"recorded as purge #{result.purge_id}")
    return 0
