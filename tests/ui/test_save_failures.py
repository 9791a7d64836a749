"""Saving under failure: a locked database, a conflict with another instance, closing with unsaved work.

The reviewer must always see what happened, lose no decision, and be able to keep working.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import func, select

from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import decisions_t
from moderator_gui.core.store.watch import ChangeWatcher
from moderator_gui.core.write_queue import EntryState
from store_helpers import WriteLock

pytestmark = pytest.mark.gui




def events_for(store: Store, item_id: int) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(decisions_t).where(decisions_t.c.item_id == item_id)).scalar_one()


def test_locked_database_banner_then_retried_exactly_once(
    make_window: Any, quick_store: Store, add_items: Any, qtbot: Any
) -> None:
    add_items(quick_store, 3)
    w = make_window(store=quick_store)
    first = w.session.current
    table = w.queue_view.table
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(table, Qt.Key.Key_6)
        qtbot.keyClick(table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: w.banners.text("save") is not None, timeout=5000)
        text = w.banners.text("save")
        assert "locked" in text and "retried" in text
        assert w.session.entries[-1].state == EntryState.RETRYING
        assert w.history_model.index(0, 2).data() == "not saved yet — retrying"
        assert w.model.index(w.model.row_of(first.id), 7).data() == "not saved"
        # Work continues: the next item is shown and can be decided (it waits in the outbox).
        second = w.session.current
        assert second.id != first.id
        qtbot.keyClick(table, Qt.Key.Key_S)
        assert w.session.unsaved == 2
        assert events_for(quick_store, first.id) == 0
    finally:
        lock.release()
    # Retried automatically with backoff, under the same uuid: recorded exactly once.
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    assert [e.state for e in w.session.entries] == [EntryState.RECORDED, EntryState.RECORDED]
    assert events_for(quick_store, first.id) == 1
    assert events_for(quick_store, second.id) == 1
    assert quick_store.item(first.id).status == "decided"
    assert quick_store.item(second.id).status == "skipped"
    assert w.banners.text("save") is None  # the banner goes once everything is saved
    assert w.model.index(w.model.row_of(first.id), 7).data() == "decided"


def test_retry_now_button(make_window: Any, quick_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(quick_store, 2)
    w = make_window(store=quick_store)
    first = w.session.current
    lock = WriteLock(quick_store.engine.url.database)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_0)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.banners.text("save") is not None, timeout=5000)
    lock.release()
    banner = w.banners.banner("save")
    retry = next(b for b in banner.findChildren(QPushButton) if b.text() == "Retry now")
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert not w.session.waiting_for_retry
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=3000)
    assert events_for(quick_store, first.id) == 1


def test_undo_of_a_decision_waiting_for_a_retry_writes_nothing_if_it_never_committed(
    make_window: Any, quick_store: Store, add_items: Any, qtbot: Any
) -> None:
    """A retryable failure may follow a COMMIT that succeeded: the undo must ask the database."""
    add_items(quick_store, 2)
    w = make_window(store=quick_store)
    first = w.session.current
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: w.session.waiting_for_retry, timeout=5000)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert w.session.entries[-1].state == EntryState.UNDOING
        assert w.history_model.index(0, 2).data() == "undoing…"
        assert w.session.current.id == first.id
        assert w.session.unsaved == 1  # the revert replaces the decision in the outbox
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    assert w.session.entries[-1].state == EntryState.CANCELLED
    assert w.history_model.index(0, 2).data() == "undone before saving"
    assert events_for(quick_store, first.id) == 0
    assert w.banners.text("save") is None
    assert w.model.index(w.model.row_of(first.id), 7).data() == "pending"


def test_undo_of_a_decision_committed_before_a_retryable_error_reverts_it(
    make_window: Any, quick_store: Store, add_items: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The COMMIT succeeded but the reply was lost (StorageUnavailableError): undo must write a revert."""
    from moderator_gui.core.store import StorageUnavailableError

    add_items(quick_store, 2)
    w = make_window(store=quick_store)
    first = w.session.current
    real_record = Store.record
    calls = {"n": 0}

    def record_then_lose_reply(self: Store, inp: Any) -> Any:
        real_record(self, inp)  # committed
        calls["n"] += 1
        raise StorageUnavailableError("store.unreachable", detail="the server does not answer")

    monkeypatch.setattr(Store, "record", record_then_lose_reply)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.waiting_for_retry, timeout=5000)
    assert events_for(quick_store, first.id) == 1
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    assert calls["n"] == 1  # the decision was not retried once undone
    assert w.session.entries[-1].state == EntryState.UNDONE
    assert w.history_model.index(0, 2).data() == "undone"
    assert events_for(quick_store, first.id) == 2  # the decision and its revert
    assert quick_store.item(first.id).status == "pending"
    assert w.model.index(w.model.row_of(first.id), 7).data() == "pending"


def test_undo_while_the_write_is_in_flight_then_the_write_fails_retryably(
    make_window: Any, quick_store: Store, add_items: Any, qtbot: Any
) -> None:
    """The undo stays "undoing" through the retry; a second Ctrl+Z cannot cancel it behind its back."""
    add_items(quick_store, 2)
    w = make_window(store=quick_store)
    first = w.session.current
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
        assert w.session._queue.in_flight is not None  # waiting for the lock (150 ms)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert w.session.entries[-1].state == EntryState.UNDOING
        qtbot.waitUntil(lambda: w.session.waiting_for_retry, timeout=5000)
        assert w.session.entries[-1].state == EntryState.UNDOING
        assert w.history_model.index(0, 2).data() == "undoing…"
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert w.session.entries[-1].state == EntryState.UNDOING
        assert w.statusBar().currentMessage() == "Nothing to undo in this session."
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    assert w.session.entries[-1].state == EntryState.UNDONE
    assert events_for(quick_store, first.id) == 2  # decided, then reverted
    assert quick_store.item(first.id).status == "pending"
    assert w.model.index(w.model.row_of(first.id), 7).data() == "pending"


def test_two_instances_conflict_is_shown_and_nothing_double_recorded(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, tmp_path: Path
) -> None:
    """Two desks on one file are never handed the same item; if one's claim is lost (its lease
    ran out) and the other decides the item, the late decision is refused, shown as a conflict,
    kept for a lead, and nothing is recorded twice."""
    add_items(ui_store, 4)
    other_store = Store.open(ui_store.engine.url.database)
    bobs_watcher = ChangeWatcher(other_store, poll_s=0.05).start()  # bob's desk hears of others' changes
    try:
        alice = make_window(reviewer="alice")
        item = alice.session.current
        qtbot.waitUntil(lambda: item.id in alice.claims.held)
        bob = make_window(reviewer="bob", store=other_store)
        qtbot.waitUntil(lambda: bool(bob.claims.held) and bob.session.current is not None)
        assert bob.session.current.id != item.id  # never handed alice's item
        assert item.id not in bob.claims.held
        # Alice's lease runs out (her desk was cut off: nothing tells her window anything any
        # more); bob's desk hears the item is free, bob takes it and decides it.
        ui_store.release_claims("alice", [item.id])
        qtbot.waitUntil(lambda: bob.model.row_at(bob.model.row_of(item.id)).claimed_by is None, timeout=10_000)
        bob.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is bob)
        bob.session.set_current_row(bob.model.row_of(item.id))
        qtbot.waitUntil(lambda: item.id in bob.claims.held)
        qtbot.keyClick(bob.queue_view.table, Qt.Key.Key_2)
        qtbot.keyClick(bob.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: bob.session.unsaved == 0)
        # Alice's desk still shows it (nothing told her window): her decision comes too late.
        alice.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is alice)
        assert alice.session.current.id == item.id
        qtbot.keyClick(alice.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(alice.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: alice.banners.text("conflict") is not None)
        assert "bob" in alice.banners.text("conflict")
        assert "nothing was recorded" in alice.banners.text("conflict")
        assert "kept for a team lead" in alice.banners.text("conflict")
        assert alice.session.entries[-1].state == EntryState.CONFLICT
        assert alice.history_model.index(0, 2).data() == "conflict — not recorded"
        h = ui_store.item_history(item.id)
        assert [(x.reviewer, x.category) for x in h] == [("bob", "porn_violence")]
        assert [(c.item_id, c.reviewer, c.category) for c in ui_store.conflicts()] == [(item.id, "alice", "cyberbullying")]
        # Alice's queue now shows the item as the database has it.
        qtbot.waitUntil(lambda: alice.model.index(alice.model.row_of(item.id), 7).data() == "decided")
    finally:
        qtbot.waitUntil(lambda: bob.session.unsaved == 0)
        bob.shutdown()
        bob.close()
        bobs_watcher.stop()
        other_store.close()


def test_closing_with_unsaved_decisions_asks(make_window: Any, quick_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(quick_store, 2)
    w = make_window(store=quick_store)
    first = w.session.current
    asked: list[tuple[int, str]] = []
    w.confirm_discard = lambda n, reason, kept: asked.append((n, reason, kept)) or False  # "Cancel"
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: w.session.waiting_for_retry, timeout=5000)
        assert not w.close()
        assert w.isVisible()
        assert asked and asked[0][0] == 1 and "locked" in asked[0][1]
        assert asked[0][2] is False  # no journal in this window: quitting would lose it
    finally:
        lock.release()
    w.session.retry_now()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=3000)
    assert events_for(quick_store, first.id) == 1
    assert w.close()


def test_closing_while_saving_waits_for_the_commit(make_window: Any, ui_store: Store, add_items: Any, qtbot: Any) -> None:
    add_items(ui_store, 2)
    w = make_window()
    first = w.session.current
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    w.close()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=5000)
    assert events_for(ui_store, first.id) == 1


def test_refused_by_the_store_goes_back_to_the_item_and_says_why(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the store refuses a decision the panel let through (e.g. a newer policy file), the
    reviewer is brought back to the item and told why; nothing is recorded."""
    add_items(ui_store, 2)
    w = make_window()
    first = w.session.current
    # The panel and the session check the policy first; pretend they were more lenient than the store.
    class Lenient:
        def required_fields(self, *_args: Any) -> frozenset[str]:
            return frozenset()

        def validate_decision(self, *_args: Any) -> None:
            return None

    monkeypatch.setattr(w.session, "_policy", Lenient())
    monkeypatch.setattr(w.panel, "missing_requirement", lambda: "")
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_4)  # needs a note; none given
    w.panel._refresh()
    qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.banners.text("invalid") is not None)
    assert "a note is required" in w.banners.text("invalid")
    assert w.session.current.id == first.id
    assert "a note is required" in w.panel.requirement.text()
    assert w.session.entries[-1].state == EntryState.REJECTED
    assert events_for(ui_store, first.id) == 0
