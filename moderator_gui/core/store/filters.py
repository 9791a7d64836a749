"""A :class:`~moderator_gui.core.decision_filter.DecisionFilter` as SQL conditions."""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

from moderator_gui.core.decision_filter import DecisionFilter
from moderator_gui.core.store.tables import decisions_t, reviewers_t


def actions_contain(code: str) -> ColumnElement[bool]:
    """``decisions.actions`` (a JSON array of codes matching [a-z0-9_]) contains ``code``."""
    return decisions_t.c.actions.like(f'%"{code}"%')


def conditions(flt: DecisionFilter) -> list[ColumnElement[bool]]:
    """WHERE clauses on ``decisions`` (joined with ``reviewers``). Validate the filter first."""
    conds: list[ColumnElement[bool]] = []
    lo, hi = flt.bounds()
    if lo is not None:
        conds.append(decisions_t.c.decided_at >= lo)
    if hi is not None:
        conds.append(decisions_t.c.decided_at < hi)
    if flt.reviewer is not None:
        conds.append(reviewers_t.c.name == flt.reviewer)
    if flt.category is not None:
        conds.append(decisions_t.c.category == flt.category)
    if flt.action is not None:
        conds.append(actions_contain(flt.action))
    return conds
