"""Building a decision and saying why not (core/decision_builder.py), without Qt: the reasons
are coded messages whose English text is what the desk has always shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from moderator_gui.core.decision_builder import make_decision, refusal
from moderator_gui.core.domain import EventKind, utcnow
from moderator_gui.core.messages import CATALOGUE_MODULES, Message, all_templates
from moderator_gui.core.policy import load_policy
from moderator_gui.core.store import Store

POLICY = load_policy()


@pytest.fixture
def item(tmp_path: Any) -> Any:
    from factories import make_item

    store = Store.open(tmp_path / "x.sqlite3")
    try:
        return store.item(make_item(store))
    finally:
        store.close()


def why(
    kind: EventKind,
    category: str | None = None,
    actions: tuple[str, ...] = (),
    note: str = "",
    *,
    item: Any,
    saving: bool = False,
    lang: str = "en",
) -> Message | None:
    return refusal(POLICY, kind, category, actions, note, item=item, saving=saving, lang=lang)


def test_the_refusals_in_the_order_the_desk_checks_them(item: Any) -> None:
    assert why(EventKind.DECIDE, None, item=None) == Message.of("decision.choose_category")
    assert str(why(EventKind.DECIDE, None, item=item)) == "Choose a category (1–7) or No violation (0) first."
    assert str(why(EventKind.ESCALATE, None, ("escalate",), "  ", item=None)) == (
        "Escalating needs a note for the team lead: type it, then press E or Enter again."
    )
    assert str(why(EventKind.SKIP, item=None)) == "No item is selected."
    assert (
        str(why(EventKind.DECIDE, "cyberbullying", ("warn",), item=item, saving=True))
        == "This item's last decision is still being saved."
    )
    assert why(EventKind.DECIDE, "cyberbullying", ("warn",), item=item) is None
    assert why(EventKind.SKIP, item=item) is None
    assert why(EventKind.ESCALATE, None, ("escalate",), "for the lead", item=item) is None


def test_a_missing_note_names_what_needs_it_in_the_reviewers_language(item: Any) -> None:
    cat, report = POLICY.category("self_harm_csam"), POLICY.action("report_authorities")
    english = why(EventKind.DECIDE, "self_harm_csam", ("remove_content", "report_authorities"), " ", item=item)
    assert english == Message.of("decision.note_required", labels=f"{cat.label.en}, {report.label.en}")
    assert str(english) == f"A note is required for: {cat.label.en}, {report.label.en}"
    chinese = why(EventKind.DECIDE, "self_harm_csam", ("report_authorities",), "", item=item, lang="zh_CN")
    assert chinese is not None and chinese.args == {"labels": f"{cat.label.zh_CN}、{report.label.zh_CN}"}


def test_a_policy_error_is_passed_on_as_its_text(item: Any) -> None:
    msg = why(EventKind.DECIDE, "no_such_category", item=item)
    assert msg is not None and msg.code == "generic.text" and str(msg) == "unknown category code 'no_such_category'"


def test_the_catalogue_is_registered_for_translation() -> None:
    assert "moderator_gui.core.decision_builder" in CATALOGUE_MODULES
    codes = {
        "decision.choose_category",
        "decision.escalation_note",
        "decision.no_item",
        "decision.still_saving",
        "decision.note_required",
    }
    assert codes <= set(all_templates())


def test_make_decision(item: Any) -> None:
    before = utcnow()
    a = make_decision(item, EventKind.DECIDE, "cyberbullying", ("warn",), "  a note \n", reviewer="alice", time_spent_ms=1200)
    b = make_decision(item, EventKind.DECIDE, "cyberbullying", ("warn",), "", reviewer="alice", time_spent_ms=None)
    assert (a.item_id, a.kind, a.reviewer, a.category, a.actions, a.note, a.time_spent_ms) == (
        item.id, EventKind.DECIDE, "alice", "cyberbullying", ("warn",), "a note", 1200
    )
    assert a.expected_head == item.head_event, "the head the reviewer saw: a conflict is refused, not recorded twice"
    assert a.uuid != b.uuid
    assert a.decided_at is not None and before <= a.decided_at <= utcnow() + timedelta(seconds=1)
