"""Wellbeing: safe defaults, remembered per reviewer, break reminder with items reviewed and time on task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from moderator_gui.core.store import Store
from moderator_gui.ui.settings_dialog import SettingsDialog
from moderator_gui.ui.wellbeing import DEFAULT_BREAK_MINUTES, WellbeingSettings, app_settings

pytestmark = pytest.mark.gui


def test_defaults_protect_the_reviewer() -> None:
    d = WellbeingSettings.load(app_settings(), "new reviewer")
    assert d.blur and d.muted and not d.grayscale
    assert d.break_minutes == DEFAULT_BREAK_MINUTES == 50


def test_settings_are_remembered_per_reviewer(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, _qsettings_in_tmp: Path  # noqa: PT019 - its value is used
) -> None:
    add_items(ui_store, 1)
    w = make_window(reviewer="alice")
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_B)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_G)
    assert not w.wellbeing.state.blur and w.wellbeing.state.grayscale
    assert list(_qsettings_in_tmp.rglob("*.ini")), "settings must be written under the test's temp folder"
    assert WellbeingSettings.load(app_settings(), "alice") == w.wellbeing.state
    bob = WellbeingSettings.load(app_settings(), "bob")
    assert bob.blur and not bob.grayscale  # bob keeps his own (default) settings
    w.shutdown()
    w.close()
    again = make_window(reviewer="alice")
    assert not again.wellbeing.state.blur and again.wellbeing.state.grayscale


def test_unreadable_settings_fall_back_to_safe_defaults() -> None:
    s = app_settings()
    s.setValue("reviewers/carol/wellbeing/blur_strength", "lots")
    s.setValue("reviewers/carol/wellbeing/blur", "false")
    assert WellbeingSettings.load(s, "carol") == WellbeingSettings()


def test_break_reminder_shows_items_and_time(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 4)
    w = make_window(break_interval_ms=600)
    table = w.queue_view.table
    for _ in range(2):
        qtbot.keyClick(table, Qt.Key.Key_6)
        qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.unsaved == 0)
    qtbot.waitUntil(lambda: w.banners.text("break") is not None, timeout=3000)
    text = w.banners.text("break")
    assert "2 items reviewed" in text and "0 min of review" in text
    # Work is not blocked by the reminder.
    qtbot.keyClick(table, Qt.Key.Key_S)
    banner = w.banners.banner("break")
    took = next(b for b in banner.findChildren(QPushButton) if b.text() == "I took a break")
    qtbot.mouseClick(took, Qt.MouseButton.LeftButton)
    assert w.banners.text("break") is None
    assert w.reminder.items == 0


def test_settings_dialog_changes_and_persists(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 1)
    w = make_window()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dlg = w.findChild(SettingsDialog)
    assert dlg is not None and dlg.isVisible()
    dlg.strength.setValue(80)
    dlg.break_minutes.setValue(30)
    dlg.muted.setChecked(False)
    dlg.accept()
    assert w.wellbeing.state.blur_strength == 80
    assert w.wellbeing.state.break_minutes == 30
    assert not w.wellbeing.state.muted
    assert WellbeingSettings.load(app_settings(), "alice").break_minutes == 30
    assert w.reminder.interval_ms() == 30 * 60_000
