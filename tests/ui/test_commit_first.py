"""Commit-first painting: after Enter the next item is on screen at once; the rest of the
window (queue row, session list, status) repaints once the commit has answered, or after
a short deadline when the database is slow. Nothing is lost or left unpainted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt

from moderator_gui.core.store import Store
from moderator_gui.core.write_queue import EntryState
from moderator_gui.ui.paint_gate import DEFAULT_MAX_MS
from moderator_gui.ui.queue_model import Column
from qt_wait import drain_events
from store_helpers import WriteLock

pytestmark = pytest.mark.gui


class PaintCounter(QObject):
    def __init__(self, *widgets: Any) -> None:
        super().__init__()
        self.count = 0
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def rendered_ahead(w: Any, bridge: Any, row: Any) -> bool:
    """The preview of ``row`` is rendered and kept, as the viewer would ask for it now."""
    return (row.sha256, "preview", w.viewer._pictures._variants()) in bridge._kept


def test_enter_paints_the_next_item_at_once_and_the_rest_after_the_commit(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any
) -> None:
    add_items(ui_store, 3)
    _svc, bridge = fake_media
    w = make_window(bridge=bridge)
    canvas, queue = w.viewer.canvas, w.queue_view.table.viewport()
    second = w.model.row_at(1)
    qtbot.waitUntil(lambda: canvas.pixmap is not None)
    qtbot.waitUntil(lambda: rendered_ahead(w, bridge, second))
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_2)
    drain_events()  # the choice is painted, as a reviewer sees it before pressing Enter
    shown_before = canvas.pixmap.cacheKey()
    canvas_paints, queue_paints = PaintCounter(canvas), PaintCounter(queue)

    qtbot.keyClick(table, Qt.Key.Key_Return)
    # Within the key press itself: the next item is current, rendered and painted ...
    assert w.session.current.id == second.id
    assert canvas.pixmap is not None and canvas.pixmap.cacheKey() != shown_before
    assert canvas_paints.count >= 1
    # ... while the queue waits for the commit (the event loop has not run yet).
    assert w.paint_gate.held
    assert queue_paints.count == 0
    assert w.session.entries[-1].state == EntryState.SAVING

    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED)
    qtbot.waitUntil(lambda: not w.paint_gate.held)
    qtbot.waitUntil(lambda: queue_paints.count >= 1)  # then everything that waited is painted
    # The queue follows the session: its selection is the current item, the decided row says so.
    assert w.queue_view.current_row() == 1
    assert w.model.index(0, 7).data() == "decided"
    assert w.context.row is not None and w.context.row.id == second.id
    assert w.history_model.index(0, 2).data() == "recorded"


@pytest.fixture
def slow_store(tmp_path: Path) -> Iterator[Store]:
    """A store that waits up to 10 s for a lock (long past the paint deadline)."""
    s = Store.open(tmp_path / "slow.sqlite3", busy_timeout_ms=10_000)
    yield s
    s.close()


def test_a_slow_commit_never_holds_the_window_back(make_window: Any, slow_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(slow_store, 3)
    w = make_window(store=slow_store)
    first = w.session.current
    queue_paints = PaintCounter(w.queue_view.table.viewport())
    lock = WriteLock(slow_store.engine.url.database)  # another program holds the write lock
    try:
        table = w.queue_view.table
        qtbot.keyClick(table, Qt.Key.Key_6)
        qtbot.keyClick(table, Qt.Key.Key_Return)
        assert w.paint_gate.held
        # The commit is stuck behind the lock, yet the window repaints after the deadline
        # and says the decision is still being saved.
        qtbot.waitUntil(lambda: not w.paint_gate.held, timeout=100 * DEFAULT_MAX_MS)
        assert w.session.entries[-1].state == EntryState.SAVING
        qtbot.waitUntil(lambda: queue_paints.count >= 1)
        assert w.model.index(w.model.row_of(first.id), 7).data() == "saving…"
        assert w.status_label.text() == "1 decision saving…"
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.session.entries[-1].state == EntryState.RECORDED, timeout=15_000)
    assert w.model.index(w.model.row_of(first.id), 7).data() == "decided"


def test_moving_without_deciding_paints_normally(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    """J/K write nothing: no gate, the queue's selection follows at once."""
    add_items(ui_store, 3)
    w = make_window()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_J)
    assert not w.paint_gate.held
    assert w.session.current_row == 1 and w.queue_view.current_row() == 1
    assert w.context.row is not None and w.context.row.id == w.session.current.id


def test_a_click_while_the_commit_is_on_its_way_wins(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    """The panes follow the session's current item when the gate opens, not the one that was
    current when Enter was pressed."""
    add_items(ui_store, 4)
    w = make_window()
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_6)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert w.paint_gate.held and w.session.current_row == 1
    rect = table.visualRect(w.model.index(3, Column.TYPE))  # (a column that never gives way)
    assert rect.isValid()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert w.session.current_row == 3
    qtbot.waitUntil(lambda: not w.paint_gate.held)
    assert w.queue_view.current_row() == 3
    assert w.context.row is not None and w.context.row.id == w.model.row_at(3).id


def test_a_second_enter_before_the_first_commit_answers_still_shows_its_next_item_at_once(
    make_window: Any, ui_store: Store, add_items: Any, fake_media: Any, qtbot: Any
) -> None:
    add_items(ui_store, 4)
    _svc, bridge = fake_media
    w = make_window(bridge=bridge)
    canvas = w.viewer.canvas
    second, third = w.model.row_at(1), w.model.row_at(2)
    qtbot.waitUntil(lambda: canvas.pixmap is not None)
    # Both items ahead (their renders may finish in either order, on the render threads).
    qtbot.waitUntil(lambda: rendered_ahead(w, bridge, second) and rendered_ahead(w, bridge, third))
    table = w.queue_view.table
    qtbot.keyClick(table, Qt.Key.Key_6)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert w.paint_gate.held  # the first commit has not answered (no event was processed)
    qtbot.keyClick(table, Qt.Key.Key_0)
    paints = PaintCounter(canvas)
    shown_before = canvas.pixmap.cacheKey()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert w.session.current.id == third.id
    assert paints.count >= 1 and canvas.pixmap.cacheKey() != shown_before, "painted within the second key press"
    qtbot.waitUntil(lambda: w.session.unsaved == 0)
    assert [e.state for e in w.session.entries] == [EntryState.RECORDED, EntryState.RECORDED]


def test_closing_right_after_enter_starts_nothing_once_shut_down(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any
) -> None:
    """The window waits for the commit, closes, and the gate opening then starts no history
    read or render for a window that is gone."""
    add_items(ui_store, 3)
    w = make_window()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    assert w.paint_gate.held
    assert not w.close()  # a write is on its way: it closes when the commit has answered
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=5000)
    drain_events()
    assert w._shut_down and not w.context._history_timer.isActive()
    assert w.session.entries[-1].state == EntryState.RECORDED
