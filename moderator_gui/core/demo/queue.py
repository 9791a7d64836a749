"""The demo's manifest rows: the pending queue and the older history items.

:class:`Rows` makes one manifest row (platform, uploader, flag source and reason,
scores, ``flagged_at``) for a :class:`~moderator_gui.core.demo.media_pool.Content`,
drawing names from the samples file; :func:`pending_contents` chooses what the
reviewable queue shows; :func:`plan_history` makes the history items and their
events (planned by :class:`~moderator_gui.core.demo.history.History`).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from typing import Any

from moderator_gui.core.demo.history import DemoProgress, Event, History
from moderator_gui.core.demo.media_pool import Content
from moderator_gui.core.demo.samples import Samples
from moderator_gui.core.demo.weighted import Weighted

PENDING_HOURS = 72  # the reviewable queue was flagged within this many hours before ``now``
HISTORY_INDEX = 500_000_000  # external ids of history items start here (never collide with the queue's)


class Rows:
    """Deterministic manifest rows: platform, uploader, flag source/reason, scores, flagged_at."""

    def __init__(self, rng: random.Random, seed: int, samples: Samples) -> None:
        self.rng = rng
        self.seed = seed
        self._platform = {ct: Weighted(samples.platforms, w) for ct, w in samples.platform_weights.items()}
        self._prefix = samples.id_prefix
        self._source = Weighted(samples.flag_sources, samples.flag_source_weights)
        # The first accounts are drawn far more often, so that account history shows.
        accounts = samples.accounts
        self._account = Weighted(accounts, [1 / (k + 1) ** 1.1 for k in range(len(accounts))])
        self._reasons = samples.flag_reasons

    def row(self, content: Content, index: int, flagged_ts: int) -> dict[str, Any]:
        rng = self.rng
        platform = self._platform[content.content_type].pick(rng)
        category = rng.choice(content.categories)
        source = self._source.pick(rng)
        if source == "user_report":
            reports = min(500, int(rng.paretovariate(1.2)))
        else:
            reports = rng.randrange(0, 3)
        if source == "classifier":
            score: float | None = round(rng.uniform(0.55, 0.99), 3)
        else:
            score = round(rng.uniform(0.05, 0.8), 3) if rng.random() < 0.5 else None
        w = content.written
        return {
            "external_id": f"{self._prefix[platform]}{self.seed % 1000:03d}{index:09d}",
            "platform": platform,
            "content_type": content.content_type.value,
            "media_path": content.media_path,
            "text": content.text,
            "uploader": self._account.pick(rng),
            "flagged_at": datetime.fromtimestamp(flagged_ts, UTC).isoformat(),
            "flag_source": source,
            "flag_reason": rng.choice(self._reasons[category]),
            "report_count": reports,
            "classifier_score": score,
            "suspected_category": category,
            "width": w.width if w else None,
            "height": w.height if w else None,
            "duration_ms": w.duration_ms if w else None,
        }


def pending_contents(rng: random.Random, contents: list[Content], items: int) -> list[Content]:
    """What the reviewable queue shows: every essential sample (broken files exactly once),
    a few "viral" media posted several times (same SHA-256), then the rest, reused as needed."""
    reusable = [c for c in contents if not c.broken]
    viral = rng.sample([c for c in reusable if c.media_path], 3)
    rest = [c for c in contents if not c.essential]
    rng.shuffle(rest)
    order = [c for c in contents if c.essential] + viral * 2 + rest
    chosen = order[:items] + rng.choices(reusable, k=max(0, items - len(order)))
    rng.shuffle(chosen)
    return chosen


def plan_history(
    history: History, rows: Rows, contents: list[Content], decided: int, progress: DemoProgress | None
) -> tuple[list[tuple[str, str]], list[Event], list[str]]:
    """History items and their ``decided`` events: (platform, external_id) per item, events, manifest lines."""
    reusable = [c for c in contents if not c.broken]  # reusing the queue's media shows earlier verdicts
    keys: list[tuple[str, str]] = []
    events: list[Event] = []
    dated: list[tuple[int, str]] = []
    budget = decided
    while budget > 0:
        h = len(keys)
        flagged = history.flagged_at()
        row = rows.row(reusable[history.rng.randrange(len(reusable))], HISTORY_INDEX + h, flagged)
        item_events = history.plan_item(h, flagged, row["suspected_category"], budget)
        dated.append((flagged, jsonl(row)))
        keys.append((row["platform"], row["external_id"]))
        events.extend(item_events)
        budget -= len(item_events)
        if progress is not None and h % 20_000 == 0:
            progress("plan", len(events), decided)
    # Oldest first, so item ids follow time as the events do: the bulk writes then touch
    # neighbouring rows and index pages instead of the whole table.
    dated.sort(key=lambda fl: fl[0])
    return keys, events, [line for _, line in dated]


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # built once, not per row


def jsonl(row: dict[str, Any]) -> str:
    return _ENCODE(row) + "\n"
