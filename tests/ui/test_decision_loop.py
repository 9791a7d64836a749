"""The whole decision loop with real key presses against a real SQLite file."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from moderator_gui.core.store import QueueFilter, Store
from moderator_gui.core.store.tables import decisions_t
from moderator_gui.core.write_queue import EntryState

pytestmark = pytest.mark.gui


def checked(w: Any) -> set[str]:
    return {code for code, box in w.panel.action_boxes.items() if box.isChecked()}


def test_decide_by_key_records_and_moves_on(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 3)
    w = make_window()
    first = w.session.current
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_6)
    assert w.panel.category == "cyberbullying"
    assert checked(w) == {"remove_content", "warn"}
    assert w.panel.category_buttons["cyberbullying"].isChecked()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    # The window moved on at once; the decision shows as saving until the commit returns.
    assert w.session.current.id != first.id
    assert w.session.entries[-1].state in (EntryState.SAVING, EntryState.RECORDED)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    assert w.history_model.index(0, 2).data() == "recorded"
    assert w.panel.category is None  # the next item starts clean
    history = ui_store.item_history(first.id)
    assert [(h.kind, h.category, h.actions, h.reviewer) for h in history] == [
        ("decide", "cyberbullying", ("remove_content", "warn"), "alice")
    ]
    assert history[0].time_spent_ms is not None
    assert ui_store.item(first.id).status == "decided"
    row = w.model.row_of(first.id)
    assert w.model.index(row, 7).data() == "decided"


def test_skip_keeps_item_in_queue_for_others(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 2)
    w = make_window()
    first = w.session.current
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_S)
    assert w.session.current.id != first.id
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    assert [h.kind for h in ui_store.item_history(first.id)] == ["skip"]
    assert ui_store.item(first.id).status == "skipped"
    assert first.id in [r.id for r in ui_store.queue_page(QueueFilter(status="open"))]
    assert w.history_model.index(0, 1).data() == "Skip"


def test_escalate_needs_a_note(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 2)
    w = make_window()
    first = w.session.current
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_E)
    # Refused: nothing recorded, the note field has the keyboard and the panel says why.
    assert w.session.current.id == first.id
    assert QApplication.focusWidget() is w.panel.note
    # One wording, the session's (the window no longer has its own copy of the check).
    assert w.panel.requirement.text() == (
        "Escalating needs a note for the team lead: type it, then press E or Enter again."
    )
    assert not w.panel.record_button.isEnabled()
    assert ui_store.item_history(first.id) == []
    qtbot.keyClicks(w.panel.note, "see frame 3, need lead")
    assert w.panel.note.text() == "see frame 3, need lead"  # E and digits typed, no shortcut fired
    assert w.panel.record_button.isEnabled()
    qtbot.keyClick(w.panel.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(w.session.entries) and w.session.entries[-1].state == EntryState.RECORDED)
    h = ui_store.item_history(first.id)
    assert [(x.kind, x.note, x.actions) for x in h] == [("escalate", "see frame 3, need lead", ("escalate",))]
    assert ui_store.item(first.id).status == "escalated"
    assert w.session.current.id != first.id
    assert QApplication.focusWidget() is not w.panel.note


def test_shortcuts_do_not_fire_while_typing_a_note(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 3)
    w = make_window()
    first = w.session.current
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_4)  # self-harm / CSAM: note required
    assert w.panel.category == "self_harm_csam"
    assert not w.panel.record_button.isEnabled()
    assert "note is required" in w.panel.requirement.text()
    w.panel.note.setFocus()
    qtbot.keyClicks(w.panel.note, "skjeb 1270 grk")
    assert w.panel.note.text() == "skjeb 1270 grk"
    assert w.panel.category == "self_harm_csam"  # 1, 2, 7, 0 chose nothing
    assert w.wellbeing.state.blur  # b did not toggle blur
    assert not w.wellbeing.state.grayscale  # g did not toggle grayscale
    assert w.session.current.id == first.id  # s/j/k/e did not move or skip
    assert w.session.entries == []
    qtbot.keyClick(w.panel.note, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.queue_view.table
    assert w.panel.record_button.isEnabled()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: bool(w.session.entries) and w.session.entries[-1].state == EntryState.RECORDED)
    h = ui_store.item_history(first.id)
    assert [(x.category, x.note, x.actions) for x in h] == [
        ("self_harm_csam", "skjeb 1270 grk", ("remove_content", "ban_account", "report_authorities"))
    ]


def test_actions_can_be_changed_before_recording(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 2)
    w = make_window()
    first = w.session.current
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_0)
    assert checked(w) == {"no_action"}
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
    assert checked(w) == {"remove_content", "warn"}  # a new category replaces the pre-filled actions
    warn = w.panel.action_boxes["warn"]
    qtbot.mouseClick(warn, Qt.MouseButton.LeftButton, pos=QPoint(8, warn.height() // 2))  # on the tick box
    assert checked(w) == {"remove_content"}
    qtbot.mouseClick(w.panel.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(w.session.entries) and w.session.entries[-1].state == EntryState.RECORDED)
    assert ui_store.item_history(first.id)[0].actions == ("remove_content",)


def test_undo_reverts_and_reselects(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 3)
    w = make_window()
    first = w.session.current
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_6)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    decided_uuid = w.session.entries[-1].inp.uuid
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.session.current.id == first.id  # selected again at once
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.UNDONE)
    assert ui_store.item(first.id).status == "pending"
    assert ui_store.item(first.id).head_event is None
    events = ui_store.reviewer_history("alice")
    assert [e.uuid for e in events if e.reverted] == [decided_uuid]
    assert first.id in [r.id for r in ui_store.queue_page(QueueFilter(status="open"))]
    row = w.model.row_of(first.id)
    assert w.model.index(row, 7).data() == "pending"
    assert w.history_model.index(0, 2).data() == "undone"
    # Decide it again: expected_head is the state after the undo, so no conflict.
    qtbot.keyClick(table, Qt.Key.Key_7)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    assert ui_store.item(first.id).status == "decided"
    # Nothing more to undo than this session's decisions.
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.UNDONE)
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.statusBar().currentMessage() == "Nothing to undo in this session."


def test_each_committed_event_is_logged(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, caplog: pytest.LogCaptureFixture
) -> None:
    add_items(ui_store, 3)
    w = make_window()
    first = w.session.current
    table = w.queue_view.table
    caplog.set_level(logging.INFO, logger="moderator_gui.ui.review_session")

    def session_log() -> list[str]:
        # The session's own records only: a busy machine may add a watchdog warning, say.
        return [r.getMessage() for r in caplog.records if r.name == "moderator_gui.ui.review_session"]

    qtbot.keyClick(table, Qt.Key.Key_6)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    decided_uuid = w.session.entries[-1].inp.uuid
    assert session_log() == [f"recorded decide {decided_uuid} item={first.id}"]
    caplog.clear()
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.UNDONE)
    with ui_store.read() as con:
        reverts = con.execute(select(decisions_t.c.uuid).where(decisions_t.c.reverts == decided_uuid)).scalars().all()
    assert len(reverts) == 1
    assert session_log() == [f"reverted {decided_uuid} by {reverts[0]} item={first.id}"]


def test_j_k_and_arrows_move_without_deciding(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    ids = add_items(ui_store, 4)
    w = make_window()
    table = w.queue_view.table
    order = [w.model.row_at(r).id for r in range(4)]
    assert sorted(order) == sorted(ids)
    assert w.session.current.id == order[0]
    qtbot.keyClick(table, Qt.Key.Key_J)
    assert w.session.current.id == order[1]
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert w.session.current.id == order[2]
    qtbot.keyClick(table, Qt.Key.Key_K)
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert w.session.current.id == order[0]
    qtbot.keyClick(table, Qt.Key.Key_K)
    assert w.session.current.id == order[0]  # stays at the top
    assert w.session.entries == []
    assert all(ui_store.item(i).status == "pending" for i in ids)


def test_find_by_account(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 5)
    target = add_items(ui_store, 1, uploader="needle_account", external_id="abc-42")[0]
    w = make_window()
    qtbot.waitUntil(lambda: w.model.rowCount() == 6)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)  # a category chosen: Enter would record…
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is w.queue_view.find_box
    qtbot.keyClicks(w.queue_view.find_box, "needle")
    qtbot.keyClick(w.queue_view.find_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.model.rowCount() == 1 and w.session.current is not None)
    assert w.session.current.id == target
    assert QApplication.focusWidget() is w.queue_view.table
    qtbot.waitUntil(lambda: w.queue_view.count_label.text() == "1 items")  # the count comes separately
    assert w.session.entries == []  # …but Enter in the find box searched, it recorded nothing


def test_keymap_is_one_table_without_collisions(make_window: Any, ui_store: Store, add_items: Any) -> None:
    from PySide6.QtGui import QKeySequence

    from moderator_gui.ui.keymap import KEYMAP, collisions

    assert collisions() == []
    add_items(ui_store, 1)
    w = make_window()
    in_menus = {a.objectName() for m in w.menuBar().findChildren(type(w.menuBar().addMenu("x"))) for a in m.actions()}
    for b in KEYMAP:
        action = w.desk_actions[b.command]
        assert [s.toString() for s in action.shortcuts()] == [QKeySequence(k).toString() for k in b.keys]
        if b.command != "reveal":  # held, not clicked: the viewer's "Hold to reveal" button is its mouse path
            assert f"action_{b.command}" in in_menus, b.command
    assert w.desk_actions["category_2"].text() == "Pornography and violence"  # labels from the policy file


def test_launch_remembers_the_reviewer(qtbot: Any, tmp_path: Any, qapp: Any) -> None:
    """`moderator-gui --db FILE`: first start asks the name once, then the desk opens on that database."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from moderator_gui.ui.main import run
    from moderator_gui.ui.main_window import MainWindow
    from moderator_gui.ui.reviewer_prompt import ReviewerPrompt, remembered_reviewer
    from moderator_gui.ui.wellbeing import app_settings

    db = tmp_path / "launch.sqlite3"
    with Store.open(db) as s:
        from factories import make_items

        make_items(s, 2)
    seen: dict[str, Any] = {}

    def drive() -> None:
        prompt = next((w for w in QApplication.topLevelWidgets() if isinstance(w, ReviewerPrompt) and w.isVisible()), None)
        if prompt is not None and not prompt.name.text():
            qtbot.keyClicks(prompt.name, "  Wang Fang ")
            qtbot.keyClick(prompt.name, Qt.Key.Key_Return)
        win = next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)
        if win is not None and win.session.current is not None:
            seen["reviewer"] = win.desk.reviewer
            seen["rows"] = win.model.rowCount()
            win.close()
            return
        QTimer.singleShot(20, drive)

    QTimer.singleShot(0, drive)
    assert run(["--db", str(db), "--lang", "en"]) == 0
    assert seen == {"reviewer": "Wang Fang", "rows": 2}
    assert remembered_reviewer(app_settings()) == "Wang Fang"


def test_launch_with_a_bad_database_says_why(qtbot: Any, tmp_path: Any, qapp: Any) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from moderator_gui.ui.main import run

    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    shown: list[str] = []

    def drive() -> None:
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(20, drive)
            return
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(0, drive)
    assert run(["--db", str(bad), "--reviewer", "alice"]) == 2
    assert shown and "database" in shown[0].lower()


def test_tools_open_from_their_keys(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    """F1 help, Ctrl+E export, Ctrl+Shift+S statistics: the other engineers' widgets, wired by name."""
    from moderator_gui.ui.export_dialog import ExportDialog
    from moderator_gui.ui.help_overlay import HelpOverlay
    from moderator_gui.ui.stats_view import StatsView

    add_items(ui_store, 1)
    w = make_window()
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_F1)
    overlay = w.findChild(HelpOverlay)
    assert overlay is not None and overlay.isVisible()
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not overlay.isVisible())
    w.activateWindow()
    qtbot.keyClick(table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = w.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: w.findChild(ExportDialog) is None or not dialog.isVisible())
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    stats = w.findChild(StatsView)
    assert stats is not None and stats.isVisible() and stats.isWindow()
    assert w.session.entries == []  # Ctrl+Shift+S is not S (skip)
    stats.close()


def test_watchdog_reports_a_stalled_main_loop(qtbot: Any, caplog: Any) -> None:
    import time as _time

    from moderator_gui.ui.watchdog import Watchdog

    dog = Watchdog(interval_ms=20)
    dog.start()
    before = dog.stalls  # (a busy machine may already have stalled the loop for a moment)
    with caplog.at_level("WARNING", logger="moderator_gui.ui.watchdog"):
        _time.sleep(0.2)  # the GUI thread blocked, as by a synchronous database call
        qtbot.waitUntil(lambda: dog.stalls > before)
    dog.stop()
    assert dog.worst_ms >= 150
    assert "main loop stalled for" in caplog.text
    dog.deleteLater()


def test_tab_goes_to_the_note_and_escape_back(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 1)
    w = make_window()
    w.queue_view.table.setFocus()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is w.panel.note
    qtbot.keyClick(w.panel.note, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is w.queue_view.table


@pytest.mark.slow
def test_demo_opens_a_sample_queue_and_cleans_up(qtbot: Any, qapp: Any) -> None:
    """`moderator-gui --demo`: a generated queue in a throwaway folder, removed on exit."""
    from pathlib import Path

    from PySide6.QtCore import QTimer

    from moderator_gui.ui.main import run
    from moderator_gui.ui.main_window import MainWindow

    seen: dict[str, Any] = {}

    def drive() -> None:
        win = next((x for x in QApplication.topLevelWidgets() if isinstance(x, MainWindow) and x.isVisible()), None)
        if win is not None and win.session.current is not None and win.model.total > 0:
            seen["folder"] = Path(win.desk.store.engine.url.database).parent
            seen["exists"] = seen["folder"].is_dir()
            seen["rows"] = win.model.total
            win.close()
            return
        QTimer.singleShot(50, drive)

    QTimer.singleShot(0, drive)
    assert run(["--demo", "--reviewer", "demo"]) == 0
    assert seen["exists"] and seen["rows"] > 0
    assert not seen["folder"].exists()


def test_two_quick_undos_undo_two_decisions(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 3)
    w = make_window()
    table = w.queue_view.table
    a = w.session.current.id
    qtbot.keyClick(table, Qt.Key.Key_6)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    b = w.session.current.id
    qtbot.keyClick(table, Qt.Key.Key_S)
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # before the first undo committed
    assert w.session.current.id == a
    qtbot.waitUntil(lambda: w.session.unsaved == 0)
    # The skip may have been undone before it was ever written ("cancelled"): either way, nothing stays.
    assert w.session.entries[0].state == EntryState.UNDONE
    assert w.session.entries[1].state in (EntryState.UNDONE, EntryState.CANCELLED)
    assert ui_store.item(a).status == "pending" and ui_store.item(b).status == "pending"
    assert all(h.reverted for h in ui_store.reviewer_history("alice"))


def test_closing_the_startup_window_during_the_demo_leaks_nothing(
    qtbot: Any, tmp_path: Any, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo folder is removed and its store closed although the desk never opened."""
    import tempfile

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from moderator_gui.ui.main import StartupWindow, run

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    opened: list[Store] = []
    closed: list[Store] = []
    real_open, real_close = Store.open, Store.close

    def spy_open(*a: Any, **kw: Any) -> Store:
        s = real_open(*a, **kw)
        opened.append(s)
        return s

    def spy_close(self: Store) -> None:
        closed.append(self)
        real_close(self)

    monkeypatch.setattr(Store, "open", staticmethod(spy_open))
    monkeypatch.setattr(Store, "close", spy_close)

    def drive() -> None:
        startup = next((w for w in QApplication.topLevelWidgets() if isinstance(w, StartupWindow) and w.isVisible()), None)
        if startup is None or not list(tmp_path.glob("moderator-demo-*")):
            QTimer.singleShot(5, drive)
            return
        startup.close()  # while the sample queue is being generated

    QTimer.singleShot(0, drive)
    assert run(["--demo", "--reviewer", "alice", "--lang", "en"]) == 0
    assert opened and all(s in closed for s in opened)
    assert list(tmp_path.glob("moderator-demo-*")) == []
