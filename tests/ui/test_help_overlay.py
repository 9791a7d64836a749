"""The keyboard help lists the real keymap table and gets out of the way with Escape, F1 or ?."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMainWindow
from pytestqt.qtbot import QtBot

from moderator_gui.ui.help_overlay import HelpOverlay
from moderator_gui.ui.i18n import install_translators
from moderator_gui.ui.keymap import KEYMAP, Binding, describe, group_title, key_text

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


class Window(QMainWindow):
    """A stand-in main window: a text field, and the help and category-2 commands bound as the real window binds them."""

    def __init__(self, keymap: tuple[Binding, ...]) -> None:
        super().__init__()
        self.note = QLineEdit(self)
        self.setCentralWidget(self.note)
        self.overlay = HelpOverlay(self, keymap)
        self.fired: list[str] = []
        help_action = QAction(self)
        help_action.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        help_action.triggered.connect(self.overlay.toggle)
        choose = QAction(self)
        choose.setShortcut(QKeySequence("Ctrl+2"))
        choose.triggered.connect(lambda: self.fired.append("category_2"))
        self.addActions([help_action, choose])
        self.resize(1000, 720)


@pytest.fixture
def window(qtbot: QtBot) -> Window:
    w = Window(KEYMAP)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.note.setFocus()
    return w


def shown_texts(overlay: HelpOverlay) -> list[str]:
    return [label.text() for label in overlay.findChildren(QLabel) if label.isVisible()]


def test_lists_every_binding_grouped(qtbot: QtBot, window: Window) -> None:
    qtbot.keyClick(window.note, Qt.Key.Key_F1)
    overlay = window.overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    texts = shown_texts(overlay)
    for b in KEYMAP:
        assert overlay.findChild(QLabel, f"help:{b.command}").text() == describe(b)
        assert overlay.findChild(QLabel, f"keys:{b.command}").text() == key_text(b)
        assert describe(b) in texts
    assert {group_title(g) for g in {b.group for b in KEYMAP}} <= set(texts)
    assert "Ctrl+Z" in texts and "Record the decision and go to the next item" in texts


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question])
def test_escape_f1_and_question_mark_close_it(qtbot: QtBot, window: Window, key: Qt.Key) -> None:
    window.overlay.toggle()
    assert window.overlay.isVisible() and window.overlay.hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), key)
    assert not window.overlay.isVisible()
    assert window.note.hasFocus(), "the keyboard goes back where it was"


def test_window_commands_do_not_fire_behind_the_help(qtbot: QtBot, window: Window) -> None:
    window.overlay.toggle()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.fired == [] and window.overlay.isVisible()
    qtbot.mouseClick(window.overlay, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not window.overlay.isVisible()
    qtbot.keyClick(window.note, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.fired == ["category_2"]


def test_follows_the_window_size_and_a_small_keymap(qtbot: QtBot) -> None:
    small = (
        Binding("a", ("A",), "Alpha", "First"),
        Binding("b", ("Ctrl+B",), "Bravo", "Second"),
    )
    w = Window(small)
    qtbot.addWidget(w)
    w.show()
    w.overlay.toggle()
    assert [(g, [b.command for b in bs]) for g, bs in w.overlay.groups()] == [("First", ["a"]), ("Second", ["b"])]
    w.resize(640, 480)
    qtbot.waitUntil(lambda: w.overlay.geometry() == w.rect())
    assert {"Alpha", "Bravo", "First", "Second", "A", "Ctrl+B"} <= set(shown_texts(w.overlay))


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_screenshot_and_translation(qtbot: QtBot, qapp: QApplication, lang: str, request: pytest.FixtureRequest) -> None:
    if lang == "zh_CN":
        request.getfixturevalue("chinese")
    w = Window(KEYMAP)
    qtbot.addWidget(w)
    w.show()
    w.overlay.toggle()
    record = next(b for b in KEYMAP if b.command == "record")
    label = w.overlay.findChild(QLabel, "help:record")
    if lang == "zh_CN":
        assert label.text() != record.description and any("\u4e00" <= ch <= "\u9fff" for ch in label.text())
        assert w.overlay.findChild(QLabel, "keys:record").text() == "回车", "Return and Enter are both 回车: shown once"
    else:
        assert label.text() == record.description
    artifacts = os.environ.get("MODERATOR_TEST_ARTIFACTS")
    if artifacts:
        Path(artifacts).mkdir(parents=True, exist_ok=True)
        assert w.grab().save(str(Path(artifacts) / f"help-overlay-{lang}.png"))


def test_f1_in_the_real_main_window(qtbot: QtBot, make_window, add_items, ui_store) -> None:  # type: ignore[no-untyped-def]
    add_items(ui_store, 2)
    w = make_window()
    table = w.queue_view.table
    first = w.session.current
    qtbot.keyClick(table, Qt.Key.Key_F1)
    overlay = w.findChild(HelpOverlay)
    assert overlay is not None and overlay.isVisible() and overlay.geometry() == w.rect()
    assert overlay.findChild(QLabel, "help:record").text() == "Record the decision and go to the next item"
    # Deciding keys do nothing while the help is up…
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert w.panel.category is None and w.session.current.id == first.id and ui_store.item_history(first.id) == []
    # …and Escape gives the keyboard back to the queue.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not overlay.isVisible() and table.hasFocus()


def test_key_text_names_each_key_once(qapp: QApplication, chinese: None) -> None:
    """Menus, buttons and the help all read ``key_text``: Return and Enter (both 回车) once."""
    record = next(b for b in KEYMAP if b.command == "record")
    assert len(record.keys) == 2
    assert key_text(record) == "回车"
    nxt = next(b for b in KEYMAP if len({QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in b.keys}) > 1)
    assert key_text(nxt).count(" / ") == len(nxt.keys) - 1  # distinct names all stay
