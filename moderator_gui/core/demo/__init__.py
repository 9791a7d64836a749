"""A deterministic, safe, synthetic sample queue (``moderator-cli demo``, ``moderator-gui --demo``).

Why it exists: reviewers, team leads and developers need a queue that exercises
every path of the tool (every content type, odd encodings, broken files, shared
media, repeat uploaders, a decision history for exports and statistics) without
ever handling real harmful content. Everything here is abstract art drawn with
Pillow, tone-only audio and harmless example texts.

The package:

* ``art``: drawing (colours, noise, gradients, shapes, labels, frames) and the encoders;
* ``media_pool``: the fixed pool of ~40 sample files (:data:`MEDIA_POOL`),
  :func:`generate_media`, and the contents items can show;
* ``samples``: the names and texts (accounts, reviewers, flag reasons, posts, notes,
  platforms, flag sources), read once from ``resources/demo/samples.toml``;
* ``queue``: the manifest rows of the pending queue and of the history items;
* ``history``: the synthetic decision history and its writing through the store;
* here: :func:`generate_demo`, which puts them together.

Determinism: the same ``seed`` (and the same reference time ``now``) gives
byte-identical media files and an identical manifest and decision log. Every
file is drawn from its own ``random.Random(f"{seed}/{name}")`` so files do not
depend on generation order; encoders run single-threaded with ``bitexact``.
The queue rows and the history each draw from their own seeded generator, in a
fixed order (the order of the samples file is part of it).

Scale: media is a fixed pool of ~40 files reused by any number of items; items
go through the normal importer (``ingest.import_path``); the synthetic history
goes through ``Store.append_history`` (the checks of every decision) in large
batches, each batch in one write transaction together with the projection
(``items.status``/``head_event``) of the items it touched, so the database is
consistent with ``domain.derive_state`` after every commit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moderator_gui.core import ingest
from moderator_gui.core.demo.history import BATCH_EVENTS, HISTORY_DAYS, DemoProgress, History, write_history
from moderator_gui.core.demo.media_pool import MEDIA_POOL, MEDIA_SUBDIR, check_categories, contents, generate_media
from moderator_gui.core.demo.queue import PENDING_HOURS, Rows, jsonl, pending_contents, plan_history
from moderator_gui.core.demo.samples import Samples, SamplesError, bundled_samples
from moderator_gui.core.store import Store

__all__ = [  # noqa: RUF022 - the lazy names last, apart
    "BATCH_EVENTS",
    "HISTORY_DAYS",
    "MANIFEST_NAME",
    "MEDIA_POOL",
    "MEDIA_SUBDIR",
    "PENDING_HOURS",
    "DemoProgress",
    "DemoSummary",
    "Samples",
    "SamplesError",
    "bundled_samples",
    "generate_demo",
    "generate_media",
    # read from the samples file on first use (module __getattr__):
    "ACCOUNTS",
    "FLAG_SOURCES",
    "PLATFORMS",
    "REVIEWERS",
    "TEXT_POSTS",
]

MANIFEST_NAME = "demo-manifest.jsonl"

# The sample names that used to be constants here, now read from the samples file when first asked for.
_FROM_SAMPLES = {
    "ACCOUNTS": lambda s: s.accounts,
    "FLAG_SOURCES": lambda s: s.flag_sources,
    "PLATFORMS": lambda s: s.platforms,
    "REVIEWERS": lambda s: s.reviewers,
    "TEXT_POSTS": lambda s: s.text_posts,
}


def __getattr__(name: str) -> Any:
    """``from moderator_gui.core.demo import PLATFORMS`` reads the samples file then, not at import."""
    if name in _FROM_SAMPLES:
        return _FROM_SAMPLES[name](bundled_samples())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo`` did."""

    items_imported: int
    rejected: int
    decisions: int
    media_dir: Path
    manifest: Path
    rejections: tuple[ingest.Rejection, ...] = ()
    duplicates: int = 0
    history_items: int = 0  # older items planned to carry the past decisions (in the manifest after the queue)
    reviewers: tuple[str, ...] = ()
    media_files: int = 0


def generate_demo(
    store: Store,
    dest: Path,
    *,
    items: int = 60,
    decided: int = 0,
    seed: int = 1,
    progress: DemoProgress | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Write the sample media and a JSONL manifest into ``dest``, import it, add ``decided`` past events.

    ``items`` items flagged in the last 72 hours form the reviewable (pending)
    queue. ``decided`` events go on extra, older history items, spread over the
    past four weeks. ``now`` is the reference time (default: the current time);
    the same ``seed`` and ``now`` give identical files, rows and events.
    Running it again on the same database adds nothing twice: existing items
    count as duplicates and items that already have events get no new ones.
    """
    if items < 0 or decided < 0:
        raise ValueError("items and decided must be >= 0")
    names = bundled_samples()  # read (and checked) before anything is written
    check_categories(names)
    now_ts = int((now or datetime.now(UTC)).timestamp())
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    media_dir = dest / MEDIA_SUBDIR
    if progress is not None:
        progress("media", 0, len(MEDIA_POOL))
    written = generate_media(media_dir, seed)
    if progress is not None:
        progress("media", len(MEDIA_POOL), len(MEDIA_POOL))

    pool = contents(written, names)
    rng = random.Random(f"{seed}/queue")
    rows = Rows(rng, seed, names)
    lines = [
        jsonl(rows.row(content, index, now_ts - rng.randrange(PENDING_HOURS * 3600)))
        for index, content in enumerate(pending_contents(rng, pool, items))
    ]
    history = History(random.Random(f"{seed}/history"), store.policy, now_ts, names)
    history_keys, events, history_lines = plan_history(history, rows, pool, decided, progress)
    lines += history_lines
    manifest = dest / MANIFEST_NAME
    with manifest.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(lines)
    del lines, history_lines
    total_rows = items + len(history_keys)

    def import_progress(rows_done: int) -> None:
        if progress is not None:
            progress("import", rows_done, total_rows)  # never cancels: a half-imported demo helps nobody

    report = ingest.import_path(store, manifest, progress=import_progress)
    written_events: int = 0
    reviewers: tuple[str, ...] = ()
    if events:
        source_text = ingest.display_name(str(manifest.resolve()))
        targets = store.undecided_items_from(source_text, history_keys)
        written_events, reviewers = write_history(store, targets, events, progress)
        store.refresh_statistics()
    return DemoSummary(
        items_imported=report.imported,
        rejected=len(report.rejected),
        decisions=written_events,
        media_dir=media_dir,
        manifest=manifest,
        rejections=tuple(report.rejected),
        duplicates=report.duplicates,
        history_items=len(history_keys),
        reviewers=reviewers,
        media_files=len(MEDIA_POOL),
    )
