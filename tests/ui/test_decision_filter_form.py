"""The filter form shared by the export dialog and the statistics view: a filter the core
refuses is shown next to the field it names, in the user's language, without CLI option names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QComboBox, QLabel
from pytestqt.qtbot import QtBot

from factories import decided_history
from moderator_gui.core.decision_filter import FilterError
from moderator_gui.core.messages import Message, template
from moderator_gui.core.store import Store
from moderator_gui.ui.decision_filter_form import DecisionFilterForm
from moderator_gui.ui.export_dialog import ExportDialog
from moderator_gui.ui.message_text import error_text, message_text
from moderator_gui.ui.stats_view import StatsView
from moderator_gui.ui.tasks import TaskRunner

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]

CLI_OPTIONS = ("--since", "--until", "--category", "--action", "--reviewer")


class FakeCatalogue(QTranslator):
    """A stand-in catalogue for the core's messages: translates the unknown-code templates only."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        if context == "Messages" and source in (template("filter.unknown_category"), template("filter.unknown_action")):
            return "未知代码 {code!r}（已知：{known}）"
        return None

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def fake_catalogue(qapp: QApplication) -> Iterator[None]:
    translator = FakeCatalogue()
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.fixture
def history_store(sqlite_store: Store) -> Store:
    decided_history(sqlite_store, 6, step=timedelta(hours=7))
    return sqlite_store


def smuggle(combo: QComboBox, code: str) -> None:
    """Choose a code the database's policy does not know, as a window opened under an older
    policy file could (the form itself only offers the policy's codes)."""
    combo.addItem(code, code)
    combo.setCurrentIndex(combo.count() - 1)


def error_label(form: DecisionFilterForm, field: str) -> QLabel:
    label = form.findChild(QLabel, f"{field}_error")
    assert label is not None
    return label


def test_message_text_translates_the_template_then_fills_it_in(fake_catalogue: None) -> None:
    msg = Message.of("filter.unknown_action", code="remove", known="a, b")
    assert message_text(msg) == "未知代码 'remove'（已知：a, b）"
    assert msg.render() == "unknown action code 'remove'; known: a, b"  # the CLI's English is untouched
    assert error_text(FilterError(msg, field="action")) == message_text(msg)
    assert error_text(ValueError("plain")) == "plain" and error_text(KeyError()) == "KeyError"


def test_an_error_shows_under_its_field_and_goes_when_the_filter_changes(
    qtbot: QtBot, runner: TaskRunner, history_store: Store
) -> None:
    form = DecisionFilterForm(history_store, runner, history_store.policy)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.reviewer.count() == 1 + len(history_store.reviewers()))
    assert all(not error_label(form, f).isVisible() for f in ("since", "until", "category", "action"))
    exc = FilterError("filter.bad_day", field="since", value="2026-02-30")
    assert form.show_error(exc)
    assert error_label(form, "since").isVisible() and form.error_shown("since") == "'2026-02-30' is not a valid date (YYYY-MM-DD)"
    assert form.show_error(FilterError("filter.empty_range", field="range", since="b", until="a"))
    assert not error_label(form, "since").isVisible(), "one error at a time"
    assert error_label(form, "until").isVisible() and form.error_shown("until") == "the start (b) is after the end (a)"
    qtbot.mouseClick(form.since.enabled_box, Qt.MouseButton.LeftButton)  # the lead changes the filter
    assert not error_label(form, "until").isVisible() and form.error_shown("until") == ""
    assert not form.show_error(FilterError("filter.bad_day", field="elsewhere", value="x"))  # names no field here


def test_export_dialog_shows_a_refused_category_next_to_the_field(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path, fake_catalogue: None
) -> None:
    dialog = ExportDialog(history_store, runner, history_store.policy)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.path_edit.text() != "" and dialog.filters.reviewer.count() > 1)
    smuggle(dialog.filters.category, "retired_category")
    out = tmp_path / "never.csv"
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: error_label(dialog.filters, "category").isVisible(), timeout=10_000)
    shown = dialog.filters.error_shown("category")
    assert shown.startswith("未知代码 'retired_category'（已知：minor_wealth_display, ")
    assert not any(option in shown for option in CLI_OPTIONS)
    assert dialog.status.text() == "" and not dialog.running and dialog.export_button.isEnabled()
    assert not out.exists()


def test_stats_view_shows_a_refused_action_next_to_the_field(qtbot: QtBot, runner: TaskRunner, history_store: Store) -> None:
    view = StatsView(history_store, runner, history_store.policy)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and not view.busy, timeout=10_000)
    shown_before = view.summary.text()
    smuggle(view.filters.action, "retired_action")
    view.refresh()
    qtbot.waitUntil(lambda: error_label(view.filters, "action").isVisible(), timeout=10_000)
    shown = view.filters.error_shown("action")
    assert shown.startswith("unknown action code 'retired_action'; known: ")
    assert not any(option in shown for option in CLI_OPTIONS)
    assert view.status.text() == "" and view.summary.text() == shown_before
