"""The import dialog (File → Import…), driven like a lead drives it: a partner's real CSV with
its own column names, keys and clicks on the mapping, the preview, the import with its
progress, Cancel, the rejected rows and saving them, the mapping saved and loaded."""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from corpus import PILLOW_CORPUS
from media_corpus import write_gif, write_video
from moderator_gui.core.ingest import batching
from moderator_gui.core.ingest.mapping import ColumnMapping, load_mapping, save_mapping
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import items_t
from moderator_gui.core.store.team import Identity
from moderator_gui.ui import keymap
from moderator_gui.ui.i18n import install_translators
from moderator_gui.ui.import_dialog import ImportDialog
from moderator_gui.ui.tasks import TaskRunner

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


@pytest.fixture
def partner(tmp_path: Path) -> Path:
    """A partner's CSV: post_id, file, report_reason, body, uploader; a PNG, an animated GIF, an
    MP4, a text row, a path escaping the folder and a missing file."""
    d = tmp_path / "partner"
    (d / "files").mkdir(parents=True)
    (d / "files" / "photo.png").write_bytes((PILLOW_CORPUS / "hopper.png").read_bytes())
    write_gif(d / "files" / "sticker.gif", frames=3)
    write_video(d / "files" / "clip.mp4", seconds=0.5, size=(64, 48))
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    rows = [
        ["post_id", "file", "report_reason", "body", "uploader"],
        ["p-1", "files/photo.png", "nudity", "", "u1"],
        ["p-2", "files/sticker.gif", "sticker", "", "u2"],
        ["p-3", "files/clip.mp4", "violence", "", "u3"],
        ["p-4", "", "bullying", "放学后来群里", "u4"],
        ["p-5", "../secret.png", "escape", "", "u5"],
        ["p-6", "files/missing.jpg", "", "", "u6"],
    ]
    with open(d / "partner.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return d / "partner.csv"


def stored(store: Store) -> dict[str, tuple[str, str]]:
    with store.read() as conn:
        return {r.external_id: (r.platform, r.content_type) for r in conn.execute(select(items_t))}


def open_dialog(qtbot: QtBot, store: Store, runner: TaskRunner) -> ImportDialog:
    dialog = ImportDialog(store, runner, store.policy)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def choose_field(qtbot: QtBot, dialog: ImportDialog, column: str, field: str) -> None:
    """The lead focuses the column's combo box and steps with Down until it shows ``field``."""
    combo = dialog.mapping.combo(dialog.mapping.row_of(column))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == field:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == field


def load_source(qtbot: QtBot, dialog: ImportDialog, source: Path) -> None:
    type_into(qtbot, dialog.source_edit, str(source))
    qtbot.keyClick(dialog.source_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.mapping.rowCount() > 0 and not dialog.previewing)


def map_partner(qtbot: QtBot, dialog: ImportDialog) -> None:
    for column, field in (("post_id", "external_id"), ("file", "media_path"), ("report_reason", "flag_reason"), ("body", "text")):
        choose_field(qtbot, dialog, column, field)
    type_into(qtbot, dialog.platform_edit, "partner-x")
    qtbot.waitUntil(lambda: not dialog.previewing and dialog.preview.rowCount() == 6)


def test_preview_import_rejects_and_saved_list(
    qtbot: QtBot, ui_store: Store, runner: TaskRunner, partner: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, ui_store, runner)
    load_source(qtbot, dialog, partner)
    table = dialog.mapping
    assert table.columns() == ["post_id", "file", "report_reason", "body", "uploader"]
    # Exact names are mapped already; the partner's own names are not.
    assert [table.combo(r).currentText() for r in range(5)] == ["(not imported)"] * 4 + ["uploader"]
    assert dialog.preview.rowCount() == 6
    assert dialog.preview.cell_text(0, "Result") == "missing required field 'external_id'"
    # Nothing would import: Import waits until the required fields have a column each.
    assert not dialog.import_button.isEnabled()
    assert dialog.status.text() == "Map a column to each required field first: external_id, platform"

    map_partner(qtbot, dialog)
    assert dialog.import_button.isEnabled() and dialog.status.text() == ""
    p = dialog.preview
    assert [p.cell_text(r, "external_id") for r in range(6)] == ["p-1", "p-2", "p-3", "p-4", "p-5", "p-6"]
    assert p.cell_text(0, "media_path") == "files/photo.png" and p.cell_text(3, "text") == "放学后来群里"
    assert [p.cell_text(r, "Result") for r in range(6)] == [
        "imports as image (inferred)",
        "imports as animation (inferred)",
        "imports as video (inferred)",
        "imports as text (inferred)",
        "media_path '../secret.png' is outside the manifest's folder",
        "file not found: files/missing.jpg",
    ]
    assert stored(ui_store) == {}, "a preview imports nothing"

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.finished_import, timeout=20_000) as done:
        pass
    report = done.args[0]
    assert (report.imported, len(report.rejected)) == (4, 2)
    assert stored(ui_store) == {
        "p-1": ("partner-x", "image"), "p-2": ("partner-x", "animation"),
        "p-3": ("partner-x", "video"), "p-4": ("partner-x", "text"),
    }  # fmt: skip
    assert "Imported: 4 · duplicates: 0 · rejected: 2" in dialog.status.text()
    rejects = dialog.rejects.table
    assert [(rejects.item(r, 0).text(), rejects.item(r, 1).text()) for r in range(rejects.rowCount())] == [
        ("line 6", "media_path '../secret.png' is outside the manifest's folder"),
        ("line 7", "file not found: files/missing.jpg"),
    ]
    assert dialog.progress.isHidden() and dialog.close_button.isVisible()

    out = tmp_path / "rejected"
    dialog.rejects.ask_path = lambda: str(out)  # type: ignore[method-assign]  # (the file dialog)
    with qtbot.waitSignal(dialog.rejects.saved, timeout=5000):
        qtbot.mouseClick(dialog.rejects.save_button, Qt.MouseButton.LeftButton)
    with open(out.with_suffix(".csv"), encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [
            ["line", "code", "reason"],
            ["6", "import.outside_root", "media_path '../secret.png' is outside the manifest's folder"],
            ["7", "import.file_not_found", "file not found: files/missing.jpg"],
        ]
    assert "Saved to" in dialog.rejects.result.text()


def test_mapping_saved_loaded_and_checked(
    qtbot: QtBot, ui_store: Store, runner: TaskRunner, partner: Path, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, ui_store, runner)
    load_source(qtbot, dialog, partner)
    map_partner(qtbot, dialog)
    saved = tmp_path / "partner-x.toml"
    dialog.mapping_files.ask_path = lambda *, save: str(saved)  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.save_mapping_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: saved.exists() and "Mapping saved" in dialog.status.text())
    assert load_mapping(saved) == ColumnMapping(
        {"post_id": "external_id", "file": "media_path", "report_reason": "flag_reason", "body": "text", "uploader": "uploader"},
        platform="partner-x",
    )

    # Two columns on one field: said at once, and Import is off until it is resolved.
    choose_field(qtbot, dialog, "uploader", "external_id")
    qtbot.waitUntil(lambda: "both mapped to field 'external_id'" in dialog.status.text())
    assert not dialog.import_button.isEnabled()
    choose_field(qtbot, dialog, "uploader", "uploader")
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled() and dialog.status.text() == "")

    # Loading a mapping file sets the table (and the platform when none is typed).
    other = tmp_path / "other.toml"
    save_mapping(other, ColumnMapping({"post_id": "external_id", "body": "flag_reason", "file": None}, platform="p2"))
    type_into(qtbot, dialog.platform_edit, "")
    dialog.mapping_files.ask_path = lambda *, save: str(other)  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.load_mapping_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.platform_edit.text() == "p2")
    assert [dialog.mapping.field(r) for r in range(5)] == ["external_id", None, "flag_reason", "flag_reason", "uploader"]
    qtbot.waitUntil(lambda: "both mapped to field 'flag_reason'" in dialog.status.text())
    broken = tmp_path / "broken.toml"
    broken.write_text("[columns\n", encoding="utf-8")
    dialog.mapping_files.ask_path = lambda *, save: str(broken)  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.load_mapping_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "is not a valid TOML file" in dialog.status.text())


@pytest.fixture
def gate(ui_store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Batches of 2 rows; the second batch's write waits until the test opens the gate."""
    monkeypatch.setattr(batching, "BATCH_ROWS", 2)
    opened = threading.Event()
    real = ui_store.add_items
    calls = [0]

    def add_items(rows: Any, **kw: Any) -> Any:
        calls[0] += 1
        if calls[0] == 2:
            assert opened.wait(20), "the test never opened the gate"
        return real(rows, **kw)

    monkeypatch.setattr(ui_store, "add_items", add_items)
    yield opened
    opened.set()


def test_import_shows_progress_and_cancel_stops_it(
    qtbot: QtBot, ui_store: Store, runner: TaskRunner, tmp_path: Path, gate: threading.Event
) -> None:
    manifest = tmp_path / "texts.jsonl"
    manifest.write_text("".join(f'{{"id": "t{i}", "msg": "post {i}"}}\n' for i in range(20)), encoding="utf-8")
    dialog = open_dialog(qtbot, ui_store, runner)
    load_source(qtbot, dialog, manifest)
    choose_field(qtbot, dialog, "id", "external_id")
    choose_field(qtbot, dialog, "msg", "text")
    type_into(qtbot, dialog.platform_edit, "forum")
    qtbot.waitUntil(lambda: not dialog.previewing and dialog.preview.cell_text(0, "Result") == "imports as text (inferred)")

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    # The first batch is committed and reported; the second waits at the gate.
    qtbot.waitUntil(lambda: dialog.progress.maximum() == 20 and dialog.progress.value() == 2)
    assert dialog.progress.isVisible() and dialog.cancel_button.isVisible() and not dialog.import_button.isVisible()
    assert not dialog.mapping_box.isEnabled() and not dialog.source_edit.isEnabled()
    assert "Rows read so far: 2" in dialog.status.text()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "Cancelling…" and not dialog.cancel_button.isEnabled()
    gate.set()
    with qtbot.waitSignal(dialog.finished_import, timeout=20_000) as done:
        pass
    report = done.args[0]
    assert report.cancelled and report.imported == 4
    assert len(stored(ui_store)) == 4, "what was committed before Cancel stays"
    assert dialog.status.text().startswith("Import cancelled: the rows imported before stay imported.")
    assert dialog.import_button.isVisible() and dialog.source_edit.isEnabled()


def test_file_menu_import_at_a_solo_desk(qtbot: QtBot, make_window: Any, add_items: Any, ui_store: Store) -> None:
    add_items(ui_store, 1)
    w = make_window()
    file_menu = w._menus[keymap.GROUP_FILE]
    assert file_menu.menuAction().isVisible() and file_menu.title() == "File"
    assert [a.text() for a in file_menu.actions()] == ["Import…"]
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(isinstance(d, ImportDialog) and d.isVisible() for d in w.findChildren(ImportDialog)))
    dialog = w.findChild(ImportDialog)
    assert w.tools.open_import() is True and len(w.findChildren(ImportDialog)) == 1, "the open one comes forward"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "import" not in {b.command for b in keymap.for_desk(False)}, "a reviewer's desk has no import"


def test_a_folder_imports_without_a_mapping(
    qtbot: QtBot, ui_store: Store, runner: TaskRunner, partner: Path
) -> None:
    dialog = open_dialog(qtbot, ui_store, runner)
    folder = partner.parent / "files"
    dialog.ask_source_folder = lambda: str(folder)  # type: ignore[method-assign]  # (the folder dialog)
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.import_button.isEnabled())
    assert not dialog.mapping_box.isEnabled() and dialog.mapping.rowCount() == 0
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(dialog.finished_import, timeout=20_000) as done:
        pass
    assert done.args[0].imported == 3
    assert stored(ui_store) == {
        "photo.png": ("folder", "image"), "sticker.gif": ("folder", "animation"), "clip.mp4": ("folder", "video")
    }  # fmt: skip


def test_a_source_that_cannot_be_read_says_why(qtbot: QtBot, ui_store: Store, runner: TaskRunner, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, ui_store, runner)
    assert not dialog.import_button.isEnabled(), "nothing to import yet"
    type_into(qtbot, dialog.source_edit, str(tmp_path / "nope.csv"))
    qtbot.keyClick(dialog.source_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.status.text() == f"source not found: {tmp_path / 'nope.csv'}")
    assert not dialog.import_button.isEnabled() and dialog.mapping.rowCount() == 0
    (tmp_path / "dup.csv").write_text("a,a\n1,2\n", encoding="utf-8")
    type_into(qtbot, dialog.source_edit, str(tmp_path / "dup.csv"))
    qtbot.keyClick(dialog.source_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "duplicate column(s) a" in dialog.status.text())
    assert not dialog.import_button.isEnabled()


def test_a_reviewers_desk_has_no_import(qtbot: QtBot, make_window: Any, add_items: Any, ui_store: Store) -> None:
    add_items(ui_store, 1)
    w = make_window(reviewer="ann", identity=Identity(login="ann", team=True, role="reviewer"))
    assert not w._menus[keymap.GROUP_FILE].menuAction().isVisible() and not w.desk_actions["import"].isVisible()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert w.findChild(ImportDialog) is None, "the key is off"
    assert w.tools.open_import() is False  # asked all the same: refused
    assert w.findChild(ImportDialog) is None
    assert w.statusBar().currentMessage() == "Importing is for team leads."


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_screenshot(
    qtbot: QtBot, qapp: QApplication, ui_store: Store, runner: TaskRunner, partner: Path, artifacts_dir: Path, lang: str
) -> None:
    install_translators(qapp, lang)
    try:
        dialog = open_dialog(qtbot, ui_store, runner)
        load_source(qtbot, dialog, partner)
        map_partner(qtbot, dialog)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.rejects.table.rowCount() == 2, timeout=20_000)
        assert dialog.windowTitle() == {"en": "Import flagged items", "zh_CN": "导入被标记的内容"}[lang]
        # The content type a row imports as, in the reader's language too.
        assert dialog.preview.cell_text(1, {"en": "Result", "zh_CN": "结果"}[lang]) == {
            "en": "imports as animation (inferred)", "zh_CN": "将导入为 动图表情（推断）"
        }[lang]  # fmt: skip
        # Every button has the room its text needs, and every combo box shows its whole choice.
        cramped = [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible() and b.width() < b.sizeHint().width()]
        cramped += [
            c.currentText() for c in dialog.findChildren(QComboBox)
            if c.fontMetrics().horizontalAdvance(c.currentText()) + 24 > c.width()
        ]  # fmt: skip
        assert cramped == []
        assert dialog.grab().save(str(artifacts_dir / f"import-dialog-{lang}.png"))
    finally:
        install_translators(qapp, "en")
