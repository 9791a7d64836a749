"""Statistics for `moderator-cli stats` and the statistics view.

Everything is aggregated by the database (one GROUP BY scan with conditional
sums, a median by percentile_cont on PostgreSQL or ORDER BY/LIMIT/OFFSET on
SQLite): no event is loaded into Python, which only folds the few grouped rows.

Every event that was not undone counts: one undone by a later revert event is
excluded, and so are the revert events themselves. An event later superseded by
another decision on the same item (a skip then a decision, a lead re-deciding)
still counts: it was real work by its reviewer.
Queue sizes and ages describe the items now and ignore the event filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, and_, case, cast, func, select, true
from sqlalchemy.sql.elements import ColumnElement

from moderator_gui.core.domain import OPEN_STATUSES, EventKind, ItemStatus, utcnow
from moderator_gui.core.export import ExportError, ExportFilter, actions_contain
from moderator_gui.core.store.store import Store, decisions_t, items_t, reviewers_t

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
    filter: ExportFilter
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


def _undone() -> Any:
    """uuids of events that a revert event cancels."""
    return select(decisions_t.c.reverts).where(decisions_t.c.reverts.is_not(None))


def _day(dialect: str) -> ColumnElement[str]:
    col = decisions_t.c.decided_at
    if dialect == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS.ffffff' UTC
        return func.substr(cast(col, Text), 1, 10)
    return func.to_char(func.timezone("UTC", col), "YYYY-MM-DD")


class _Events:
    """SELECT builders over the filtered events that were not undone."""

    def __init__(self, flt: ExportFilter) -> None:
        self.conds: list[ColumnElement[bool]] = [
            decisions_t.c.kind != EventKind.REVERT.value,
            decisions_t.c.uuid.not_in(_undone()),
            *flt.conditions(),
        ]

    def select(self, *cols: Any, kinds: tuple[EventKind, ...] = ()) -> Any:
        q = (
            select(*cols)
            .select_from(decisions_t.join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id))
            .where(*self.conds)
        )
        if kinds:
            q = q.where(decisions_t.c.kind.in_([k.value for k in kinds]))
        return q


def _median_ms(conn: Connection, ev: _Events, dialect: str) -> tuple[float | None, int]:
    spent = decisions_t.c.time_spent_ms
    timed = ev.select(func.count(spent), kinds=(EventKind.DECIDE,)).where(spent.is_not(None))
    n = conn.execute(timed).scalar_one()
    if n == 0:
        return None, 0
    if dialect == "postgresql":
        q = ev.select(func.percentile_cont(0.5).within_group(spent), kinds=(EventKind.DECIDE,))
        return float(conn.execute(q).scalar_one()), n
    # SQLite: the middle value (mean of the two middle ones for an even count), as percentile_cont.
    q = (
        ev.select(spent, kinds=(EventKind.DECIDE,))
        .where(spent.is_not(None))
        .order_by(spent)
        .limit(2 - n % 2)
        .offset((n - 1) // 2)
    )
    middle = list(conn.execute(q).scalars())
    return sum(middle) / len(middle), n


def compute_stats(store: Store, flt: ExportFilter | None = None, *, now: datetime | None = None) -> Stats:
    """Queue and decision statistics; raises ExportError for a filter naming unknown codes."""
    flt = flt or ExportFilter()
    flt.validate(store.policy)
    now = now or utcnow()
    dialect = store.dialect
    if dialect not in ("sqlite", "postgresql"):
        raise ExportError(f"statistics on a {dialect} database are not supported (SQLite or PostgreSQL)")
    ev = _Events(flt)
    d = decisions_t.c
    reviewer = reviewers_t.c.name
    with store.read() as conn:
        by_status = {s.value: 0 for s in ItemStatus}
        by_status.update(
            conn.execute(select(items_t.c.status, func.count()).group_by(items_t.c.status)).all()
        )
        age_sums = []
        lower: timedelta | None = timedelta(0)
        for _, upper in AGE_BUCKETS:
            conds = [items_t.c.flagged_at <= now - lower] if lower is not None else []
            if upper is not None:
                conds.append(items_t.c.flagged_at > now - upper)
            age_sums.append(func.coalesce(func.sum(case((and_(true(), *conds), 1), else_=0)), 0))
            lower = upper
        ages = conn.execute(select(*age_sums).where(items_t.c.status.in_(OPEN_STATUSES))).one()
        open_age = {name: int(n) for (name, _), n in zip(AGE_BUCKETS, ages, strict=True)}

        # One scan: counts and per-action sums grouped by kind, category, reviewer and day.
        # The groups (reviewers x kinds x categories x days) are few; folding them below
        # is cheap, and every event is read once instead of once per breakdown.
        codes = [a.code for a in store.policy.actions]
        day = _day(dialect).label("day")
        groups = conn.execute(
            ev.select(
                d.kind,
                d.category,
                reviewer,
                day,
                func.count(),
                *[func.sum(case((actions_contain(c), 1), else_=0)) for c in codes],
            ).group_by(d.kind, d.category, reviewer, day)
        ).all()
        by_kind = {k.value: 0 for k in EventKind if k != EventKind.REVERT}
        by_category = {c.code: 0 for c in store.policy.categories}
        by_action = dict.fromkeys(codes, 0)
        by_reviewer: dict[str, dict[str, int]] = {}
        by_day: dict[str, int] = {}
        for kind, category, name, when, n, *action_sums in groups:
            by_kind[kind] += n
            by_reviewer.setdefault(name, dict.fromkeys(by_kind, 0))[kind] += n
            for code, m in zip(codes, action_sums, strict=True):
                by_action[code] += int(m)
            if kind == EventKind.DECIDE.value:
                by_category[category] = by_category.get(category, 0) + n
                by_day[when] = by_day.get(when, 0) + n
        by_reviewer = dict(sorted(by_reviewer.items()))
        by_day = dict(sorted(by_day.items()))
        median, samples = _median_ms(conn, ev, dialect)

        undone = conn.execute(
            select(func.count())
            .select_from(decisions_t.join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id))
            .where(d.uuid.in_(_undone()), *flt.conditions())
        ).scalar_one()
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
