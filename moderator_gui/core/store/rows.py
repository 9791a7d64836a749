"""The plain values the store hands out: acknowledgements, queue rows, history rows, filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from moderator_gui.core.domain import EventKind, ItemStatus


@dataclass(frozen=True)
class RecordedEvent:
    """Acknowledgement of a committed event."""

    seq: int
    uuid: str
    item_id: int
    kind: EventKind
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str
    decided_at: datetime
    time_spent_ms: int | None
    policy_version: str
    reverts: str | None
    supersedes: str | None
    item_status: ItemStatus  # the item's status after this event


@dataclass(frozen=True)
class QueueFilter:
    status: str = "pending"  # pending | skipped | escalated | decided | open (pending+skipped) | all
    content_type: str | None = None
    platform: str | None = None
    search: str | None = None  # external id or uploader account (substring)
    order: str = "priority"  # priority | oldest
    viewer: str | None = None  # whose skip marks the rows say (QueueRow.skipped_by_viewer)
    one_per_cluster: bool = False  # show each cluster of duplicates once (its first item by id)


class QueueRow(NamedTuple):
    """One queue row (a NamedTuple: cheap to build by the hundred per page, and
    ``tuple(row)`` / ``QueueRow._make`` convert it losslessly — the queue model keeps
    plain tuples, which the cycle collector does not walk)."""

    id: int
    external_id: str
    platform: str
    content_type: str
    media_path: bytes | None
    media_type: str | None
    sha256: str | None
    size_bytes: int | None
    uploader: str | None
    flagged_at: datetime
    flag_source: str | None
    flag_reason: str | None
    report_count: int
    classifier_score: float | None
    suspected_category: str | None
    priority: int
    status: str
    head_event: str | None
    text_body: str | None
    width: int | None
    height: int | None
    duration_ms: int | None
    media_state: str | None = None  # None: not probed yet; "ok"; "failed"
    media_error: str | None = None
    thumb_ready: bool = False
    claimed_by: str | None = None  # who holds the item with a live claim (lease not run out)
    claim_expires: datetime | None = None
    skipped_by_viewer: bool = False  # the filter's viewer skipped it: not handed to them again
    media_retired_at: datetime | None = None  # a retention purge removed its stored media then
    match_source: str | None = None  # the hash list its content matches (closest match), if any
    match_category: str | None = None
    match_distance: int | None = None
    cluster_size: int = 1  # items with this content or a near duplicate of it (this one included)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (self.priority, self.flagged_at, self.id)


@dataclass(frozen=True)
class HistoryRow:
    uuid: str
    item_id: int
    external_id: str
    kind: str
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str
    decided_at: datetime
    reverted: bool
    time_spent_ms: int | None = None
