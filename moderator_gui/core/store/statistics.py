"""Aggregates for the statistics, computed by the database.

One GROUP BY scan with conditional sums, a median by percentile_cont on PostgreSQL
or ORDER BY/LIMIT/OFFSET on SQLite: no event is loaded into Python, which only
folds the few grouped rows (``core/stats.py``).

Every event that was not undone counts: one undone by a later revert event is
excluded, and so are the revert events themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Text, and_, case, cast, func, select, true
from sqlalchemy.sql.elements import ColumnElement

from moderator_gui.core.decision_filter import DecisionFilter
from moderator_gui.core.domain import OPEN_STATUSES, EventKind
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.filters import actions_contain, conditions
from moderator_gui.core.store.tables import decisions_t, items_t, reviewers_t


@dataclass(frozen=True)
class StatsRows:
    items_by_status: dict[str, int]
    open_by_age: tuple[int, ...]  # open items per age bucket, in the order asked for
    # (kind, category, reviewer, UTC day, events, then per asked action code: events with it)
    groups: list[tuple[Any, ...]]
    median_handling_ms: float | None
    handling_samples: int
    undone: int  # events matching the filter that were undone


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

    def __init__(self, flt: DecisionFilter) -> None:
        self.conds: list[ColumnElement[bool]] = [
            decisions_t.c.kind != EventKind.REVERT.value,
            decisions_t.c.uuid.not_in(_undone()),
            *conditions(flt),
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


class StatisticsMixin(StoreBase):
    def statistics_rows(
        self,
        flt: DecisionFilter,
        *,
        now: datetime,
        age_buckets: Sequence[timedelta | None],
        action_codes: Sequence[str],
    ) -> StatsRows:
        """Queue sizes now (ignoring the filter) and the filtered events' aggregates.

        ``age_buckets``: upper bounds of the open items' age buckets (None: no bound).
        """
        ev = _Events(flt)
        d = decisions_t.c
        with self.read() as conn:
            by_status_q = select(items_t.c.status, func.count()).group_by(items_t.c.status)
            by_status: dict[str, int] = dict(conn.execute(by_status_q).all())
            age_sums = []
            lower: timedelta | None = timedelta(0)
            for upper in age_buckets:
                conds = [items_t.c.flagged_at <= now - lower] if lower is not None else []
                if upper is not None:
                    conds.append(items_t.c.flagged_at > now - upper)
                age_sums.append(func.coalesce(func.sum(case((and_(true(), *conds), 1), else_=0)), 0))
                lower = upper
            ages = conn.execute(select(*age_sums).where(items_t.c.status.in_(OPEN_STATUSES))).one()
            # One scan: counts and per-action sums grouped by kind, category, reviewer and day.
            # The groups (reviewers x kinds x categories x days) are few; every event is read once.
            day = _day(self.dialect).label("day")
            groups = conn.execute(
                ev.select(
                    d.kind,
                    d.category,
                    reviewers_t.c.name,
                    day,
                    func.count(),
                    *[func.sum(case((actions_contain(c), 1), else_=0)) for c in action_codes],
                ).group_by(d.kind, d.category, reviewers_t.c.name, day)
            ).all()
            median, samples = _median_ms(conn, ev, self.dialect)
            undone = conn.execute(
                select(func.count())
                .select_from(decisions_t.join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id))
                .where(d.uuid.in_(_undone()), *conditions(flt))
            ).scalar_one()
        return StatsRows(
            items_by_status={str(k): int(v) for k, v in by_status.items()},
            open_by_age=tuple(int(n) for n in ages),
            groups=[tuple(g) for g in groups],
            median_handling_ms=median,
            handling_samples=samples,
            undone=int(undone),
        )
