"""Item and event factories for tests: real rows in a real database, through the real APIs.

Items are inserted with Core into ``items_t`` (the ingest module is not needed to
test the store, export or stats); events go through ``Store.record``/``Store.revert``
so the projection (``items.status``/``head_event``) is exactly what the app makes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import insert

from moderator_gui.core.domain import DecisionInput, EventKind, compute_priority
from moderator_gui.core.store import RecordedEvent, Store, path_to_db
from moderator_gui.core.store.tables import decisions_t, items_t

_counter = itertools.count(1)
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def item_values(**overrides: Any) -> dict[str, Any]:
    """A complete ``items`` row (an image flagged on 'weibo'); override any column."""
    n = next(_counter)
    values: dict[str, Any] = {
        "external_id": f"post-{n}",
        "platform": "weibo",
        "import_source": "/imports/batch-1",
        "content_type": "image",
        "media_path": path_to_db(f"/media/img-{n}.jpg"),
        "media_type": "image/jpeg",
        "sha256": hashlib.sha256(f"media-{n}".encode()).hexdigest(),
        "size_bytes": 1000 + n,
        "uploader": f"user{n}",
        "flagged_at": T0,
        "flag_source": "user_report",
        "flag_reason": "reported",
        "report_count": 1,
        "classifier_score": 0.5,
        "suspected_category": None,
        "priority": compute_priority(3, 1, 0.5),
        "status": "pending",
        "head_event": None,
        "imported_at": T0,
    }
    values.update(overrides)
    return values


def make_item(store: Store, **overrides: Any) -> int:
    """Insert one item; returns its id."""
    with store.write() as conn:
        return conn.execute(insert(items_t).values(**item_values(**overrides)).returning(items_t.c.id)).scalar_one()


def make_items(store: Store, n: int, **overrides: Any) -> list[int]:
    return [make_item(store, **overrides) for _ in range(n)]


def record(
    store: Store,
    item_id: int,
    kind: EventKind | str = EventKind.DECIDE,
    *,
    reviewer: str = "alice",
    category: str | None = None,
    actions: tuple[str, ...] | list[str] | None = None,
    note: str = "",
    time_spent_ms: int | None = 1000,
    decided_at: datetime | None = None,
) -> RecordedEvent:
    """Record an event the way the review screen does (expected_head = the item's current head).

    A decide event defaults to the first category and its default actions.
    """
    kind = EventKind(kind)
    if kind == EventKind.DECIDE and category is None:
        category = store.policy.categories[0].code
    if actions is None:
        actions = store.policy.category(category).default_actions if category else ()
    head = store.item(item_id).head_event
    return store.record(
        DecisionInput(
            item_id=item_id,
            kind=kind,
            reviewer=reviewer,
            category=category,
            actions=tuple(actions),
            note=note,
            time_spent_ms=time_spent_ms,
            expected_head=head,
            decided_at=decided_at,
        )
    )


def decided_history(store: Store, n: int, *, start: datetime = T0, step: timedelta = timedelta(minutes=7)) -> list[RecordedEvent]:
    """``n`` decide events on ``n`` new items, cycling categories and two reviewers, one every ``step``."""
    cats = store.policy.categories
    events = []
    for k, item_id in enumerate(make_items(store, n)):
        events.append(
            record(
                store,
                item_id,
                reviewer=("alice", "bob")[k % 2],
                category=cats[k % len(cats)].code,
                note="checked" if "note" in cats[k % len(cats)].requires else "",
                time_spent_ms=1000 * (k + 1),
                decided_at=start + step * k,
            )
        )
    return events


def bulk_decisions(store: Store, n: int, *, reviewer: str = "bulk") -> None:
    """``n`` decide events inserted with Core in one transaction, for volume tests only
    (many batches, cancel mid-way): fast, but bypasses Store.record and the projection."""
    item_id = make_item(store)
    rid = store.reviewer_id(reviewer)
    cat = store.policy.categories[0]
    with store.write() as conn:
        conn.execute(
            insert(decisions_t),
            [
                {
                    "uuid": str(uuid4()),
                    "item_id": item_id,
                    "kind": EventKind.DECIDE.value,
                    "category": cat.code,
                    "actions": json.dumps(list(cat.default_actions)),
                    "note": f"bulk {k}",
                    "reviewer_id": rid,
                    "decided_at": T0 + timedelta(seconds=k),
                    "time_spent_ms": 1000,
                    "policy_version": store.policy.version,
                }
                for k in range(n)
            ],
        )


__all__ = [
    "T0",
    "bulk_decisions",
    "decided_history",
    "item_values",
    "make_item",
    "make_items",
    "record",
]
