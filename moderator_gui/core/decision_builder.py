"""Building a decision from the reviewer's choice, and saying why not. Qt-free.

:func:`refusal` checks a choice (decide, skip or escalate the current item) against
what the desk knows and the policy, and returns *why not* as a coded
:class:`~moderator_gui.core.messages.Message` (the UI translates it) or None;
:func:`make_decision` then makes the :class:`DecisionInput` the write queue saves.
"""

from __future__ import annotations

from datetime import datetime
from uuid import uuid4

from moderator_gui.core.domain import DecisionInput, EventKind, utcnow
from moderator_gui.core.messages import QT_TRANSLATE_NOOP, Message, catalogue
from moderator_gui.core.policy import Policy, PolicyError
from moderator_gui.core.store import QueueRow

catalogue(
    {
        "decision.choose_category": QT_TRANSLATE_NOOP("Messages", "Choose a category (1–7) or No violation (0) first."),
        "decision.escalation_note": QT_TRANSLATE_NOOP(
            "Messages", "Escalating needs a note for the team lead: type it, then press E or Enter again."
        ),
        "decision.no_item": QT_TRANSLATE_NOOP("Messages", "No item is selected."),
        "decision.still_saving": QT_TRANSLATE_NOOP("Messages", "This item's last decision is still being saved."),
        "decision.held_by": QT_TRANSLATE_NOOP(
            "Messages", "{reviewer} is working on this item (until {until}): you can look, not decide."
        ),
        "decision.leads_only": QT_TRANSLATE_NOOP(
            "Messages", "This item was escalated to the team leads: only a lead can decide it."
        ),
        #: {labels}: the policy's labels of what needs the note, in the reviewer's language.
        "decision.note_required": QT_TRANSLATE_NOOP("Messages", "A note is required for: {labels}"),
    }
)


def refusal(
    policy: Policy,
    kind: EventKind,
    category: str | None,
    actions: tuple[str, ...],
    note: str,
    *,
    item: QueueRow | None,
    saving: bool,
    lang: str,
    viewer: str | None = None,
    lead: bool = True,
    now: datetime | None = None,
) -> Message | None:
    """Why this choice cannot be recorded now, or None.

    ``item``: the current item (None: none); ``saving``: its last decision is still being
    saved; ``lang``: the reviewer's language, for the policy's labels in the reason. A
    policy error (an unknown code) is passed on as its text (``generic.text``). In a team,
    ``viewer`` is the reviewer's login: an item someone else holds is read-only for them,
    and an escalated one too unless they are a ``lead`` (the server refuses both anyway).
    """
    if kind == EventKind.DECIDE and category is None:
        return Message.of("decision.choose_category")
    if kind == EventKind.ESCALATE and not note.strip():
        return Message.of("decision.escalation_note")
    if item is None:
        return Message.of("decision.no_item")
    if saving:
        return Message.of("decision.still_saving")
    holder = held_by_other(item, viewer, now or utcnow())
    if holder is not None:
        return Message.of("decision.held_by", reviewer=holder, until=_local_time(item.claim_expires))
    if not lead and item.status == "escalated":
        return Message.of("decision.leads_only")
    try:
        if "note" in policy.required_fields(category, actions) and not note.strip():
            return note_required(policy, category, actions, lang)
        policy.validate_decision(category, actions, note)
    except PolicyError as exc:
        return Message.of("generic.text", text=str(exc))
    return None


def held_by_other(item: QueueRow, viewer: str | None, now: datetime) -> str | None:
    """Who else holds ``item`` with a live claim, if anyone (not ``viewer``)."""
    if item.claimed_by is None or item.claimed_by == viewer:
        return None
    if item.claim_expires is not None and item.claim_expires <= now:
        return None  # the lease ran out since the row was read
    return item.claimed_by


def _local_time(when: datetime | None) -> str:
    return "?" if when is None else when.astimezone().strftime("%H:%M")


def note_required(policy: Policy, category: str | None, actions: tuple[str, ...], lang: str) -> Message:
    """The note is missing: for which of the chosen category and actions, by their labels in ``lang``."""
    names = []
    if category is not None and "note" in policy.category(category).requires:
        names.append(policy.category(category).label.get(lang))
    names += [policy.action(a).label.get(lang) for a in actions if "note" in policy.action(a).requires]
    joined = "、".join(names) if lang.startswith("zh") else ", ".join(names)
    return Message.of("decision.note_required", labels=joined)


def make_decision(
    item: QueueRow,
    kind: EventKind,
    category: str | None,
    actions: tuple[str, ...],
    note: str,
    *,
    reviewer: str,
    time_spent_ms: int | None,
) -> DecisionInput:
    """The decision on ``item`` as the reviewer made it, now: its own uuid (a retry reuses it)
    and the head the reviewer saw (the store refuses it if someone else decided meanwhile)."""
    return DecisionInput(
        item_id=item.id,
        kind=kind,
        reviewer=reviewer,
        category=category,
        actions=actions,
        note=note.strip(),
        time_spent_ms=time_spent_ms,
        expected_head=item.head_event,
        uuid=str(uuid4()),
        decided_at=utcnow(),  # when the reviewer decided, even if it is saved later
    )
