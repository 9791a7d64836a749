"""Statistics for `moderator-cli stats` and the statistics view.

Everything is aggregated by the database (``Store.statistics_rows``): no event is
loaded into Python, which only folds the few grouped rows here.

Every event that was not undone counts: one undone by a later revert event is
excluded, and so are the revert events themselves. An event later superseded by
another decision on the same item (a skip then a decision, a lead re-deciding)
still counts: it was real work by its reviewer.
Queue sizes and ages describe the items now and ignore the event filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from moderator_gui.core.decision_filter import DecisionFilter
from moderator_gui.core.domain import EventKind, ItemStatus, utcnow

if TYPE_CHECKING:  # the statistics call Store methods; importing the store is the caller's business
    from moderator_gui.core.store import Store

AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("<1h", timedelta(hours=1)),
    ("<4h", timedelta(hours=4)),
    ("<24h", timedelta(hours=24)),
    ("older", None),
)
IN_FORCE_NOTE = (
    "events that were undone (reverted), and the undo events themselves, are not counted (events later "
    "superseded by another decision are: they were real work); queue sizes and ages ignore the filters"
)


@dataclass(frozen=True)
class Stats:
    generated_at: datetime
    filter: DecisionFilter
    queue_by_status: dict[str, int]
    open_age: dict[str, int]  # open (pending + skipped) items by time since flagged
    events_by_kind: dict[str, int]  # not undone: decide / skip / escalate
    by_category: dict[str, int]  # decide events
    by_action: dict[str, int]  # decide + escalate events whose actions include the code
    by_reviewer: dict[str, dict[str, int]]  # reviewer -> kind -> events
    by_day: dict[str, int]  # UTC day -> decide events
    median_handling_ms: float | None  # time_spent_ms of decide events
    handling_samples: int
    reverted_excluded: int  # events matching the filter that were undone

    @property
    def decisions(self) -> int:
        return self.events_by_kind.get(EventKind.DECIDE.value, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at.isoformat().replace("+00:00", "Z"),
            "filter": self.filter.to_json(),
            "note": IN_FORCE_NOTE,
            "queue": {"by_status": self.queue_by_status, "open_age": self.open_age},
            "decisions": self.decisions,
            "events_by_kind": self.events_by_kind,
            "reverted_excluded": self.reverted_excluded,
            "by_category": self.by_category,
            "by_action": self.by_action,
            "by_reviewer": self.by_reviewer,
            "by_day": self.by_day,
            "median_handling_ms": self.median_handling_ms,
            "handling_samples": self.handling_samples,
        }


def compute_stats(store: Store, flt: DecisionFilter | None = None, *, now: datetime | None = None) -> Stats:
    """Queue and decision statistics; raises FilterError for a filter naming unknown codes."""
    flt = flt or DecisionFilter()
    flt.validate(store.policy)
    now = now or utcnow()
    raw = store.statistics_rows(
        flt, now=now, age_buckets=[upper for _, upper in AGE_BUCKETS], action_codes=[a.code for a in store.policy.actions]
    )
    by_status = {s.value: 0 for s in ItemStatus}
    by_status.update(raw.items_by_status)
    open_age = {name: n for (name, _), n in zip(AGE_BUCKETS, raw.open_by_age, strict=True)}
    codes = [a.code for a in store.policy.actions]
    by_kind = {k.value: 0 for k in EventKind if k != EventKind.REVERT}
    by_category = {c.code: 0 for c in store.policy.categories}
    by_action = dict.fromkeys(codes, 0)
    by_reviewer: dict[str, dict[str, int]] = {}
    by_day: dict[str, int] = {}
    for kind, category, name, when, n, *action_sums in raw.groups:
        by_kind[kind] += n
        by_reviewer.setdefault(name, dict.fromkeys(by_kind, 0))[kind] += n
        for code, m in zip(codes, action_sums, strict=True):
            by_action[code] += int(m)
        if kind == EventKind.DECIDE.value:
            by_category[category] = by_category.get(category, 0) + n
            by_day[when] = by_day.get(when, 0) + n
    by_reviewer = dict(sorted(by_reviewer.items()))
    by_day = dict(sorted(by_day.items()))
    median, samples, undone = raw.median_handling_ms, raw.handling_samples, raw.undone
    return Stats(
        generated_at=now,
        filter=flt,
        queue_by_status=by_status,
        open_age=open_age,
        events_by_kind=by_kind,
        by_category=by_category,
        by_action=by_action,
        by_reviewer=by_reviewer,
        by_day=by_day,
        median_handling_ms=median,
        handling_samples=samples,
        reverted_excluded=int(undone),
    )
