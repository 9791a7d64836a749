"""The write queue (core/write_queue.py) without Qt: order, retries with backoff on a fake
clock (no sleeping), undo, conflicts and refusals, and what the journal keeps. The last
tests run its writes against a real database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from factories import make_item
from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.journal import PendingWrite
from moderator_gui.core.messages import Message
from moderator_gui.core.store import (
    ConflictError,
    DatabaseLockedError,
    DiskFullError,
    InvalidDecisionError,
    StorageUnavailableError,
    Store,
)
from moderator_gui.core.write_queue import (
    BACKOFF_MS,
    EntryState,
    Op,
    Outcome,
    SessionEntry,
    UndoAction,
    Write,
    WriteQueue,
    WriteResult,
)

NOW = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
LOCKED = Message.of("store.locked").render()


class FakeClock:
    def __init__(self) -> None:
        self.ms = 10_000.0

    def __call__(self) -> float:
        return self.ms

    def advance(self, ms: float) -> None:
        self.ms += ms


class Harness:
    """A queue on a fake clock, recording the retries it schedules and cancels."""

    def __init__(self, **kw: Any) -> None:
        self.clock = FakeClock()
        self.scheduled: list[int] = []
        self.cancelled = 0
        ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
        self.q = WriteQueue(
            schedule_retry=self.scheduled.append,
            cancel_retry=self._cancel,
            clock=self.clock,
            new_uuid=lambda: next(ids),
            now=lambda: NOW,
            **kw,
        )

    def _cancel(self) -> None:
        self.cancelled += 1

    def decide(self, item_id: int = 1, kind: EventKind = EventKind.DECIDE) -> SessionEntry:
        entry = SessionEntry(
            DecisionInput(item_id, kind, "alice", "cyberbullying" if kind == EventKind.DECIDE else None), f"dy-{item_id}"
        )
        self.q.add(entry)
        return entry

    def start(self) -> Write:
        write = self.q.start("alice")
        assert write is not None
        return write


def recorded(uuid: str) -> WriteResult:
    return WriteResult(SimpleNamespace(uuid=uuid))  # type: ignore[arg-type]


def reverted(head: str | None, *, never_written: bool = False) -> WriteResult:
    return WriteResult(None, SimpleNamespace(head_event=head), never_written)  # type: ignore[arg-type]


def test_writes_go_one_at_a_time_in_the_order_they_were_made() -> None:
    h = Harness()
    a, b = h.decide(1), h.decide(2)
    assert len(h.q) == 2 and h.q.ready
    first = h.start()
    assert first.op.entry is a and first.op.attempts == 1
    assert h.q.in_flight is first.op and not h.q.ready and h.q.start("alice") is None
    h.clock.advance(250)
    assert h.q.in_flight_ms() == 250
    assert h.q.succeeded(recorded("ev-a")) is first.op
    assert a.state == EntryState.RECORDED and len(h.q) == 1 and h.q.in_flight is None
    assert h.start().op.entry is b


def test_backoff_sequence_its_cap_and_the_clock() -> None:
    h = Harness()
    entry = h.decide()
    delays = []
    for _ in range(len(BACKOFF_MS) + 2):
        h.start()
        failure = h.q.failed(DatabaseLockedError("store.locked"))
        assert failure.outcome == Outcome.RETRY and failure.message == LOCKED
        delays.append(failure.delay_ms)
        assert h.q.waiting_for_retry and not h.q.ready
        assert h.q.start("alice") is None, "nothing starts while the retry is waited for"
        assert h.q.retry_in_ms() == failure.delay_ms
        h.clock.advance(failure.delay_ms / 2)
        assert h.q.retry_in_ms() == failure.delay_ms / 2
        h.q.cancel_retry()  # the timer fired
        assert not h.q.waiting_for_retry and h.q.retry_in_ms() is None
    assert delays == [1_000, 2_000, 5_000, 10_000, 30_000, 30_000, 30_000]
    assert h.scheduled == delays and h.cancelled == len(delays)
    assert entry.state == EntryState.RETRYING and entry.message == LOCKED and h.q.last_error == Message.of("store.locked")
    assert len(h.q) == 1, "a retryable failure keeps the write"


def test_a_custom_backoff_repeats_its_last_delay() -> None:
    h = Harness(backoff_ms=(5, 50))
    assert [h.q.backoff_delay(n) for n in (1, 2, 3, 9)] == [5, 50, 50, 50]
    with pytest.raises(ValueError, match="backoff_ms needs at least one delay"):
        WriteQueue(schedule_retry=lambda _ms: None, backoff_ms=())


def test_a_retry_writes_the_same_decision_under_the_same_uuid() -> None:
    h = Harness()
    entry = h.decide()
    first = h.start()
    h.q.failed(DiskFullError("store.disk_full"))
    h.q.cancel_retry()
    again = h.start()
    assert again.decision.uuid == first.decision.uuid == entry.inp.uuid
    assert again.decision == first.decision and again.op is first.op and again.op.attempts == 2
    h.q.succeeded(recorded(entry.inp.uuid))
    assert entry.state == EntryState.RECORDED and len(h.q) == 0


def test_cancel_retry_when_none_is_waited_for_does_nothing() -> None:
    h = Harness()
    h.q.cancel_retry()
    assert h.cancelled == 0


def test_undo_of_a_write_never_tried_cancels_it() -> None:
    h = Harness()
    a, b = h.decide(1), h.decide(2)
    h.start()  # a is in flight; b waits behind it
    assert h.q.undo(b, "alice") == UndoAction.CANCELLED
    assert b.state == EntryState.CANCELLED and not b.undoable
    assert len(h.q) == 1 and not h.q.has_item(2)
    h.q.succeeded(recorded("ev-a"))
    assert len(h.q) == 0 and a.state == EntryState.RECORDED


def test_undo_of_a_failed_write_replaces_it_by_its_revert() -> None:
    """Whether a write that failed retryably was committed is unknown: its revert takes its place."""
    h = Harness()
    a, b = h.decide(1), h.decide(2)
    h.start()
    h.q.failed(DatabaseLockedError("store.locked"))
    assert h.q.undo(a, "bob") == UndoAction.REPLACED
    assert a.state == EntryState.UNDOING and not a.undoable
    ops = list(h.q)
    assert len(ops) == 2 and ops[0].entry is a and ops[0].is_revert and ops[1].entry is b
    assert (ops[0].revert_uuid, ops[0].revert_reviewer, ops[0].revert_at) == ("00000000-0000-4000-8000-000000000001", "bob", NOW)
    assert not any(op.entry is a and not op.is_revert for op in ops), "the decision itself is not retried"
    h.q.cancel_retry()
    revert = h.start()
    assert revert.op is ops[0] and revert.reverter == "bob" and revert.decision.uuid == a.inp.uuid
    assert revert.op.attempts == 1


def test_undo_of_a_recorded_decision_appends_its_revert() -> None:
    h = Harness()
    a = h.decide(1)
    h.start()
    h.q.succeeded(recorded("ev-a"))
    assert h.q.undo(a, "alice") == UndoAction.APPENDED
    assert a.state == EntryState.UNDOING and h.q.has_item(1)
    revert = h.start()
    assert revert.op.is_revert and revert.reverter == "alice"
    h.q.succeeded(reverted("ev-before"))
    assert a.state == EntryState.UNDONE and len(h.q) == 0


def test_undo_of_the_write_in_flight_queues_a_revert_and_keeps_undoing_through_its_retry() -> None:
    h = Harness()
    a = h.decide(1)
    h.start()
    assert h.q.undo(a, "alice") == UndoAction.APPENDED
    assert len(h.q) == 2 and h.q.in_flight is not None and not h.q.in_flight.is_revert
    h.q.failed(DatabaseLockedError("store.locked"))
    assert a.state == EntryState.UNDOING, "an undo stays 'undoing' while its decision is retried"
    h.q.cancel_retry()
    h.start()
    h.q.succeeded(recorded(a.inp.uuid))
    assert a.state == EntryState.UNDOING, "recorded, but its undo is still queued"
    h.start()
    h.q.failed(StorageUnavailableError("store.unreachable", detail="no route to host"))
    assert a.state == EntryState.UNDOING, "a revert that waits for its retry is still undoing"


def test_a_conflict_records_nothing_and_is_dropped() -> None:
    h = Harness()
    a, b = h.decide(1), h.decide(2)
    h.start()
    failure = h.q.failed(ConflictError("conflict.changed_by", reviewer="bob", kind="decide", when="2026-11-20 09:00"))
    assert failure.outcome == Outcome.CONFLICT and failure.op.entry is a and not failure.unexpected
    assert a.state == EntryState.CONFLICT and a.message == failure.message and not a.undoable
    assert h.scheduled == [] and not h.q.waiting_for_retry
    assert [op.entry for op in h.q] == [b] and h.q.ready


def test_a_refusal_and_an_unexpected_error_record_nothing() -> None:
    h = Harness()
    a, b = h.decide(1), h.decide(2)
    h.start()
    refused = h.q.failed(InvalidDecisionError("policy.note_required", labels="Report to authorities"))
    assert (refused.outcome, a.state, refused.unexpected) == (Outcome.REFUSED, EntryState.REJECTED, False)
    h.start()
    bug = RuntimeError("boom")
    failure = h.q.failed(bug)
    assert (failure.outcome, b.state, failure.unexpected) == (Outcome.REFUSED, EntryState.REJECTED, True)
    assert failure.message == b.message == repr(bug)
    assert len(h.q) == 0 and h.scheduled == []


def test_a_refused_undo_leaves_the_decision_in_force() -> None:
    h = Harness()
    a = h.decide(1)
    h.start()
    h.q.succeeded(recorded("ev-a"))
    h.q.undo(a, "alice")
    h.start()
    failure = h.q.failed(InvalidDecisionError("invalid.undo_an_undo"))
    assert failure.outcome == Outcome.UNDO_FAILED and a.state == EntryState.RECORDED and a.undoable


def test_the_revert_of_a_decision_that_met_a_conflict_is_dropped_unwritten() -> None:
    h = Harness()
    a = h.decide(1)
    h.start()
    h.q.undo(a, "alice")  # queued behind the decision in flight
    h.q.failed(ConflictError("conflict.changed"))
    assert a.state == EntryState.CONFLICT and len(h.q) == 1
    dropped = h.q.drop_needless_revert()
    assert dropped is not None and dropped.entry is a and dropped.is_revert
    assert len(h.q) == 0 and h.q.drop_needless_revert() is None


def test_a_revert_is_not_dropped_while_its_decision_may_be_written() -> None:
    h = Harness()
    a = h.decide(1)
    h.start()
    h.q.succeeded(recorded("ev-a"))
    h.q.undo(a, "alice")
    assert h.q.drop_needless_revert() is None and len(h.q) == 1


def test_the_revert_of_a_decision_that_was_never_written_cancels_it() -> None:
    """The decision failed retryably before its COMMIT; its revert finds nothing to undo."""
    h = Harness()
    a = h.decide(1)
    h.start()
    h.q.failed(DatabaseLockedError("store.locked"))
    h.q.undo(a, "alice")
    h.q.cancel_retry()
    h.start()
    h.q.succeeded(reverted(None, never_written=True))
    assert a.state == EntryState.CANCELLED and len(h.q) == 0


def test_a_decision_expects_the_head_our_own_last_write_made() -> None:
    h = Harness()
    h.decide(1)
    h.start()
    h.q.succeeded(recorded("ev-1"))
    b = h.decide(1)  # the same item again (after an undo, say): made while ev-1 was not known yet
    assert b.inp.expected_head is None
    assert h.start().decision.expected_head == "ev-1"
    h.q.failed(DatabaseLockedError("store.locked"))
    h.q.forget_head(1)  # the item was read afresh: its head is the database's
    h.q.cancel_retry()
    assert h.start().decision.expected_head is None


def test_the_journal_snapshot_and_its_key() -> None:
    h = Harness()
    assert h.q.snapshot() == [] and h.q.journal_key() == ()
    a, b = h.decide(1), h.decide(2, EventKind.SKIP)
    key = h.q.journal_key()
    assert key == ((a.inp.uuid, None), (b.inp.uuid, None))
    assert h.q.snapshot() == [PendingWrite(a.inp, "dy-1"), PendingWrite(b.inp, "dy-2")]
    h.start()
    h.q.failed(DatabaseLockedError("store.locked"))
    assert h.q.journal_key() == key, "a failed retry changes nothing the journal keeps: the save can be skipped"
    h.q.undo(a, "bob")
    revert_uuid = "00000000-0000-4000-8000-000000000001"
    assert h.q.journal_key() == ((a.inp.uuid, revert_uuid), (b.inp.uuid, None))
    assert h.q.snapshot()[0] == PendingWrite(a.inp, "dy-1", revert_uuid, "bob", NOW)
    h.q.cancel_retry()
    h.start()
    h.q.succeeded(reverted(None, never_written=True))
    assert h.q.journal_key() == ((b.inp.uuid, None),)


def test_adopted_writes_are_taken_over_once_and_are_not_this_reviewers_to_undo() -> None:
    h = Harness()
    made = datetime(2026, 11, 29, 21, 40, tzinfo=UTC)
    d1 = DecisionInput(1, EventKind.DECIDE, "bob", "cyberbullying", ("warn",), decided_at=made)
    d2 = DecisionInput(2, EventKind.SKIP, "bob")  # (no time: an old journal) -> now
    undo1 = PendingWrite(d1, "dy-1", "9b2c7e0a-3f41-4c6d-8a57-1e2f3a4b5c6d", "bob", made)
    found = [PendingWrite(d1, "dy-1"), undo1, PendingWrite(d2, "dy-2"), PendingWrite(d1, "dy-1"), undo1]  # two journals
    adopted = h.q.adopt(found)
    assert [e.inp for e in adopted.entries] == [d1, d2]
    assert [op.key for op in adopted.ops] == [(d1.uuid, None), (d1.uuid, undo1.revert_uuid), (d2.uuid, None)]
    assert adopted.ops[0].entry is adopted.ops[1].entry, "an undo queued behind its own decision shares its entry"
    e1, e2 = adopted.entries
    assert (e1.state, e1.made_at, e1.adopted) == (EntryState.UNDOING, made, True)
    assert (e2.state, e2.made_at) == (EntryState.SAVING, NOW)
    assert not e1.undoable and not e2.undoable
    assert h.q.snapshot() == [PendingWrite(d1, "dy-1"), undo1, PendingWrite(d2, "dy-2")]
    first = h.start()
    assert first.op is adopted.ops[0] and first.decision == d1, "saved as bob made it"


def test_an_adopted_undo_is_written_by_whoever_undid_it() -> None:
    h = Harness()
    d = DecisionInput(1, EventKind.DECIDE, "bob", "cyberbullying")
    h.q.adopt([PendingWrite(d, "dy-1", "9b2c7e0a-3f41-4c6d-8a57-1e2f3a4b5c6d", "carol", NOW)])
    write = h.q.start("alice")
    assert write is not None and write.reverter == "carol" and write.op.revert_at == NOW


# -- the writes themselves, on a real database (what the writer thread runs) -----------------


def test_perform_records_reverts_and_says_when_there_was_nothing_to_revert(store: Store) -> None:
    item = make_item(store)
    h = Harness()
    entry = SessionEntry(DecisionInput(item, EventKind.DECIDE, "alice", "cyberbullying", ("warn",)), "dy-1")
    h.q.add(entry)
    result = h.start().perform(store)
    assert result.event is not None and result.event.uuid == entry.inp.uuid and not result.never_written
    h.q.succeeded(result)
    h.q.undo(entry, "bob")
    undo = h.start()
    result = undo.perform(store)
    assert result.event is not None and result.event.reverts == entry.inp.uuid and result.event.reviewer == "bob"
    assert (
        result.fresh is not None and result.fresh.status == "pending" and result.fresh.head_event is None
    )  # (back to no decision)
    again = undo.perform(store)  # a retry after a lost reply: the same revert, recorded once
    assert again.event == result.event
    other = Write(Op(entry, revert_uuid="9b2c7e0a-3f41-4c6d-8a57-1e2f3a4b5c6d"), entry.inp, "carol").perform(store)
    assert other.event is None and not other.never_written, "already undone (by another revert): nothing more to write"
    assert other.fresh == result.fresh
    h.q.succeeded(result)
    assert entry.state == EntryState.UNDONE

    never = SessionEntry(DecisionInput(item, EventKind.SKIP, "alice"), "dy-1")
    h.q.add(never)
    h.start()
    h.q.failed(DatabaseLockedError("store.locked"))  # (as if the COMMIT never happened)
    h.q.undo(never, "alice")
    h.q.cancel_retry()
    result = h.start().perform(store)
    assert result.event is None and result.never_written and result.fresh is not None
    h.q.succeeded(result)
    assert never.state == EntryState.CANCELLED


def test_perform_lets_a_conflict_through(store: Store) -> None:
    item = make_item(store)
    store.record(DecisionInput(item, EventKind.DECIDE, "bob", "porn_violence"))
    h = Harness()
    h.q.add(SessionEntry(DecisionInput(item, EventKind.DECIDE, "alice", "cyberbullying", expected_head=None), "dy-1"))
    write = h.start()
    with pytest.raises(ConflictError) as caught:
        write.perform(store)
    assert h.q.failed(caught.value).outcome == Outcome.CONFLICT
