"""Unsaved decisions kept on this computer: written to the journal during an outage, saved by
the next start, never twice; closing says whether they are kept. Real SQLite files, real locks."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.journal import DecisionJournal, PendingWrite
from moderator_gui.core.store import Store
from moderator_gui.core.store.tables import decisions_t, reviewers_t
from moderator_gui.core.write_queue import EntryState
from qt_wait import drain_events
from store_helpers import WriteLock

pytestmark = pytest.mark.gui



@pytest.fixture
def journals(tmp_path: Path) -> Iterator[list[DecisionJournal]]:
    made: list[DecisionJournal] = []
    yield made
    for j in made:
        j.close()


def journal_for(store: Store, journals: list[DecisionJournal], root: Path) -> DecisionJournal:
    j = DecisionJournal.for_database(store.describe(), root)
    j.open()
    journals.append(j)
    return j


def journalled(j: DecisionJournal) -> list[dict[str, Any]]:
    return json.loads(j.path.read_text())["writes"] if j.path.exists() else []


def disk_full(*_a: Any, **_k: Any) -> bool:
    """DecisionJournal.save on a full disk."""
    raise OSError(28, "No space left on device")


def stored(store: Store, uuid: str) -> list[Any]:
    with store.read() as conn:
        return conn.execute(select(decisions_t).where(decisions_t.c.uuid == uuid)).all()



def test_an_outage_puts_the_decisions_in_the_journal_until_they_are_saved(
    make_window: Any, quick_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal]
) -> None:
    add_items(quick_store, 3)
    journal = journal_for(quick_store, journals, tmp_path / "data")
    w = make_window(store=quick_store, journal=journal)
    first = w.session.current
    table = w.queue_view.table
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(table, Qt.Key.Key_6)
        qtbot.keyClick(table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(journalled(journal)) == 1, timeout=5000)
        qtbot.waitUntil(lambda: "kept on this computer" in (w.banners.text("save") or ""), timeout=5000)
        entry = w.session.entries[-1]
        [kept] = journalled(journal)
        assert kept["decision"]["uuid"] == entry.inp.uuid and kept["external_id"] == first.external_id
        assert kept["decision"]["decided_at"] == entry.inp.decided_at.isoformat()
        assert w.session.unsaved_are_kept
        # A decision made during the outage joins the journal too.
        qtbot.keyClick(table, Qt.Key.Key_S)
        qtbot.waitUntil(lambda: len(journalled(journal)) == 2, timeout=5000)
        qtbot.waitUntil(lambda: w.session.unsaved_are_kept, timeout=5000)
        saves = []
        monkey_save = journal.save
        journal.save = lambda writes, seq=0: saves.append(seq) or monkey_save(writes, seq)  # type: ignore[method-assign]
        w.session.retry_now()  # fails again (still locked): the journal already holds exactly this
        qtbot.waitUntil(lambda: w.session.waiting_for_retry, timeout=5000)
        assert saves == [] and w.session.unsaved_are_kept
        asked: list[tuple[int, bool]] = []
        w.confirm_discard = lambda n, _reason, kept: asked.append((n, kept)) or False
        assert not w.close() and asked == [(2, True)]  # "they are kept on this computer"
    finally:
        lock.release()
    w.session.retry_now()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    qtbot.waitUntil(lambda: not journal.path.exists(), timeout=5000)  # everything saved: the journal goes
    assert [e.state for e in w.session.entries] == [EntryState.RECORDED, EntryState.RECORDED]
    [row] = stored(quick_store, entry.inp.uuid)
    assert row.decided_at.replace(tzinfo=None) == entry.inp.decided_at.replace(tzinfo=None), "saved late, dated when decided"


def test_the_next_start_saves_what_an_earlier_session_could_not_exactly_once(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal]
) -> None:
    ids = add_items(ui_store, 4)
    rows = {r.id: r for r in ui_store.queue_page(limit=10)}
    made_at = datetime.fromisoformat("2026-11-29T21:40:00+00:00")
    already = DecisionInput(ids[1], EventKind.DECIDE, "bob", "no_violation", (), decided_at=made_at)
    ui_store.record(already)  # committed before the crash, its answer lost: must not be recorded twice
    writes = [
        PendingWrite(
            DecisionInput(ids[0], EventKind.DECIDE, "bob", "cyberbullying", ("warn",), decided_at=made_at),
            rows[ids[0]].external_id,
        ),
        PendingWrite(already, rows[ids[1]].external_id),
        PendingWrite(DecisionInput(ids[2], EventKind.SKIP, "bob", decided_at=made_at), rows[ids[2]].external_id),
    ]
    gone = journal_for(ui_store, journals, tmp_path / "data")
    gone.save(writes)
    os.close(gone._lock_fd)  # that instance crashed
    gone._lock_fd = None

    journal = journal_for(ui_store, journals, tmp_path / "data")
    orphans = journal.orphans()
    w = make_window(reviewer="alice", journal=journal)
    w.session.adopt(orphans)
    assert "Saving 3 decisions made earlier" in (w.banners.text("adopted") or "")
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    assert [e.state for e in w.session.entries] == [EntryState.RECORDED] * 3
    assert [e.inp.reviewer for e in w.session.entries] == ["bob"] * 3  # recorded under who decided
    for write in writes:
        [row] = stored(ui_store, write.decision.uuid)  # exactly once, the retried one included
        assert row.decided_at.replace(tzinfo=None) == made_at.replace(tzinfo=None)
    assert ui_store.item(ids[2]).status == "skipped"
    qtbot.waitUntil(lambda: not gone.path.exists(), timeout=5000)  # the old journal is retired
    assert w.banners.text("adopted") is None
    assert journal.orphans() == []


def test_a_damaged_journal_is_reported_and_kept_aside(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal]
) -> None:
    add_items(ui_store, 2)
    gone = journal_for(ui_store, journals, tmp_path / "data")
    gone.path.write_text('{"format": 1, "writes": [{"decision": {"item_id": "x"}}]}')
    os.close(gone._lock_fd)
    gone._lock_fd = None
    journal = journal_for(ui_store, journals, tmp_path / "data")
    w = make_window(journal=journal)
    w.session.adopt(journal.orphans())
    text = w.banners.text("adopted_damaged") or ""
    assert "could not be read" in text and "entry 1" in text
    damaged = gone.path.with_name(gone.path.name + ".damaged")
    qtbot.waitUntil(damaged.exists, timeout=5000)  # kept for a person, never taken over twice
    assert not gone.path.exists() and journal.orphans() == []


def test_when_the_journal_cannot_be_written_the_reviewer_is_told_not_to_quit(
    make_window: Any,
    quick_store: Store,
    add_items: Any,
    qtbot: Any,
    tmp_path: Path,
    journals: list[DecisionJournal],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_items(quick_store, 2)
    journal = journal_for(quick_store, journals, tmp_path / "data")

    monkeypatch.setattr(journal, "save", disk_full)
    w = make_window(store=quick_store, journal=journal)
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "only in memory" in (w.banners.text("save") or ""), timeout=5000)
        assert "No space left on device" in w.banners.text("save") and "do not quit" in w.banners.text("save")
        assert not w.session.unsaved_are_kept
        asked: list[bool] = []
        w.confirm_discard = lambda _n, _reason, kept: asked.append(kept) or False
        assert not w.close() and asked == [False]  # "they will be lost"
    finally:
        lock.release()
    w.session.retry_now()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)


def orphan_journal(store: Store, journals: list[DecisionJournal], root: Path, writes: list[PendingWrite]) -> DecisionJournal:
    """The journal an instance left when it crashed with ``writes`` unsaved."""
    gone = journal_for(store, journals, root)
    gone.save(writes)
    os.close(gone._lock_fd)  # type: ignore[arg-type]
    gone._lock_fd = None
    return gone


def test_an_undo_from_an_earlier_session_keeps_its_reviewer_and_time_and_is_not_undoable_again(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal]
) -> None:
    (item,) = add_items(ui_store, 1)
    decided = ui_store.record(DecisionInput(item, EventKind.DECIDE, "bob", "cyberbullying", ("warn",)))
    undone_at = datetime.fromisoformat("2026-11-29T22:05:00+00:00")
    undo = PendingWrite(
        DecisionInput(item, EventKind.DECIDE, "bob", "cyberbullying", ("warn",), uuid=decided.uuid),
        "dy-7", "9b2c7e0a-3f41-4c6d-8a57-1e2f3a4b5c6d", "bob", undone_at,
    )
    gone = orphan_journal(ui_store, journals, tmp_path / "data", [undo])
    journal = journal_for(ui_store, journals, tmp_path / "data")
    w = make_window(reviewer="alice", journal=journal, wait_for_item=False)
    w.session.adopt(journal.orphans())
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    [ev] = [h for h in ui_store.item_history(item) if h.uuid == decided.uuid]
    assert ev.reverted
    with ui_store.read() as conn:
        kind, when, who = conn.execute(
            select(decisions_t.c.kind, decisions_t.c.decided_at, reviewers_t.c.name)
            .join(reviewers_t, reviewers_t.c.id == decisions_t.c.reviewer_id)
            .where(decisions_t.c.uuid == undo.revert_uuid)
        ).one()
    assert (kind, who) == ("revert", "bob"), "undone by bob, not by alice who saved it"
    assert when.replace(tzinfo=None) == undone_at.replace(tzinfo=None)
    # Alice's Ctrl+Z is hers: it does not undo what bob did in his session.
    assert w.session.undo() == "Nothing to undo in this session."
    qtbot.waitUntil(lambda: not gone.path.exists(), timeout=5000)


def test_old_journals_stay_when_this_session_cannot_write_its_own(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Taking over must never delete the only copy: the database may still be down."""
    (item,) = add_items(ui_store, 1)
    write = PendingWrite(DecisionInput(item, EventKind.SKIP, "bob"), "dy-1")
    gone = orphan_journal(ui_store, journals, tmp_path / "data", [write])
    journal = journal_for(ui_store, journals, tmp_path / "data")

    monkeypatch.setattr(journal, "save", disk_full)
    w = make_window(journal=journal, wait_for_item=False)
    w.session.adopt(journal.orphans())
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)  # the database took it
    assert len(stored(ui_store, write.decision.uuid)) == 1
    # This session's journal could not be written: the old one must outlive that failure.
    qtbot.waitUntil(lambda: w.session._journal.error is not None)
    drain_events()
    assert gone.path.exists(), "not removed: this session's own journal was never written"


def test_a_journal_that_failed_is_tried_again_and_the_banner_says_so(
    make_window: Any, quick_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_items(quick_store, 2)
    journal = journal_for(quick_store, journals, tmp_path / "data")
    real_save = journal.save
    full = [True]

    def save(writes: Any, seq: int = 0) -> bool:
        if full[0]:
            raise OSError(28, "No space left on device")
        return real_save(writes, seq)

    monkeypatch.setattr(journal, "save", save)
    w = make_window(store=quick_store, journal=journal)
    lock = WriteLock(quick_store.engine.url.database)
    try:
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "only in memory" in (w.banners.text("save") or ""), timeout=5000)
        full[0] = False  # space was freed
        w.session.retry_now()  # fails again (still locked): this time the journal is written
        qtbot.waitUntil(lambda: "kept on this computer" in (w.banners.text("save") or ""), timeout=5000)
        assert len(journalled(journal)) == 1 and w.session.unsaved_are_kept
    finally:
        lock.release()
    w.session.retry_now()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)


@pytest.fixture
def patient_store(tmp_path: Path) -> Iterator[Store]:
    """Waits 10 s for a lock: the write hangs far longer than the journal waits."""
    s = Store.open(tmp_path / "patient.sqlite3", busy_timeout_ms=10_000)
    yield s
    s.close()


def test_a_write_that_hangs_is_kept_on_this_computer_before_it_fails(
    make_window: Any, patient_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal]
) -> None:
    add_items(patient_store, 2)
    journal = journal_for(patient_store, journals, tmp_path / "data")
    w = make_window(store=patient_store, journal=journal)
    lock = WriteLock(patient_store.engine.url.database)
    try:
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_6)
        qtbot.keyClick(w.queue_view.table, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(journalled(journal)) == 1, timeout=5000)
        assert w.session.entries[-1].state == EntryState.SAVING, "kept while the write still waits for the lock"
    finally:
        lock.release()
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=15_000)
    qtbot.waitUntil(lambda: not journal.path.exists(), timeout=5000)


def test_a_write_found_in_two_journals_is_taken_over_once(
    make_window: Any, ui_store: Store, add_items: Any, qtbot: Any, tmp_path: Path, journals: list[DecisionJournal]
) -> None:
    """A crash while taking over leaves the same write in the old journal and the new one."""
    (item,) = add_items(ui_store, 1)
    write = PendingWrite(DecisionInput(item, EventKind.SKIP, "bob"), "dy-1")
    orphan_journal(ui_store, journals, tmp_path / "data", [write])
    orphan_journal(ui_store, journals, tmp_path / "data", [write])
    journal = journal_for(ui_store, journals, tmp_path / "data")
    w = make_window(journal=journal, wait_for_item=False)
    w.session.adopt(journal.orphans())
    assert len(w.session.entries) == 1 and w.session.unsaved == 1
    qtbot.waitUntil(lambda: w.session.unsaved == 0, timeout=8000)
    assert len(stored(ui_store, write.decision.uuid)) == 1
