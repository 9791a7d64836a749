"""The export dialog, driven like a team lead drives it: keys and clicks, a real SQLite file, a real output file."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from factories import bulk_decisions, decided_history
from moderator_gui.core.export import verify_file
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import decisions_t
from moderator_gui.ui.export_dialog import ExportDialog
from moderator_gui.ui.export_target import default_export_name
from moderator_gui.ui.tasks import TaskRunner
from qt_wait import drain_events

# The offscreen platform cannot resize native windows and says so; that is not a fault of the dialog.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def history_store(sqlite_store: Store) -> Store:
    """24 decisions, one every 7 hours from 2026-11-01 09:00 UTC (7 days), alternating alice and bob."""
    decided_history(sqlite_store, 24, step=timedelta(hours=7))
    return sqlite_store


def open_dialog(qtbot: QtBot, store: Store, runner: TaskRunner) -> ExportDialog:
    dialog = ExportDialog(store, runner, store.policy)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    # The reviewer list is read in the background: "All reviewers" + the names in the database.
    expected = 1 + len(store.reviewers())
    qtbot.waitUntil(lambda: dialog.filters.reviewer.count() == expected)
    # So is the default file (the Documents folder is looked for by a worker too).
    qtbot.waitUntil(lambda: dialog.path_edit.text() != "")
    return dialog


def choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick an entry the keyboard way: focus the combo box and step with Down until it shows ``text``."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text, f"{text!r} is not in {[combo.itemText(i) for i in range(combo.count())]}"


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def set_date(qtbot: QtBot, limit: object, value: str) -> None:
    qtbot.mouseClick(limit.enabled_box, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    type_into(qtbot, limit.date_edit, value)  # type: ignore[attr-defined]


def test_filtered_jsonl_export_is_complete_and_verifies(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path, artifacts_dir: Path
) -> None:
    dialog = open_dialog(qtbot, history_store, runner)
    cat = history_store.policy.categories[1]
    choose(qtbot, dialog.format, "JSON Lines")
    set_date(qtbot, dialog.filters.since, "2026-11-02")
    set_date(qtbot, dialog.filters.until, "2026-11-05")
    choose(qtbot, dialog.filters.reviewer, "bob")
    choose(qtbot, dialog.filters.category, f"{cat.key}  {cat.label.en}")
    out = tmp_path / "bob.jsonl"
    type_into(qtbot, dialog.path_edit, str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)

    with history_store.read() as conn:
        expected = [
            r.uuid
            for r in conn.execute(
                select(decisions_t.c.uuid, decisions_t.c.decided_at, decisions_t.c.category, decisions_t.c.reviewer_id).order_by(
                    decisions_t.c.seq
                )
            )
            if date(2026, 11, 2) <= r.decided_at.astimezone(UTC).date() <= date(2026, 11, 5)
            and r.category == cat.code
            and r.reviewer_id == history_store.reviewer_id("bob")
        ]
    assert expected, "the filter must select something for the test to mean anything"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["uuid"] for line in lines[:-1]] == expected
    check = verify_file(out)
    assert check.ok, check.message
    assert check.rows == len(expected)
    shown = dialog.status.text()
    assert shown.startswith(f"Export complete: {out}\nRows: {len(expected)}\n")
    assert check.final_hash is not None and check.final_hash in shown
    assert dialog.show_folder_button.isVisible() and dialog.copy_path_button.isVisible()
    assert dialog.grab().save(str(artifacts_dir / "export-dialog-done.png"))
    qtbot.mouseClick(dialog.copy_path_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(out)


def test_default_file_name_and_suffix_follow_the_format(qtbot: QtBot, runner: TaskRunner, history_store: Store) -> None:
    dialog = open_dialog(qtbot, history_store, runner)
    name = Path(dialog.path_edit.text()).name
    assert name.startswith("decisions-") and name.endswith(".csv")
    assert len(name) == len(default_export_name("csv"))
    choose(qtbot, dialog.format, "JSON Lines")
    assert Path(dialog.path_edit.text()).name == name.removesuffix(".csv") + ".jsonl"


def test_csv_export_of_everything(qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, history_store, runner)
    out = tmp_path / "all.csv"
    type_into(qtbot, dialog.path_edit, str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=10_000) as blocker:
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)  # Enter = the default button, Export
    assert blocker.args[0].rows == 24
    assert verify_file(out).ok and verify_file(out).rows == 24


def test_cancel_stops_the_export_and_leaves_no_file(
    qtbot: QtBot, runner: TaskRunner, sqlite_store: Store, tmp_path: Path
) -> None:
    bulk_decisions(sqlite_store, 12_000)  # the export reports progress every 5,000 rows
    dialog = open_dialog(qtbot, sqlite_store, runner)
    folder = tmp_path / "out"
    folder.mkdir()
    type_into(qtbot, dialog.path_edit, str(folder / "big.csv"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.running)  # once a worker has seen that the file is new
    assert dialog.cancel_button.isVisible() and not dialog.export_button.isVisible()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert "cancelled" in dialog.status.text()
    assert list(folder.iterdir()) == [], "a cancelled export leaves neither the file nor a temporary file"
    assert dialog.export_button.isVisible() and dialog.export_button.isEnabled()


def test_closing_while_exporting_stops_it_quietly(qtbot: QtBot, runner: TaskRunner, sqlite_store: Store, tmp_path: Path) -> None:
    """Esc during an export: the export stops, leaves no file, and nothing reaches the deleted dialog."""
    bulk_decisions(sqlite_store, 12_000)
    dialog = open_dialog(qtbot, sqlite_store, runner)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as the main window opens it
    destroyed: list[bool] = []
    dialog.destroyed.connect(lambda: destroyed.append(True))
    folder = tmp_path / "out"
    folder.mkdir()
    type_into(qtbot, dialog.path_edit, str(folder / "big.csv"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.running)  # the export itself, not the file check before it
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(destroyed))
    assert runner.wait(20_000)
    drain_events()  # deliver whatever the finished export sent back (it must be ignored)
    assert list(folder.iterdir()) == []


def test_unwritable_folder_shows_the_error_and_keeps_the_form(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "plain-file"
    not_a_folder.write_text("x")
    dialog = open_dialog(qtbot, history_store, runner)
    choose(qtbot, dialog.filters.reviewer, "alice")
    type_into(qtbot, dialog.path_edit, str(not_a_folder / "decisions.csv"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.property("error") is True, timeout=10_000)
    shown = dialog.status.text()
    assert "could not be written" in shown and str(not_a_folder) in shown
    assert not_a_folder.read_text() == "x"
    assert dialog.filters.reviewer.currentText() == "alice", "the filters the lead chose are not lost"
    assert not dialog.show_folder_button.isVisible()
    assert dialog.export_button.isEnabled()


def test_damaged_database_shows_the_error(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, sqlite_path: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, history_store, runner)
    history_store.engine.dispose()  # drop pooled connections: the next read opens the damaged file
    sqlite_path.write_bytes(b"not a database " * 1000)
    for side in sqlite_path.parent.glob(sqlite_path.name + "-*"):
        side.unlink()
    out = tmp_path / "never.csv"
    type_into(qtbot, dialog.path_edit, str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.property("error") is True, timeout=10_000)
    assert dialog.status.text().startswith("The decisions could not be read from the database.\n")
    assert "not a database" in dialog.status.text()
    assert not out.exists() and list(tmp_path.glob(".never.csv.*")) == []


def test_start_after_end_is_refused_before_exporting(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, history_store, runner)
    set_date(qtbot, dialog.filters.since, "2026-11-05")
    set_date(qtbot, dialog.filters.until, "2026-11-02")
    out = tmp_path / "never.csv"
    type_into(qtbot, dialog.path_edit, str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "The start date is after the end date."
    assert not dialog.running and not out.exists()


def test_ctrl_e_in_the_main_window_opens_it(qtbot: QtBot, make_window, add_items, ui_store) -> None:  # type: ignore[no-untyped-def]
    add_items(ui_store, 1)
    w = make_window()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.findChild(ExportDialog) is not None and w.findChild(ExportDialog).isVisible())
    dialog = w.findChild(ExportDialog)
    assert dialog.windowTitle() == "Export decision log"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_closing_the_main_window_during_an_export_stops_it(  # type: ignore[no-untyped-def]
    qtbot: QtBot, make_window, add_items, ui_store, tmp_path: Path
) -> None:
    """No temporary file is left and the shutdown does not wait for the whole export."""

    add_items(ui_store, 1)
    bulk_decisions(ui_store, 12_000)
    w = make_window()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.findChild(ExportDialog) is not None and w.findChild(ExportDialog).isVisible())
    dialog = w.findChild(ExportDialog)
    folder = tmp_path / "out"
    folder.mkdir()
    type_into(qtbot, dialog.path_edit, str(folder / "big.csv"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.running)  # once a worker has seen that the file is new
    w.close()
    assert not dialog.isVisible()
    assert w.desk.runner.wait(20_000)  # the export saw the cancel and stopped
    QCoreApplication.sendPostedEvents()  # what it sent back lands now (and goes nowhere)
    QCoreApplication.processEvents()
    assert list(folder.iterdir()) == [], "neither the file nor a .part file"


# -- the existing-file check runs in a worker; "Replace?" is asked on the GUI thread ------------------


def question_box(dialog: ExportDialog) -> QMessageBox | None:
    boxes = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) <= 1
    return boxes[0] if boxes else None


def test_no_file_system_call_on_the_gui_thread(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the dialog (the Documents folder) and pressing Export (does the file exist?) look
    at the file system from workers only: a network drive cannot freeze the window."""
    out = tmp_path / "old.csv"
    out.write_text("old")
    calls: list[tuple[str, Path, threading.Thread]] = []
    for name in ("exists", "is_dir", "is_file", "stat"):
        original = getattr(Path, name)

        def recording(self: Path, *args: object, _name: str = name, _original: object = original, **kwargs: object) -> object:
            calls.append((_name, self, threading.current_thread()))
            return _original(self, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(Path, name, recording)
    dialog = open_dialog(qtbot, history_store, runner)
    type_into(qtbot, dialog.path_edit, str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: question_box(dialog) is not None)
    monkeypatch.undo()
    assert any(p == out for _n, p, _t in calls), "the file was looked at"
    on_gui_thread = [(n, str(p)) for n, p, t in calls if t is threading.main_thread()]
    assert on_gui_thread == []
    assert threading.current_thread() is threading.main_thread()  # the test itself runs on the GUI thread
    qtbot.mouseClick(question_box(dialog).button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: not dialog.checking)


def test_existing_file_asks_and_no_exports_nothing(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "decisions.csv"
    out.write_text("the lead's earlier export")
    dialog = open_dialog(qtbot, history_store, runner)
    exported: list[object] = []
    dialog.finished_export.connect(exported.append)
    type_into(qtbot, dialog.path_edit, str(out))
    qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)  # Enter = Export
    qtbot.waitUntil(lambda: question_box(dialog) is not None)
    box = question_box(dialog)
    assert box is not None
    assert box.windowTitle() == "Replace file?"
    assert box.text() == "decisions.csv already exists. Replace it?"
    assert not dialog.export_button.isEnabled() and not dialog.path_edit.isEnabled(), "one export at a time"
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.checking)
    assert question_box(dialog) is None
    assert dialog.export_button.isEnabled() and dialog.export_button.isVisible() and dialog.path_edit.isEnabled()
    assert runner.wait(10_000)
    drain_events()  # anything still on its way to the dialog lands now
    assert not dialog.running and exported == []
    assert out.read_text() == "the lead's earlier export"
    assert list(folder.iterdir()) == [out], "no temporary file either"


def test_existing_file_asks_and_yes_replaces_it(qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "decisions.csv"
    out.write_text("the lead's earlier export")
    dialog = open_dialog(qtbot, history_store, runner)
    type_into(qtbot, dialog.path_edit, str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: question_box(dialog) is not None)
    with qtbot.waitSignal(dialog.finished_export, timeout=10_000) as blocker:
        qtbot.mouseClick(question_box(dialog).button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)  # type: ignore[union-attr]
    assert blocker.args[0].rows == 24
    check = verify_file(out)
    assert check.ok and check.rows == 24
    assert dialog.status.text().startswith(f"Export complete: {out}\n")
    assert dialog.export_button.isEnabled()


def test_a_new_file_is_exported_without_asking(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    monkeypatch.setattr(QMessageBox, "open", lambda self: asked.append(self))
    dialog = open_dialog(qtbot, history_store, runner)
    out = tmp_path / "new.csv"
    type_into(qtbot, dialog.path_edit, str(out))
    with qtbot.waitSignal(dialog.finished_export, timeout=10_000):
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert asked == [] and verify_file(out).ok


def test_one_check_at_a_time_and_closing_during_it_leaves_nothing_running(
    qtbot: QtBot, runner: TaskRunner, history_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow drive: while the worker still looks for the file, Export is disabled (Enter and
    clicks start nothing more); closing the dialog then drops the check, so no question and no
    export follow, and nothing is left running."""
    from moderator_gui.ui import export_target

    gate = threading.Event()
    looked: list[Path] = []
    threads: list[threading.Thread] = []

    def slow_existing_file(path: Path) -> bool:
        looked.append(path)
        threads.append(threading.current_thread())
        gate.wait(10)
        return True  # "it exists": the question would come next, were the dialog still open

    monkeypatch.setattr(export_target, "existing_file", slow_existing_file)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "decisions.csv"
    dialog = open_dialog(qtbot, history_store, runner)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # as the main window opens it
    destroyed: list[bool] = []
    dialog.destroyed.connect(lambda: destroyed.append(True))
    type_into(qtbot, dialog.path_edit, str(out))
    try:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: looked == [out])
        assert threads[0] is not threading.main_thread()
        assert dialog.checking and not dialog.running
        assert not dialog.export_button.isEnabled()
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
        dialog.start_export()  # even called directly: one check at a time
        drain_events()
        assert looked == [out]
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: bool(destroyed))
    finally:
        gate.set()
    assert runner.wait(10_000)
    drain_events()  # the dropped answer arrives now and must go nowhere
    assert looked == [out], "the clicks while the check was held started no other"
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()] == []
    assert list(folder.iterdir()) == []
