"""The statistics window shows exactly ``compute_stats`` of a real database, with the filters applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QAbstractBarSeries, QBarCategoryAxis, QChartView, QLineSeries
from PySide6.QtCore import QDateTime, QLocale, Qt
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from factories import decided_history, make_items, record
from moderator_gui.core.decision_filter import DecisionFilter
from moderator_gui.core.domain import EventKind, utcnow
from moderator_gui.core.stats import AGE_BUCKETS, Stats, compute_stats
from moderator_gui.core.store import Store
from moderator_gui.ui.i18n import install_translators
from moderator_gui.ui.stats_view import StatsTableModel, StatsView
from moderator_gui.ui.tasks import TaskRunner

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def busy_store(sqlite_store: Store) -> Store:
    """Decisions by alice and bob over a week, skips and an escalation by carol, one undone
    decision, and open items of every age."""
    s = sqlite_store
    events = decided_history(s, 24, step=timedelta(hours=7))
    s.revert(events[3].uuid, "alice")
    skipped, escalated = make_items(s, 2)
    record(s, skipped, EventKind.SKIP, reviewer="carol")
    record(s, escalated, EventKind.ESCALATE, reviewer="carol", note="unsure: needs a lead")
    now = utcnow()
    for age in (timedelta(minutes=20), timedelta(hours=2), timedelta(hours=2, minutes=5), timedelta(hours=9)):
        make_items(s, 1, flagged_at=now - age)
    return s


def open_view(qtbot: QtBot, store: Store, runner: TaskRunner) -> StatsView:
    view = StatsView(store, runner, store.policy)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.busy, timeout=10_000)
    qtbot.waitUntil(lambda: view.filters.reviewer.count() == 1 + len(store.reviewers()))
    return view


def shown_table(model: StatsTableModel) -> dict[tuple[str, str], str]:
    """The table as the user reads it: (group, name) -> value text."""
    cell = lambda r, c: model.data(model.index(r, c))  # noqa: E731
    return {(cell(r, 0), cell(r, 1)): cell(r, 2) for r in range(model.rowCount())}


def bar_values(view: QChartView) -> dict[str, float]:
    """Bar label on the category axis -> the bar's length, summed over the stacked sets."""
    chart = view.chart()
    series = chart.series()[0]
    assert isinstance(series, QAbstractBarSeries)
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    labels = axis.categories()
    return {labels[i]: sum(s.at(i) for s in series.barSets()) for i in range(len(labels))}


def assert_view_shows(view: StatsView, expected: Stats, lang: str = "en") -> None:
    n = QLocale().toString
    policy = view._policy
    table = shown_table(view.model)
    assert table[("Summary", "Decisions")] == n(expected.decisions)
    assert table[("Summary", "Median handling time")] == view.duration_text(expected.median_handling_ms)
    assert table[("Summary", "Undone (not counted)")] == n(expected.reverted_excluded)
    for cat in policy.categories:
        assert table[("Category", cat.label.get(lang))] == n(expected.by_category[cat.code]), cat.code
    for act in policy.actions:
        assert table[("Action", act.label.get(lang))] == n(expected.by_action[act.code]), act.code
    reviewer_rows = {name for (group, name) in table if group == "Reviewer"}
    assert reviewer_rows == {
        f"{who} · {view.kind_name(kind)}" for who, kinds in expected.by_reviewer.items() for kind, v in kinds.items() if v
    }
    for who, kinds in expected.by_reviewer.items():
        for kind, v in kinds.items():
            if v:
                assert table[("Reviewer", f"{who} · {view.kind_name(kind)}")] == n(v)
    assert {name: v for (group, name), v in table.items() if group == "Day (UTC)"} == {
        day: n(v) for day, v in expected.by_day.items()
    }
    for status, v in expected.queue_by_status.items():
        assert table[("Queue", view.status_name(status))] == n(v)
    for bucket, _ in AGE_BUCKETS:
        assert table[("Open items by age", view.age_name(bucket))] == n(expected.open_age[bucket])

    assert bar_values(view.category_view) == {
        c.label.get(lang): float(expected.by_category[c.code]) for c in policy.categories
    }
    assert bar_values(view.action_view) == {a.label.get(lang): float(expected.by_action[a.code]) for a in policy.actions}
    assert bar_values(view.reviewer_view) == {who: float(sum(k.values())) for who, k in expected.by_reviewer.items()}
    line = view.day_view.chart().series()[0]
    assert isinstance(line, QLineSeries)
    plotted = {
        QDateTime.fromMSecsSinceEpoch(int(p.x())).date().toString(Qt.DateFormat.ISODate): p.y() for p in line.points()
    }
    assert {d: v for d, v in plotted.items() if v} == {d: float(v) for d, v in expected.by_day.items()}
    assert f"Decisions: {n(expected.decisions)}" in view.summary.text()


def test_numbers_shown_equal_compute_stats(qtbot: QtBot, runner: TaskRunner, busy_store: Store, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    view = open_view(qtbot, busy_store, runner)
    expected = compute_stats(busy_store)
    assert expected.reverted_excluded == 1 and expected.open_age["<1h"] == 1 and expected.open_age["<4h"] == 2
    assert_view_shows(view, expected)
    qtmodeltester.check(view.model)


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def test_filters_are_applied(qtbot: QtBot, runner: TaskRunner, busy_store: Store) -> None:
    view = open_view(qtbot, busy_store, runner)
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        choose(qtbot, view.filters.reviewer, "alice")
    assert_view_shows(view, compute_stats(busy_store, DecisionFilter(reviewer="alice")))

    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        qtbot.mouseClick(view.filters.since.enabled_box, Qt.MouseButton.LeftButton)
        view.filters.since.date_edit.setFocus()
        qtbot.keyClick(view.filters.since.date_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(view.filters.since.date_edit, "2026-11-04")
    filtered = compute_stats(busy_store, DecisionFilter.parse(since="2026-11-04", reviewer="alice"))
    assert 0 < filtered.decisions < compute_stats(busy_store, DecisionFilter(reviewer="alice")).decisions
    assert_view_shows(view, filtered)


def test_model_is_sound_when_empty_and_after_a_reset(  # type: ignore[no-untyped-def]
    qtbot: QtBot, runner: TaskRunner, sqlite_store: Store, qtmodeltester
) -> None:
    view = open_view(qtbot, sqlite_store, runner)
    qtmodeltester.check(StatsTableModel())
    assert shown_table(view.model)[("Summary", "Median handling time")] == "no timed decisions"
    qtmodeltester.check(view.model)


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def test_chinese_labels(qtbot: QtBot, runner: TaskRunner, busy_store: Store, chinese: None, artifacts_dir: Path) -> None:
    view = open_view(qtbot, busy_store, runner)
    assert view.grab().save(str(artifacts_dir / "stats-view-zh_CN.png"))
    policy = busy_store.policy
    names = {view.model.data(view.model.index(r, 1)) for r in range(view.model.rowCount())}
    assert {c.label.zh_CN for c in policy.categories} <= names
    assert {a.label.zh_CN for a in policy.actions} <= names
    assert set(bar_values(view.category_view)) == {c.label.zh_CN for c in policy.categories}
    assert view.windowTitle() == "统计"
    assert view.filters.category.itemText(2).endswith(policy.categories[1].label.zh_CN)


def test_ctrl_shift_s_in_the_main_window_opens_it(qtbot: QtBot, make_window, add_items, ui_store) -> None:  # type: ignore[no-untyped-def]
    add_items(ui_store, 1)
    w = make_window()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: w.findChild(StatsView) is not None and w.findChild(StatsView).isVisible())
    view = w.findChild(StatsView)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.busy, timeout=10_000)
    assert shown_table(view.model)[("Queue", "Pending")] == QLocale().toString(1)
    view.close()
