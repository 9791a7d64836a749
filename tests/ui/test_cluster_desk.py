"""Duplicates at the desk, with real key presses on a real SQLite file: the context panel's
cluster line, Shift+Enter with its confirmation (Enter records, Esc cancels), a batch the
database cannot take kept item by item, Ctrl+Z undoing the whole batch, the "one per
cluster" queue, and the banner of a hash-list match."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from moderator_gui.core.journal import DecisionJournal
from moderator_gui.core.store import DatabaseLockedError, Store
from moderator_gui.core.write_queue import EntryState
from store_helpers import WriteLock

pytestmark = pytest.mark.gui

SHA = "a" * 64


def confirm_box(w: Any) -> QMessageBox | None:
    box = w.findChild(QMessageBox, "cluster_confirm")
    return box if box is not None and box.isVisible() else None


def ask_for_cluster(w: Any, qtbot: Any, key: Qt.Key) -> QMessageBox:
    """Once the cluster is read: the category key, then Shift+Enter; returns the confirmation shown."""
    table = w.queue_view.table
    qtbot.waitUntil(lambda: w.context.cluster is not None)
    qtbot.keyClick(table, key)
    qtbot.keyClick(table, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: confirm_box(w) is not None)
    box = confirm_box(w)
    assert box is not None
    return box


def statuses(store: Store, ids: list[int]) -> list[str]:
    return [store.item(i).status for i in ids]


@pytest.fixture
def cluster(ui_store: Store, add_items: Any) -> list[int]:
    """Four items with one picture (the queue's first four) and two others."""
    ids = add_items(ui_store, 4, sha256=SHA, priority=90)
    add_items(ui_store, 2, priority=10)
    return ids


def test_context_panel_says_how_many_others_share_the_picture(make_window: Any, cluster: list[int], qtbot: Any) -> None:
    w = make_window()
    assert w.session.current.id == cluster[0]
    strip = w.context.cluster_strip
    qtbot.waitUntil(lambda: w.context.cluster is not None)
    assert strip.isVisible()
    assert strip.title.text().startswith("3 other items with this picture (3 undecided)")
    assert sum(t.isVisible() for t in strip.thumbs) == 3


def test_shift_enter_confirms_then_records_the_whole_cluster_and_ctrl_z_undoes_it(
    make_window: Any, ui_store: Store, cluster: list[int], qtbot: Any
) -> None:
    w = make_window()
    table = w.queue_view.table
    box = ask_for_cluster(w, qtbot, Qt.Key.Key_2)
    category = w.panel.category
    assert "for 4 items" in box.text()
    assert statuses(ui_store, cluster) == ["pending"] * 4  # nothing before the reviewer confirms
    with qtbot.waitSignal(w.cluster_batch.finished, timeout=10_000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    assert statuses(ui_store, cluster) == ["decided"] * 4
    assert {ui_store.item_history(i)[0].category for i in cluster} == {category}
    assert w.session.current.id not in cluster  # on to the next picture
    qtbot.waitUntil(lambda: "for 4 items with the same picture" in (w.banners.text("batch") or ""))
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)  # the dialog gave the keys back
    with qtbot.waitSignal(w.cluster_batch.finished, timeout=10_000):
        qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert statuses(ui_store, cluster) == ["pending"] * 4
    assert [(h.kind, h.reverted) for h in ui_store.item_history(cluster[3])] == [("decide", True)]
    qtbot.waitUntil(lambda: w.session.current is not None and w.session.current.id == cluster[0])
    qtbot.keyClick(table, Qt.Key.Key_0)
    qtbot.keyClick(table, Qt.Key.Key_Return)  # a single decision: the batch's banner goes
    qtbot.waitUntil(lambda: w.banners.text("batch") is None)


def test_a_cluster_batch_the_database_cannot_take_now_is_kept_and_saved_item_by_item(
    make_window: Any, quick_store: Store, add_items: Any, qtbot: Any, tmp_path: Path
) -> None:
    """The database is locked when the batch is confirmed: nothing is lost. Its decisions become
    the session's own writes, kept in the journal on disk and retried, and each is recorded once."""
    ids = add_items(quick_store, 4, sha256=SHA, priority=90)
    add_items(quick_store, 2, priority=10)
    journal = DecisionJournal.for_database(quick_store.describe(), tmp_path / "data")
    journal.open()
    try:
        _kept_item_by_item(make_window(store=quick_store, journal=journal), quick_store, ids, journal, qtbot)
    finally:
        journal.close()


def _kept_item_by_item(w: Any, quick_store: Store, ids: list[int], journal: DecisionJournal, qtbot: Any) -> None:
    box = ask_for_cluster(w, qtbot, Qt.Key.Key_2)
    category = w.panel.category
    lock = WriteLock(quick_store.engine.url.database)
    try:
        with qtbot.waitSignal(w.cluster_batch.finished, timeout=10_000):
            qtbot.keyClick(box, Qt.Key.Key_Return)
        text = w.banners.text("batch") or ""
        assert "could not be saved together" in text and "locked" in text and "saved on its own" in text
        assert sorted(e.inp.item_id for e in w.session.entries) == sorted(ids)
        assert w.session.unsaved == 4
        qtbot.waitUntil(lambda: w.session.unsaved_are_kept, timeout=10_000)  # in the journal on disk
        kept = json.loads(journal.path.read_text())["writes"]
        assert sorted(k["decision"]["uuid"] for k in kept) == sorted(e.inp.uuid for e in w.session.entries)
        assert statuses(quick_store, ids) == ["pending"] * 4
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=15_000)  # retried on their own
    assert [e.state for e in w.session.entries] == [EntryState.RECORDED] * 4
    assert statuses(quick_store, ids) == ["decided"] * 4
    assert [len(quick_store.item_history(i)) for i in ids] == [1] * 4  # each once
    assert {quick_store.item_history(i)[0].category for i in ids} == {category}
    qtbot.waitUntil(lambda: not journal.path.exists(), timeout=5000)  # all saved: the journal goes


def test_an_item_decided_again_while_the_batch_was_on_its_way_keeps_that_later_decision(
    make_window: Any, ui_store: Store, cluster: list[int], qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reviewer goes back to an item of the batch while it is being written and decides it
    again; then the batch fails for a reason that may pass. The later decision stands, alone:
    the batch's decision for that item is not queued behind it (it would overwrite it)."""
    release = threading.Event()

    def slow_then_locked(self: Store, inputs: Any) -> int:
        assert release.wait(30)
        raise DatabaseLockedError("store.locked")

    monkeypatch.setattr(Store, "record_batch", slow_then_locked)
    w = make_window()
    table = w.queue_view.table
    box = ask_for_cluster(w, qtbot, Qt.Key.Key_2)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the batch is on its way (held)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    qtbot.waitUntil(lambda: w.session.current is not None and w.session.current.id not in cluster)
    qtbot.keyClick(table, Qt.Key.Key_K)  # back to the batch's last item
    assert w.session.current.id == cluster[3]
    qtbot.keyClick(table, Qt.Key.Key_0)
    qtbot.keyClick(table, Qt.Key.Key_Return)  # decided again: queued behind the batch
    said: list[str] = []
    w.cluster_batch.banner.connect(lambda _key, _level, text: said.append(text()))
    with qtbot.waitSignal(w.cluster_batch.finished, timeout=10_000):
        release.set()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=15_000)
    assert len(said) == 1 and "3 decisions could not be saved together" in said[0]
    assert statuses(ui_store, cluster) == ["decided"] * 4
    assert [h.category for h in ui_store.item_history(cluster[3])] == ["no_violation"]  # once, the later one
    assert {ui_store.item_history(i)[0].category for i in cluster[:3]} == {"porn_violence"}


def test_closing_while_a_batch_is_on_its_way_waits_for_it(
    make_window: Any, ui_store: Store, cluster: list[int], qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real_batch = Store.record_batch

    def held(self: Store, inputs: Any) -> int:
        assert release.wait(30)
        return real_batch(self, inputs)

    monkeypatch.setattr(Store, "record_batch", held)
    w = make_window()
    box = ask_for_cluster(w, qtbot, Qt.Key.Key_2)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert not w.close()  # not while the batch is unanswered
    assert w.isVisible() and "before closing" in w.statusBar().currentMessage()
    release.set()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=10_000)  # closed once it was answered
    assert statuses(ui_store, cluster) == ["decided"] * 4


def test_escape_cancels_and_records_nothing(make_window: Any, ui_store: Store, cluster: list[int], qtbot: Any) -> None:
    w = make_window()
    box = ask_for_cluster(w, qtbot, Qt.Key.Key_0)
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: confirm_box(w) is None)
    assert statuses(ui_store, cluster) == ["pending"] * 4
    assert w.session.current.id == cluster[0]


def test_shift_enter_without_a_category_or_cluster_says_why(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any
) -> None:
    add_items(ui_store, 2)  # different pictures
    w = make_window()
    qtbot.waitUntil(lambda: w.context.cluster_read_for == w.session.current.id)  # (else: "still reading")
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert confirm_box(w) is None
    assert w.panel.requirement.text()  # choose a category first
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_1)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert "No other undecided item has this picture" in w.panel.requirement.text()
    assert confirm_box(w) is None


def test_one_per_cluster_shows_each_picture_once(make_window: Any, ui_store: Store, cluster: list[int], qtbot: Any) -> None:
    w = make_window()
    qtbot.waitUntil(lambda: w.model.rowCount() == 6)
    w.queue_view.one_per_cluster.setChecked(True)
    qtbot.waitUntil(lambda: w.model.rowCount() == 3 and not w.model.loading)
    assert w.model.row_at(0).id == cluster[0]


def test_a_hash_list_match_shows_a_banner_and_preselects_its_category(
    make_window: Any, ui_store: Store, cluster: list[int], qtbot: Any
) -> None:
    cat = ui_store.policy.categories[3]
    ui_store.import_hash_list("partner-x", io.StringIO(f"signal_type,signal,category,note\nsha256,{SHA},{cat.code},\n"))
    w = make_window()
    qtbot.waitUntil(lambda: w.banners.text("match") == f"Matches partner-x: {cat.label.en}")
    assert w.panel.category == cat.code
    assert ui_store.item(cluster[0]).status == "pending"  # pre-selected, never decided by itself
