"""Small laptop screens (1366×768, 1280×720): the whole window fits, nothing is clipped, keys still work.

The decision panel used to be ~750 px tall at its smallest, so the window could not be made
shorter than ~785 px. Now it scrolls when it must (and first shrinks the session history and
its roomy category buttons), in English and in Chinese.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QWidget

from moderator_gui.core.store import Store
from moderator_gui.ui.i18n import install_translators

pytestmark = pytest.mark.gui

SCREENS = [(1280, 720), (1366, 768)]


@pytest.fixture(params=["en", "zh_CN"])
def lang(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The UI language; the window must be made after this fixture installs it."""
    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, "en")


def settle(qtbot: Any, w: QWidget, size: tuple[int, int]) -> None:
    """Resize the window and let every layout (the panel's scroll area too) catch up."""
    w.resize(*size)
    qtbot.waitUntil(lambda: w.size() == QSize(*size).expandedTo(w.minimumSize()), timeout=2000)
    for _ in range(3):
        QApplication.processEvents()


def visible_rect(widget: QWidget) -> QRect:
    """The part of ``widget`` (its own coordinates) that its parents do not clip away:
    what a scroll area's viewport, a splitter pane or the window itself leave on screen."""
    top = widget.window()
    origin = widget.mapTo(top, QPoint(0, 0))
    seen = QRect(origin, widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        seen = seen.intersected(QRect(parent.mapTo(top, QPoint(0, 0)), parent.size()))
        parent = parent.parentWidget()
    return seen.translated(-origin)


def panel_scroll(w: Any) -> QScrollArea | None:
    return w.panel.findChild(QScrollArea)


def on_screen(w: Any, widget: QWidget) -> bool:
    """Fully visible now, or once the reviewer scrolls the panel to it."""
    if visible_rect(widget) == widget.rect():
        return True
    scroll = panel_scroll(w)
    if scroll is None:
        return False
    scroll.ensureWidgetVisible(widget, 0, 0)
    QApplication.processEvents()
    return visible_rect(widget) == widget.rect()


def needed_width(b: QPushButton, *, bold: bool) -> int:
    """Width that shows the button's text unclipped: Qt's own size hint for it (the button's
    base class, without any preferred size on top), with the text in bold when it is drawn
    bold (a chosen category, the enabled Record button)."""
    natural = QPushButton.sizeHint(b).width()
    if not bold:
        return natural
    font = QFont(b.font())
    font.setBold(True)
    return natural - QFontMetrics(b.font()).horizontalAdvance(b.text()) + QFontMetrics(font).horizontalAdvance(b.text())


def clipped_controls(w: Any) -> list[str]:
    """Every control of the decision panel whose text is cut off, or that cannot be seen."""
    p = w.panel
    problems = []
    buttons = [(b, True) for b in p.category_buttons.values()]
    buttons += [(p.record_button, True), (p.skip_button, False), (p.escalate_button, False), (p.undo_button, False)]
    for b, bold in buttons:
        if not b.isVisible() or not on_screen(w, b):
            problems.append(f"{b.text()!r} not on screen: {visible_rect(b)} of {b.rect()}")
        if b.width() < needed_width(b, bold=bold):
            problems.append(f"{b.text()!r} clipped: {b.width()} px wide, needs {needed_width(b, bold=bold)}")
        if b.height() < QPushButton.sizeHint(b).height():
            problems.append(f"{b.text()!r} clipped: {b.height()} px tall, needs {QPushButton.sizeHint(b).height()}")
    note = p.note
    if not note.isVisible() or not on_screen(w, note):
        problems.append(f"note not on screen: {visible_rect(note)} of {note.rect()}")
    placeholder = QFontMetrics(note.font()).horizontalAdvance(note.placeholderText())
    if note.width() < placeholder + 12 or note.height() < note.sizeHint().height():
        problems.append(f"note {note.size().toTuple()} too small for {note.placeholderText()!r} ({placeholder} px)")
    return problems


def test_the_window_fits_a_small_laptop_screen(lang: str, make_window: Any, ui_store: Store, add_items: Any) -> None:
    add_items(ui_store, 3)
    w = make_window(lang=lang)
    smallest = w.minimumSizeHint().expandedTo(w.minimumSize())
    assert smallest.width() <= 1280 and smallest.height() <= 720, f"the window cannot be smaller than {smallest.toTuple()}"
    assert w.panel.minimumSizeHint().height() < 600, w.panel.minimumSizeHint()


@pytest.mark.parametrize("size", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_small_window_shows_every_control_unclipped_and_keys_still_decide(
    size: tuple[int, int], lang: str, make_window: Any, ui_store: Store, add_items: Any, qtbot: Any
) -> None:
    add_items(ui_store, 4)
    w = make_window(lang=lang)
    settle(qtbot, w, size)
    assert w.width() <= size[0] and w.height() <= size[1], f"asked for {size}, the window stays {w.size().toTuple()}"
    assert not clipped_controls(w), clipped_controls(w)

    table = w.queue_view.table
    first = w.session.current
    qtbot.keyClick(table, Qt.Key.Key_6)
    chosen = w.panel.category_buttons["cyberbullying"]
    assert chosen.isChecked()
    assert chosen.width() >= needed_width(chosen, bold=True)  # the chosen one is drawn bold
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert w.session.current.id != first.id
    qtbot.waitUntil(lambda: w.session.entries[-1].state.value == "recorded")
    # The session history (the leftover space) still shows the decision just made.
    history = w.panel.history_view
    qtbot.waitUntil(lambda: history.model().rowCount() == 1)
    assert on_screen(w, history)
    row = history.visualRect(history.model().index(0, 0))
    assert history.viewport().rect().contains(row), (row, history.viewport().rect())


def test_the_smallest_window_scrolls_the_panel_and_clips_nothing(
    lang: str, make_window: Any, ui_store: Store, add_items: Any, qtbot: Any
) -> None:
    """As short as the window goes: the panel scrolls (its scroll bar shown) and no text is cut."""
    add_items(ui_store, 2)
    w = make_window(lang=lang)
    smallest = w.minimumSizeHint().expandedTo(w.minimumSize())
    settle(qtbot, w, (smallest.width(), smallest.height()))
    scroll = panel_scroll(w)
    assert scroll is not None and scroll.verticalScrollBar().isVisible()
    assert scroll.focusPolicy() == Qt.FocusPolicy.NoFocus  # keys stay with the window's shortcuts
    assert not clipped_controls(w), clipped_controls(w)


def test_the_note_scrolls_into_view_when_it_gets_the_keyboard(
    lang: str, make_window: Any, ui_store: Store, add_items: Any, qtbot: Any
) -> None:
    add_items(ui_store, 2)
    w = make_window(lang=lang)
    settle(qtbot, w, (1280, w.minimumSizeHint().height()))
    note, table = w.panel.note, w.queue_view.table
    assert visible_rect(note) != note.rect(), "the window is not short enough for this test"

    # Tab from the queue: the note has the keyboard and is on screen.
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is note
    assert visible_rect(note) == note.rect()
    qtbot.keyClicks(note, "typed where I can see it")
    assert note.text() == "typed where I can see it"
    qtbot.keyClick(note, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is table
    note.clear()

    # E without a note: the panel asks for one and shows the field.
    scroll = panel_scroll(w)
    assert scroll is not None
    scroll.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    assert visible_rect(note) != note.rect()
    qtbot.keyClick(table, Qt.Key.Key_E)
    assert w.panel.escalating
    assert QApplication.focusWidget() is note
    assert visible_rect(note) == note.rect()
    qtbot.keyClick(note, Qt.Key.Key_Escape)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["laptop", "desktop"])
def test_the_flag_reason_stays_readable_in_the_queue(
    qtbot: Any, lang: str, make_window: Any, ui_store: Store, add_items: Any, size: tuple[int, int]
) -> None:
    """On a narrow queue pane, report count and then platform give way to the flag reason
    (both are in the context panel and the row's tooltip); on a wide one every column shows."""
    from moderator_gui.ui.queue_model import Column
    from moderator_gui.ui.queue_view import REASON_MIN_WIDTH

    add_items(ui_store, 3, flag_reason="疑似诱导未成年人打赏，主播多次索要礼物")
    w = make_window(lang=lang)
    settle(qtbot, w, size)
    header = w.queue_view.table.horizontalHeader()
    assert header.sectionSize(Column.REASON) >= REASON_MIN_WIDTH
    hidden = {c for c in Column if header.isSectionHidden(c)}
    if size == (1920, 1080):
        assert hidden == set()
    else:
        assert hidden and hidden <= {Column.REPORTS, Column.PLATFORM}
        assert Column.REPORTS in hidden, "the report count gives way first"
    # Wider again: the columns come back.
    settle(qtbot, w, (2400, 1200))
    assert not any(header.isSectionHidden(c) for c in Column)
