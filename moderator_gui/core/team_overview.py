"""What a team lead watches (the lead console): who is online and what each holds, the
decisions per hour today, the escalations waiting and the conflicts to adjudicate.

Qt-free reads through :class:`Store` methods, meant to run on a worker thread. Three
reads, refreshed separately: :func:`read_presence` (heartbeats and claims: they change
with the clock), :func:`read_decisions` (the hourly counts and the escalations: they
change only with events) and :func:`read_conflicts`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from moderator_gui.core.domain import EventKind, ItemStatus, utcnow

if TYPE_CHECKING:  # the reads call Store methods; importing the store is the caller's business
    from moderator_gui.core.store import Claim, HistoryRow, Store
    from moderator_gui.core.store.team import KeptConflict, OnlineDesk

#: Escalated items the console lists (oldest first would hide new ones: queue order).
ESCALATION_LIMIT = 100
#: Events of an item read to find its escalation note / the decision in force.
HISTORY_DEPTH = 10


def heartbeat_ms(lease_s: int) -> int:
    """How often a desk says it is online and renews its claims: a third of the lease."""
    return max(1_000, lease_s * 1000 // 3)


def online_window_s(lease_s: int) -> int:
    """A desk counts as online if its heartbeat came within two heartbeats."""
    return -(-2 * heartbeat_ms(lease_s) // 1000)


@dataclass(frozen=True)
class Presence:
    online: list[OnlineDesk]
    claims: list[Claim]
    people: list[str]  # whom an item may be handed to: the team's logins (solo: the known reviewers)
    window_s: int  # the "online" window used

    def holds(self, reviewer: str) -> int:
        return sum(1 for c in self.claims if c.reviewer == reviewer)

    def online_names(self) -> list[str]:
        return sorted({d.reviewer for d in self.online})


def read_presence(store: Store, *, team: bool) -> Presence:
    """Who is online (heartbeat within two heartbeats), the live claims, and the people an
    item can be reassigned to. On a team server the login roles are server-wide (several
    team databases share the group roles), so only those known to this database count."""
    window = online_window_s(store.lease_seconds())
    online = store.online(window)
    claims = store.claims()
    known = store.reviewers()
    if team:
        here = set(known)
        people = [u.name for u in store.users() if u.can_login and u.name in here]
    else:
        people = known
    people = sorted(set(people) | {d.reviewer for d in online})
    return Presence(online, claims, people, window)


@dataclass(frozen=True)
class HourlyCounts:
    """Decisions (not undone) per reviewer and UTC hour since ``since`` (midnight UTC)."""

    since: datetime
    now: datetime
    per_reviewer: dict[str, dict[int, int]] = field(default_factory=dict)

    def hours(self) -> list[int]:
        """The hours to show: from the first with a decision to the current one."""
        seen = {h for counts in self.per_reviewer.values() for h in counts} | {self.now.hour}
        return list(range(min(seen), max(seen) + 1))

    def reviewers(self) -> list[str]:
        return sorted(self.per_reviewer)

    def count(self, reviewer: str | None, hour: int | None) -> int:
        """One cell; ``None`` sums over reviewers / hours."""
        rows = self.per_reviewer.values() if reviewer is None else [self.per_reviewer.get(reviewer, {})]
        return sum(n for counts in rows for h, n in counts.items() if hour is None or h == hour)


@dataclass(frozen=True)
class Escalation:
    item_id: int
    external_id: str
    flag_reason: str | None
    escalated_by: str | None  # None: the escalation event was not found (history too deep)
    escalated_at: datetime | None
    note: str


def midnight_utc(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def read_decisions(store: Store, *, now: datetime | None = None) -> tuple[HourlyCounts, list[Escalation]]:
    """Today's decisions per hour (UTC) and the escalated items with their escalation notes."""
    from moderator_gui.core.store import QueueFilter

    now = now or utcnow()
    since = midnight_utc(now)
    hourly = HourlyCounts(since, now, store.decisions_per_hour(since))
    escalations = []
    for row in store.queue_page(QueueFilter(status=ItemStatus.ESCALATED.value), limit=ESCALATION_LIMIT):
        history = store.item_history(row.id, limit=HISTORY_DEPTH)
        event = _in_force(history, row.head_event, EventKind.ESCALATE.value)
        escalations.append(
            Escalation(
                row.id, row.external_id, row.flag_reason,
                event.reviewer if event else None, event.decided_at if event else None, event.note if event else "",
            )
        )
    return hourly, escalations


def _in_force(history: list[HistoryRow], head: str | None, kind: str | None = None) -> HistoryRow | None:
    """The item's head event in its history (else the newest of ``kind`` not undone)."""
    found = next((h for h in history if h.uuid == head), None) if head else None
    if found is None and kind is not None:
        found = next((h for h in history if h.kind == kind and not h.reverted), None)
    return found


@dataclass(frozen=True)
class ConflictCase:
    """A late decision kept for a lead, and what the item says now."""

    conflict: KeptConflict
    status: str  # the item's status now
    recorded: HistoryRow | None  # the event in force now (None: nothing, the item is open)


def read_conflicts(store: Store) -> list[ConflictCase]:
    cases = []
    for c in store.conflicts(open_only=True):
        item = store.item(c.item_id)
        recorded = _in_force(store.item_history(c.item_id, limit=HISTORY_DEPTH), item.head_event)
        cases.append(ConflictCase(c, item.status, recorded))
    return cases
