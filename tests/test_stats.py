"""compute_stats on real events (SQLite file and PostgreSQL): counts, median, days, ages, undo."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from factories import T0, make_item, record
from moderator_gui.core.decision_filter import DecisionFilter, FilterError
from moderator_gui.core.stats import compute_stats
from moderator_gui.core.store import Store

NOW = T0 + timedelta(days=3)


@pytest.fixture
def history(store: Store) -> dict[str, object]:
    """Day 1: alice decides 3 (one later undone), bob decides 1; day 2: bob skips, carol escalates.
    Open items flagged 30 min, 2 h, 10 h and 5 days before NOW."""
    items = [make_item(store, flagged_at=T0 - timedelta(days=5)) for _ in range(6)]
    d1 = T0
    a1 = record(store, items[0], reviewer="alice", category="porn_violence", time_spent_ms=4000, decided_at=d1)
    record(store, items[1], reviewer="alice", category="cyberbullying", time_spent_ms=1000, decided_at=d1 + timedelta(hours=1))
    undone = record(
        store, items[2], reviewer="alice", category="porn_violence", time_spent_ms=99_000, decided_at=d1 + timedelta(hours=2)
    )
    record(store, items[3], reviewer="bob", category="no_violation", time_spent_ms=2000, decided_at=d1 + timedelta(hours=3))
    record(store, items[4], "skip", reviewer="bob", decided_at=d1 + timedelta(days=1))
    record(store, items[5], "escalate", reviewer="carol", note="unsure", time_spent_ms=500, decided_at=d1 + timedelta(days=1))
    store.revert(undone.uuid, "alice", note="wrong item")
    for age in (timedelta(minutes=30), timedelta(hours=2), timedelta(hours=10)):
        make_item(store, flagged_at=NOW - age)
    return {"first": a1, "undone": undone}


def test_counts_exclude_undone_events(store: Store, history: dict) -> None:
    st = compute_stats(store, now=NOW)
    assert st.queue_by_status == {"pending": 4, "skipped": 1, "escalated": 1, "decided": 3}
    assert st.decisions == 3
    assert st.events_by_kind == {"decide": 3, "skip": 1, "escalate": 1}
    assert st.reverted_excluded == 1
    assert st.by_category["porn_violence"] == 1 and st.by_category["cyberbullying"] == 1
    assert st.by_category["no_violation"] == 1 and st.by_category["self_harm_csam"] == 0
    assert list(st.by_category) == [c.code for c in store.policy.categories]
    assert st.by_action["remove_content"] == 2  # porn_violence + cyberbullying defaults
    assert st.by_action["suspend_account"] == 1 and st.by_action["warn"] == 1
    assert st.by_action["escalate"] == 1 and st.by_action["no_action"] == 1
    assert st.by_reviewer == {
        "alice": {"decide": 2, "skip": 0, "escalate": 0},
        "bob": {"decide": 1, "skip": 1, "escalate": 0},
        "carol": {"decide": 0, "skip": 0, "escalate": 1},
    }
    assert st.by_day == {"2026-11-01": 3}


def test_median_handling_time_is_over_decide_events_in_force(store: Store, history: dict) -> None:
    st = compute_stats(store, now=NOW)
    assert st.handling_samples == 3
    assert st.median_handling_ms == 2000.0  # 1000, 2000, 4000 (the undone 99 s excluded)
    record(store, make_item(store), reviewer="dave", category="no_violation", time_spent_ms=3000)
    st = compute_stats(store, now=NOW)
    assert st.handling_samples == 4 and st.median_handling_ms == 2500.0  # mean of the middle two


def test_open_items_by_age(store: Store, history: dict) -> None:
    st = compute_stats(store, now=NOW)
    # open = 4 pending (3 fresh + items[2] whose decision was undone) + 1 skipped
    assert st.open_age == {"<1h": 1, "<4h": 1, "<24h": 1, "older": 2}


def test_filters(store: Store, history: dict) -> None:
    assert compute_stats(store, DecisionFilter(reviewer="alice"), now=NOW).decisions == 2
    by_day2 = compute_stats(store, DecisionFilter(since=date(2026, 11, 2), until=date(2026, 11, 2)), now=NOW)
    assert by_day2.decisions == 0 and by_day2.events_by_kind == {"decide": 0, "skip": 1, "escalate": 1}
    assert by_day2.median_handling_ms is None and by_day2.handling_samples == 0
    assert by_day2.queue_by_status["pending"] == 4  # the queue ignores event filters
    cat = compute_stats(store, DecisionFilter(category="porn_violence"), now=NOW)
    assert cat.decisions == 1 and cat.reverted_excluded == 1 and cat.median_handling_ms == 4000.0
    assert compute_stats(store, DecisionFilter(action="escalate"), now=NOW).events_by_kind["escalate"] == 1


def test_empty_database(store: Store) -> None:
    st = compute_stats(store)
    assert st.decisions == 0 and st.median_handling_ms is None and st.by_day == {} and st.by_reviewer == {}
    assert sum(st.queue_by_status.values()) == 0 and sum(st.open_age.values()) == 0


def test_unknown_codes_are_refused(sqlite_store: Store) -> None:
    with pytest.raises(FilterError, match="unknown category code 'x'"):
        compute_stats(sqlite_store, DecisionFilter(category="x"))


def test_to_json_is_plain_json_and_says_what_is_excluded(store: Store, history: dict) -> None:
    data = json.loads(json.dumps(compute_stats(store, DecisionFilter(reviewer="bob"), now=NOW).to_json()))
    assert data["filter"]["reviewer"] == "bob"
    assert "reverted" in data["note"] and data["reverted_excluded"] == 0
    assert data["queue"]["by_status"]["skipped"] == 1
    assert data["generated_at"] == "2026-11-04T09:00:00Z"
    assert data["decisions"] == 1 and data["by_reviewer"] == {"bob": {"decide": 1, "skip": 1, "escalate": 0}}
