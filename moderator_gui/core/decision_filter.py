"""Which decision events to look at: a time range, a reviewer, a category, an action.

Used by the export, the statistics (CLI and window) and anything else that selects
events. Plain values only: the store turns a filter into SQL
(``core/store/filters.py``). Errors carry codes (``FilterError.field`` says which
field is wrong, so the CLI can name its option and a window its input).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from moderator_gui.core.messages import QT_TRANSLATE_NOOP, CodedError, Message, catalogue

if TYPE_CHECKING:  # validate() is given the store's policy; parsing a filter needs no policy file
    from moderator_gui.core.policy import Policy

catalogue(
    {
        "filter.bad_time": QT_TRANSLATE_NOOP(
            "Messages", "{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 time (2026-11-23T08:00:00Z)"
        ),
        "filter.bad_day": QT_TRANSLATE_NOOP("Messages", "{value!r} is not a valid date (YYYY-MM-DD)"),
        "filter.empty_range": QT_TRANSLATE_NOOP("Messages", "the start ({since}) is after the end ({until})"),
        "filter.unknown_category": QT_TRANSLATE_NOOP("Messages", "unknown category code {code!r}; known: {known}"),
        "filter.unknown_action": QT_TRANSLATE_NOOP("Messages", "unknown action code {code!r}; known: {known}"),
    }
)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE_RE = re.compile(r"^[a-z0-9_]+$")


class FilterError(CodedError, ValueError):
    """A filter value is not valid. ``field``: since | until | category | action | range."""

    def __init__(self, msg: Message | str, /, *, field: str, **params: object) -> None:
        super().__init__(msg, **params)
        self.field = field


def parse_when(text: str, field: str) -> date | datetime:
    """A date (a whole day) or an ISO 8601 time (UTC if it has no offset)."""
    text = text.strip()
    if _DATE_RE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise FilterError("filter.bad_day", field=field, value=text) from None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise FilterError("filter.bad_time", field=field, value=text) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def iso(value: date | datetime | None) -> str | None:
    if value is None or not isinstance(value, datetime):
        return None if value is None else value.isoformat()
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class DecisionFilter:
    """Which events to export (or count in the statistics).

    ``since`` is inclusive; ``until`` is inclusive too: a ``date`` means the whole
    day (UTC), a ``datetime`` that exact instant. Times without an offset are UTC.
    ``category`` is an exact code; ``action`` selects events whose actions contain it.
    """

    since: date | datetime | None = None
    until: date | datetime | None = None
    reviewer: str | None = None
    category: str | None = None
    action: str | None = None

    @classmethod
    def parse(
        cls,
        since: str | None = None,
        until: str | None = None,
        reviewer: str | None = None,
        category: str | None = None,
        action: str | None = None,
    ) -> DecisionFilter:
        """From command-line / dialog text; raises FilterError naming the bad field."""
        return cls(
            since=parse_when(since, "since") if since else None,
            until=parse_when(until, "until") if until else None,
            reviewer=reviewer.strip() if reviewer and reviewer.strip() else None,
            category=category.strip() if category else None,
            action=action.strip() if action else None,
        )

    def validate(self, policy: Policy) -> None:
        """Refuse codes the policy does not know, and an empty date range, with a specific reason."""
        if self.category is not None and not policy.has_category(self.category):
            known = ", ".join(c.code for c in policy.categories)
            raise FilterError("filter.unknown_category", field="category", code=self.category, known=known)
        if self.action is not None and not (_CODE_RE.match(self.action) and policy.has_action(self.action)):
            known = ", ".join(a.code for a in policy.actions)
            raise FilterError("filter.unknown_action", field="action", code=self.action, known=known)
        lo, hi = self.bounds()
        if lo is not None and hi is not None and lo >= hi:
            raise FilterError("filter.empty_range", field="range", since=iso(self.since), until=iso(self.until))

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """``[lo, hi)`` in aware UTC datetimes (``until`` made exclusive)."""

        def start(v: date | datetime) -> datetime:
            return v if isinstance(v, datetime) else datetime.combine(v, time(), UTC)

        lo = start(self.since) if self.since is not None else None
        hi = None
        if self.until is not None:
            hi = (
                self.until + timedelta(microseconds=1)
                if isinstance(self.until, datetime)
                else start(self.until) + timedelta(days=1)
            )
        return lo, hi

    def to_json(self) -> dict[str, str | None]:
        return {
            "since": iso(self.since),
            "until": iso(self.until),
            "reviewer": self.reviewer,
            "category": self.category,
            "action": self.action,
        }
