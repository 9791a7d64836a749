"""`moderator-cli queue`: the review queue in queue order, streamed page by page."""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from moderator_gui.cli.common import add_db_option, fail, open_store

if TYPE_CHECKING:
    from moderator_gui.core.store import QueueFilter, QueueRow, Store

STATUSES = ("pending", "skipped", "escalated", "decided", "all")
PAGE = 500
# (header, width) of the table columns; the last one (media path) is not padded.
TABLE = (("ID", 8), ("EXTERNAL ID", 24), ("TYPE", 9), ("STATUS", 9), ("MEDIA", 32), ("PATH", 60))


def media_state(row: QueueRow) -> str:
    """What the media pipeline knows about the item's file, in words."""
    if row.media_path is None and row.sha256 is None:
        return "no media (text)"
    if row.media_state == "failed":
        return f"failed: {row.media_error or 'unknown reason'}"
    if row.media_state is None:
        return "not processed yet"
    return "thumbnail ready" if row.thumb_ready else "probed, no thumbnail yet"


def row_json(row: QueueRow) -> dict[str, Any]:
    from moderator_gui.core.store import display_path  # loaded already: the rows came from the store

    return {
        "id": row.id,
        "external_id": row.external_id,
        "platform": row.platform,
        "media_path": display_path(row.media_path),
        "content_type": row.content_type,
        "status": row.status,
        "media": media_state(row),
        "priority": row.priority,
        "flagged_at": row.flagged_at.isoformat().replace("+00:00", "Z"),
        "match": (
            {"source": row.match_source, "category": row.match_category, "distance": row.match_distance}
            if row.match_source is not None
            else None
        ),
        "cluster_size": row.cluster_size,
    }


def iter_queue(store: Store, flt: QueueFilter, limit: int | None) -> Iterator[QueueRow]:
    """Rows in queue order, fetched PAGE at a time by keyset (never the whole queue at once)."""
    after = None
    remaining = limit
    while True:
        size = PAGE if remaining is None else min(PAGE, remaining)
        page = store.queue_page(flt, after=after, limit=size)
        yield from page
        if remaining is not None:
            remaining -= len(page)
        if len(page) < size or remaining == 0:
            return
        after = page[-1].sort_key


def _width(ch: str) -> int:
    """Terminal columns a character takes: CJK (wide/full-width) characters take two."""
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _cell(text: str, width: int, keep_end: bool = False) -> str:
    """Pad or truncate (with an ellipsis) to exactly ``width`` terminal columns; paths keep their end."""
    used = sum(_width(ch) for ch in text)
    if used <= width:
        return text + " " * (width - used)
    chars = reversed(text) if keep_end else iter(text)
    kept: list[str] = []
    used = 1  # the ellipsis
    for ch in chars:
        if used + _width(ch) > width:
            break
        kept.append(ch)
        used += _width(ch)
    body = "".join(reversed(kept)) if keep_end else "".join(kept)
    return ("…" + body if keep_end else body + "…") + " " * (width - used)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "queue",
        help="list the review queue in queue order",
        description="List items in queue order (highest priority first) with their media state.",
    )
    add_db_option(p)
    p.add_argument("--status", choices=STATUSES, default="pending", help="which items (default: pending)")
    p.add_argument("--limit", type=int, metavar="N", help="at most N items (default: all)")
    p.add_argument("--json", action="store_true", help="a JSON list of objects instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from moderator_gui.core.store import QueueFilter, display_path

    if args.limit is not None and args.limit < 1:
        return fail("queue", f"--limit must be a positive number, got {args.limit}")
    out = sys.stdout
    shown = 0
    with open_store(args, create=False) as store:
        rows = iter_queue(store, QueueFilter(status=args.status), args.limit)
        if args.json:
            out.write("[")
            for row in rows:
                out.write(("\n  " if shown == 0 else ",\n  ") + json.dumps(row_json(row), ensure_ascii=False))
                shown += 1
            out.write("\n]\n" if shown else "]\n")
            return 0
        out.write("  ".join(_cell(h, w) for h, w in TABLE).rstrip() + "\n")
        for row in rows:
            cells = (
                str(row.id),
                _one_line(row.external_id),
                row.content_type,
                row.status,
                _one_line(media_state(row)),
                _one_line(display_path(row.media_path) or "-"),
            )
            out.write(
                "  ".join(_cell(c, w, keep_end=h == "PATH") for c, (h, w) in zip(cells, TABLE, strict=True)).rstrip()
                + "\n"
            )
            shown += 1
    print(f"{shown} item(s)" if shown else f"no {args.status} items" if args.status != "all" else "the queue is empty",
          file=sys.stderr)
    return 0
