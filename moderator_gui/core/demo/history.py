"""The demo's synthetic decision history: what happened to older items, and writing it.

:class:`History` plans, per history item, a short script of events (decide; skip
then decide; escalate then the lead decides; change of mind; undo and redo; ...)
by the reviewers of the samples file, with the categories and actions the policy
allows, and with each event's ``supersedes`` and the item's projection exactly as
the store derives them. :func:`write_history` hands the events, in time order, to
``Store.append_history``, which applies the same checks as to a reviewer's decision.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from moderator_gui.core.demo.samples import Samples
from moderator_gui.core.demo.weighted import Weighted
from moderator_gui.core.domain import DecisionInput, EventKind, EventRef, ItemStatus, derive_state
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import Store

DemoProgress = Callable[[str, int, int], object]
"""``progress(stage, done, total)`` with stage "media", "plan", "import" or "history"; called
between steps (from the calling thread); the return value is ignored: a demo is not cancelled."""

HISTORY_DAYS = 28
BATCH_EVENTS = 50_000  # events per write transaction: big enough to be fast, small enough to show progress
EXTRA_ACTIONS = ("warn", "restrict_age_gate", "suspend_account")  # what a reviewer may add to the defaults


class Event(NamedTuple):
    """One synthetic decision event, with the item's projection right after it."""

    ts: int
    item: int  # index into the history items
    uuid: str
    kind: EventKind
    category: str | None
    actions: tuple[str, ...]
    note: str
    reviewer: str
    time_spent_ms: int | None
    reverts: str | None
    supersedes: str | None
    status: ItemStatus
    head: str | None


def uuid7(rng: random.Random, ts: int) -> str:
    """A deterministic time-ordered UUID (version 7, RFC 9562) for an event at ``ts``.

    Why not uuid4: events are inserted in time order, so time-ordered keys append to
    the unique index; a million random keys would scatter writes over all of its pages.
    """
    ms = ts * 1000 + rng.randrange(1000)
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"  # what str(UUID(int=value)) gives, without building a UUID a million times
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Step(NamedTuple):
    ts: int
    kind: EventKind
    uuid: str
    category: str | None
    actions: tuple[str, ...]
    note: str
    reverts: str | None
    reviewer: str


# Scripts of what happened to one item: (name, weight, number of events).
_SCRIPTS = (
    ("decide", 60, 1),
    ("skip_decide", 12, 2),
    ("escalate_decide", 9, 2),
    ("escalated", 3, 1),
    ("change_mind", 6, 2),
    ("revert_redecide", 6, 3),
    ("skip_skip_decide", 4, 3),
)


@dataclass
class History:
    """Plans the synthetic decision history: items (older flagged_at) and their events."""

    rng: random.Random
    policy: Policy
    now_ts: int
    samples: Samples  # reviewer names, the lead, notes
    reviewers: tuple[str, ...] = ()
    lead: str = field(init=False)
    _speed: dict[str, float] = field(default_factory=dict)
    _reviewer: Weighted[str] = field(init=False)
    _scripts: Weighted[tuple[str, int, int]] = field(init=False)
    _valid: set[tuple[str, tuple[str, ...], bool]] = field(default_factory=set)
    _needs_note: dict[tuple[str, tuple[str, ...]], bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = self.rng
        count = rng.randint(6, 8)
        self.lead = lead = self.samples.lead
        self.reviewers = (*self.samples.team[: count - 1], lead)
        self._speed = {r: rng.uniform(0.7, 1.4) for r in self.reviewers}
        # The lead mostly resolves escalations; the others share the queue unevenly.
        self._reviewer = Weighted(self.reviewers, [0.2 if r == lead else rng.uniform(0.5, 1.5) for r in self.reviewers])
        self._scripts = Weighted(_SCRIPTS, [w for _, w, _ in _SCRIPTS])

    def flagged_at(self) -> int:
        """When a history item was flagged: 5 hours to 4 weeks ago (its events follow within hours)."""
        return self.now_ts - self.rng.randrange(5 * 3600, HISTORY_DAYS * 86400)

    def plan_item(self, item: int, flagged: int, suspected: str | None, budget: int) -> list[Event]:
        """The events of one history item (at most ``budget`` of them), all after ``flagged``."""
        rng = self.rng
        name, _, length = self._scripts.pick(rng)
        if length > budget:
            name = "decide"
        window = self.now_ts - 4 * 3600 - flagged - 60
        t = flagged + 60 + min(window, int(rng.lognormvariate(math.log(90 * 60), 1.0)))
        a = self._someone()
        steps: list[_Step] = []

        def add(kind: EventKind, who: str, category: str | None = None, actions: tuple[str, ...] = (),
                note: str = "", reverts: str | None = None) -> str:
            nonlocal t
            if steps:
                t += rng.randint(40, 2400)
            uid = uuid7(rng, t)
            steps.append(_Step(t, kind, uid, category, actions, note, reverts, who))
            return uid

        if name == "decide":
            add(EventKind.DECIDE, a, *self._decision(suspected))
        elif name == "skip_decide":
            add(EventKind.SKIP, a)
            add(EventKind.DECIDE, self._someone(not_=a), *self._decision(suspected))
        elif name in ("escalate_decide", "escalated"):
            add(EventKind.ESCALATE, a, None, self._escalate_actions(), rng.choice(self.samples.escalation_notes))
            if name == "escalate_decide":
                add(EventKind.DECIDE, self.lead if a != self.lead else self._someone(not_=a), *self._decision(suspected))
        elif name == "change_mind":
            first = self._decision(suspected)
            add(EventKind.DECIDE, a, *first)
            second = self._decision(suspected)
            while second[0] == first[0]:
                second = self._decision(suspected)
            add(EventKind.DECIDE, a, *second)
        elif name == "revert_redecide":
            wrong = add(EventKind.DECIDE, a, *self._decision(suspected))
            add(EventKind.REVERT, a, note=rng.choice(self.samples.revert_notes), reverts=wrong)
            add(EventKind.DECIDE, a, *self._decision(suspected))
        else:  # skip_skip_decide
            b = self._someone(not_=a)
            add(EventKind.SKIP, a)
            add(EventKind.SKIP, b)
            add(EventKind.DECIDE, self._someone(not_=b), *self._decision(suspected))
        return self._events(item, steps)

    def _events(self, item: int, steps: list[_Step]) -> list[Event]:
        """Attach supersedes and the projection after each event, exactly as the store derives them."""
        refs: list[EventRef] = []
        head: str | None = None
        out = []
        for ts, kind, uid, category, actions, note, reverts, who in steps:
            supersedes = None if kind == EventKind.REVERT else head
            refs.append(EventRef(uuid=uid, kind=kind, reverts=reverts))
            status, head = derive_state(refs)
            out.append(
                Event(ts, item, uid, kind, category, actions, note, who,
                       self._time_spent(kind, who), reverts, supersedes, status, head)
            )
        return out

    def _someone(self, not_: str | None = None) -> str:
        while True:
            who = self._reviewer.pick(self.rng)
            if who != not_:
                return who

    def _escalate_actions(self) -> tuple[str, ...]:
        """What Store.record stores for an escalation (it adds the "escalate" action)."""
        return ("escalate",) if self.policy.has_action("escalate") else ()

    def _decision(self, suspected: str | None) -> tuple[str, tuple[str, ...], str]:
        """(category, actions, note): mostly the suspected category with its default actions."""
        rng, policy = self.rng, self.policy
        r = rng.random()
        if suspected is not None and r < 0.6:
            code = suspected
        elif r < 0.88:
            code = policy.no_violation.code
        else:
            code = rng.choice([c.code for c in policy.categories if c.is_violation])
        category = policy.category(code)
        actions = list(category.default_actions)
        if category.is_violation and rng.random() < 0.15:  # the reviewer changed the defaults
            if len(actions) > 1 and rng.random() < 0.5:
                actions.pop()
            else:
                extra = [a for a in EXTRA_ACTIONS if a not in actions and policy.has_action(a)]
                if extra:
                    actions.append(rng.choice(extra))
        chosen = tuple(actions)
        needs_note = self._needs_note.get((code, chosen))
        if needs_note is None:
            needs_note = self._needs_note[(code, chosen)] = "note" in policy.required_fields(code, chosen)
        note = rng.choice(self.samples.decision_notes) if needs_note or rng.random() < 0.05 else ""
        key = (code, chosen, bool(note))
        if key not in self._valid:
            policy.validate_decision(code, chosen, note)  # a policy change must not make the demo lie
            self._valid.add(key)
        return code, chosen, note

    def _time_spent(self, kind: EventKind, who: str) -> int | None:
        """Handling time: log-normal around 20 s for a decision (skips quicker, escalations slower)."""
        if kind == EventKind.REVERT:
            return None
        median = {EventKind.DECIDE: 20_000, EventKind.SKIP: 9_000, EventKind.ESCALATE: 45_000}[kind]
        spent = self.rng.lognormvariate(math.log(median * self._speed[who]), 0.6)
        return max(1_500, min(600_000, int(spent)))


def write_history(
    store: Store, item_ids: Sequence[int | None], events: list[Event], progress: DemoProgress | None
) -> tuple[int, tuple[str, ...]]:
    """Append the events (in decided_at order) through the store, under the rules of every write.

    ``item_ids[e.item]`` is the database id of a history item, None when its events
    must not be written (it was not imported by this run, or already has events).
    Returns the number of events written and the reviewers who made them.
    """
    events = [e for e in events if item_ids[e.item] is not None]
    events.sort(key=lambda e: e.ts)  # stable: an item's own events keep their order
    names = tuple(sorted({e.reviewer for e in events}))
    total = len(events)
    if progress is not None:
        progress("history", 0, total)

    def inputs() -> Iterator[DecisionInput]:
        for e in events:
            iid = item_ids[e.item]
            assert iid is not None
            revert = e.kind == EventKind.REVERT
            yield DecisionInput(
                item_id=iid,
                kind=e.kind,
                reviewer=e.reviewer,
                category=e.category,
                actions=e.actions,
                note=e.note,
                time_spent_ms=e.time_spent_ms,
                expected_head=None if revert else e.supersedes,
                check_head=not revert,
                uuid=e.uuid,
                decided_at=datetime.fromtimestamp(e.ts, UTC),
                reverts=e.reverts,
            )

    written = store.append_history(
        inputs(), batch=BATCH_EVENTS, progress=None if progress is None else lambda done: progress("history", done, total)
    )
    return written, names
