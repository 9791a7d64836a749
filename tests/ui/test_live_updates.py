"""The desk follows changes it did not make: rows update in place, new items appear where the
queue's order puts them, and the reviewer's place in the queue stays — never a reload."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from factories import item_values
from moderator_gui.core.changes import Changes, Origin
from moderator_gui.core.domain import DecisionInput, EventKind, utcnow
from moderator_gui.core.store import QueueFilter, Store
from moderator_gui.ui.queue_model import Column

pytestmark = pytest.mark.gui


def in_thread(fn: Any) -> None:
    """Run ``fn`` as a writer elsewhere would: on another thread, while the window's loop runs."""
    t = threading.Thread(target=fn, name="elsewhere")
    t.start()
    t.join()


def watch_resets(w: Any) -> list[int]:
    resets: list[int] = []
    w.model.modelReset.connect(lambda: resets.append(1))
    return resets


def test_a_decision_made_elsewhere_updates_its_row_in_place(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any
) -> None:
    ids = add_items(ui_store, 5)
    w = make_window()
    resets = watch_resets(w)
    other = ids[3]
    row = w.model.row_of(other)
    in_thread(lambda: ui_store.record(DecisionInput(item_id=other, kind=EventKind.SKIP, reviewer="bob")))
    qtbot.waitUntil(lambda: w.model.index(row, Column.STATUS).data() == "skipped", timeout=5000)
    assert resets == []
    assert w.session.current is not None and w.session.current.id == ids[0]  # the reviewer stays where they were


def test_new_items_appear_in_queue_order_and_the_current_item_stays(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any
) -> None:
    add_items(ui_store, 4, priority=100)
    w = make_window()
    resets = watch_resets(w)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_J)  # the reviewer is on the second item
    qtbot.waitUntil(lambda: w.session.current_row == 1)
    current = w.session.current
    assert current is not None
    qtbot.waitUntil(lambda: w.model.total == 4)
    urgent = item_values(external_id="urgent-1", priority=9000, flagged_at=utcnow() - timedelta(minutes=1))
    added: list[int] = []
    in_thread(lambda: added.extend(ui_store.add_items([urgent])))
    qtbot.waitUntil(lambda: w.model.rowCount() == 5, timeout=5000)
    assert w.model.row_at(0).id == added[0]  # highest priority: first
    assert w.model.total == 5
    assert resets == []
    # The reviewer is still on the same item, now one row further down, and J/K move from there.
    assert w.session.current is not None and w.session.current.id == current.id
    assert w.session.current_row == 2
    assert w.queue_view.current_row() == 2
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: w.session.current is not None and w.session.current.id == w.model.row_at(1).id)


def test_items_that_do_not_match_the_filter_stay_out(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 3, platform="douyin")
    w = make_window()
    w.model.set_filter(QueueFilter(status="open", platform="douyin"))
    qtbot.waitUntil(lambda: w.model.rowCount() == 3 and w.model.total == 3, timeout=5000)
    both = [item_values(external_id="wb-1", platform="weibo"), item_values(external_id="dy-9", platform="douyin")]
    added: list[int] = []
    in_thread(lambda: added.extend(ui_store.add_items(both)))
    qtbot.waitUntil(lambda: w.model.rowCount() == 4, timeout=5000)  # the douyin one came in...
    assert {w.model.row_at(r).platform for r in range(4)} == {"douyin"}  # ...in the same change as the weibo one
    assert w.model.row_of(added[0]) is None and w.model.row_of(added[1]) is not None
    assert w.model.total == 4


def test_a_change_from_another_process_is_read_again(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, tmp_path: Path
) -> None:
    """Another process writes the same file; a watcher only knows which items changed."""
    ids = add_items(ui_store, 5)  # (the desk holds the first three: carol takes the last)
    w = make_window()
    resets = watch_resets(w)
    elsewhere = Store.open(ui_store.url.database)
    try:
        elsewhere.record(DecisionInput(item_id=ids[4], kind=EventKind.DECIDE, reviewer="carol", category="no_violation"))
    finally:
        elsewhere.close()
    row = w.model.row_of(ids[4])
    assert w.model.index(row, Column.STATUS).data() == "pending"  # this window has not heard of it
    in_thread(lambda: ui_store.changes.publish(Changes(items=frozenset({ids[4]}), origin=Origin.EXTERNAL)))
    qtbot.waitUntil(lambda: w.model.index(row, Column.STATUS).data() == "decided", timeout=5000)
    assert resets == []


def test_the_guard_catches_sql_on_the_gui_thread(
    sql_on_gui_thread: list[str], ui_store: Store, add_items: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The suite-wide guard (tests/ui/conftest.py) is real: reads run inline on the GUI thread are caught."""
    from moderator_gui.ui import tasks
    from moderator_gui.ui.queue_model import QueueModel
    from moderator_gui.ui.wellbeing import Wellbeing, app_settings

    add_items(ui_store, 2)
    runner = tasks.TaskRunner(name="inline")

    def inline(fn: Any, *, on_done: Any = None, on_error: Any = None, **_kw: Any) -> None:
        on_done(fn())  # the bug the guard exists for: the database on the GUI thread

    monkeypatch.setattr(runner, "run", inline)
    wellbeing = Wellbeing(app_settings(), "alice")
    model = QueueModel(ui_store, runner, wellbeing)
    model.set_filter(QueueFilter(status="open"))
    assert model.rowCount() == 2
    assert any(v.startswith("SELECT from queue_model.py") for v in sql_on_gui_thread), sql_on_gui_thread
    sql_on_gui_thread.clear()  # this test meant it; any other test would fail here
    model.deleteLater()
    wellbeing.deleteLater()
    runner.shutdown()
    runner.deleteLater()
