"""Plain domain vocabulary shared by the store, ingest, export and UI. Qt-free, DB-free."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from uuid import uuid4


class ContentType(StrEnum):
    IMAGE = "image"
    ANIMATION = "animation"  # animated sticker: GIF / WebP / APNG
    VIDEO = "video"
    LIVE_CLIP = "live_clip"  # a clip cut from a live stream
    TEXT = "text"


MEDIA_CONTENT_TYPES = frozenset({ContentType.IMAGE, ContentType.ANIMATION, ContentType.VIDEO, ContentType.LIVE_CLIP})


class ItemStatus(StrEnum):
    PENDING = "pending"
    SKIPPED = "skipped"
    ESCALATED = "escalated"
    DECIDED = "decided"


# The reviewer's working queue: items nobody has decided or escalated yet.
OPEN_STATUSES: tuple[str, ...] = (ItemStatus.PENDING.value, ItemStatus.SKIPPED.value)


class EventKind(StrEnum):
    DECIDE = "decide"  # a category (or no violation) with actions
    SKIP = "skip"  # the reviewer passes; the item stays in the queue for others
    ESCALATE = "escalate"  # sent to a team lead; note required
    REVERT = "revert"  # undo: cancels an earlier event (its uuid in `reverts`)


_STATUS_FOR_KIND = {
    EventKind.DECIDE: ItemStatus.DECIDED,
    EventKind.SKIP: ItemStatus.SKIPPED,
    EventKind.ESCALATE: ItemStatus.ESCALATED,
}


@dataclass(frozen=True)
class EventRef:
    """The minimum of an event needed to derive an item's state."""

    uuid: str
    kind: EventKind
    reverts: str | None = None


def derive_state(events: Iterable[EventRef]) -> tuple[ItemStatus, str | None]:
    """An item's current status and head event, derived from its events in order.

    A revert event cancels the event it names; the item's state is that of the
    last event still in force, or pending if none is.
    """
    evs = list(events)
    reverted = {e.reverts for e in evs if e.kind == EventKind.REVERT}
    live = [e for e in evs if e.kind != EventKind.REVERT and e.uuid not in reverted]
    if not live:
        return ItemStatus.PENDING, None
    head = live[-1]
    return _STATUS_FOR_KIND[head.kind], head.uuid


@dataclass(frozen=True)
class DecisionInput:
    """What a reviewer decided about one item. Recorded by ``Store.record``.

    ``uuid`` is made by the caller so that a retry after an unclear failure is
    idempotent. ``expected_head`` is the head event the reviewer saw (None when
    the item was pending); if someone else changed the item meanwhile the store
    refuses with ``ConflictError`` instead of double-recording.
    """

    item_id: int
    kind: EventKind
    reviewer: str
    category: str | None = None
    actions: Sequence[str] = ()
    note: str = ""
    time_spent_ms: int | None = None
    expected_head: str | None = None
    check_head: bool = True
    uuid: str = field(default_factory=lambda: str(uuid4()))
    decided_at: datetime | None = None  # None: now (UTC); set by the desk when the reviewer decided
    reverts: str | None = None  # a REVERT event: the uuid of the event it undoes (Store.revert, history imports)


def utcnow() -> datetime:
    return datetime.now(UTC)


def compute_priority(
    severity: int, report_count: int, classifier_score: float | None
) -> int:
    """Queue priority: higher first. Severity of the suspected category dominates,
    then classifier confidence, then how many users reported it."""
    score = severity * 1000
    if classifier_score is not None:
        score += int(max(0.0, min(1.0, classifier_score)) * 500)
    score += min(max(report_count, 0), 100) * 4
    return score
