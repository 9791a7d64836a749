"""`moderator-cli demo`: generate and import a deterministic, safe, synthetic sample queue.

Exit codes: 0 the demo was generated and imported (some deliberately broken files
are rejected by the importer; they are listed), 2 bad arguments or the media folder
cannot be written, 3 a storage failure (printed by cli.main).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from moderator_gui.cli.common import add_db_option, fail, open_store, print_json

if TYPE_CHECKING:
    from moderator_gui.core.demo import DemoSummary
    from moderator_gui.core.store import Store

MEDIA_DIR_NAME = "demo-media"


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="generate and import a synthetic sample queue (safe abstract media, example texts)",
        description=(
            "Generate a deterministic, safe, synthetic sample queue and import it: abstract images, "
            "animated stickers, short H.264 clips, example text posts and a few deliberately broken "
            "files. The same --seed gives byte-identical media and identical rows. --decided adds "
            "that many past decision events (several fake reviewers, last 4 weeks) on extra, older "
            "items so that exports and statistics have something to show."
        ),
    )
    add_db_option(p)
    p.add_argument("--items", metavar="N", type=_count, default=60, help="items in the pending queue (default 60)")
    p.add_argument("--decided", metavar="M", type=_count, default=0, help="past decision events to add (default 0)")
    p.add_argument("--seed", metavar="S", type=int, default=1, help="random seed (default 1)")
    p.add_argument(
        "--media-dir",
        metavar="DIR",
        type=Path,
        default=None,
        help=f"where the media and the manifest go (default: '{MEDIA_DIR_NAME}' next to the SQLite database file)",
    )
    p.add_argument("--json", action="store_true", help="print a machine-readable summary on stdout")
    p.set_defaults(func=run)


def default_media_dir(store: Store) -> Path:
    """Next to the SQLite file; for a server database (no file), in the per-user data folder."""
    from moderator_gui.core.paths import data_dir

    db = store.url.database
    if store.dialect == "sqlite" and db and db != ":memory:" and not db.startswith("file:"):
        return Path(db).parent / MEDIA_DIR_NAME
    return data_dir() / MEDIA_DIR_NAME


def run(args: argparse.Namespace) -> int:
    from moderator_gui.core.demo import generate_demo

    started = time.monotonic()
    show_progress = not args.json and sys.stderr.isatty()
    with open_store(args) as store:
        # A reviewer's login is refused by the server anyway; say so before making any file.
        store.require_lead("fill a team database with the sample queue")
        dest = args.media_dir or default_media_dir(store)
        try:
            dest.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return fail("demo", f"cannot create the media folder {dest}: {exc.strerror or exc}")
        summary = generate_demo(
            store,
            dest,
            items=args.items,
            decided=args.decided,
            seed=args.seed,
            progress=_print_progress if show_progress else None,
        )
    if show_progress:
        sys.stderr.write("\n")
    seconds = round(time.monotonic() - started, 2)
    if args.json:
        print_json(_to_json(summary, seconds))
    else:
        _print_human(summary, seconds)
    return 0


def _print_progress(stage: str, done: int, total: int) -> None:
    sys.stderr.write(f"\r{stage}: {done}/{total}   ")
    sys.stderr.flush()


def _to_json(s: DemoSummary, seconds: float) -> dict[str, object]:
    return {
        "items_imported": s.items_imported,
        "history_items": s.history_items,
        "duplicates": s.duplicates,
        "rejected": [{"where": r.where, "reason": r.reason} for r in s.rejections],
        "decisions": s.decisions,
        "reviewers": list(s.reviewers),
        "media_files": s.media_files,
        "media_dir": str(s.media_dir),
        "manifest": str(s.manifest),
        "seconds": seconds,
    }


def _print_human(s: DemoSummary, seconds: float) -> None:
    out = sys.stdout
    out.write(f"wrote {s.media_files} sample media files to {s.media_dir} and the manifest {s.manifest}\n")
    out.write(f"imported {s.items_imported} items, duplicates {s.duplicates}, rejected {s.rejected}\n")
    for r in s.rejections:
        out.write(f"  rejected {r.where}: {r.reason}\n")
    if s.decisions:
        out.write(
            f"recorded {s.decisions} past decision events on {s.history_items} older items "
            f"by {len(s.reviewers)} reviewers\n"
        )
    out.write(f"done in {seconds} s\n")
