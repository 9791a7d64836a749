"""The write queue: the desk's decisions (and undos) on their way to the database. Qt-free.

Decisions are written in the order they were made, one at a time, so an undo never
overtakes the decision it undoes. This module is the bookkeeping and the policy of
that queue; it runs nothing itself. The UI hands the write of :meth:`WriteQueue.start`
to its writer thread (:meth:`Write.perform` is what that thread runs) and reports
the answer back with :meth:`WriteQueue.succeeded` or :meth:`WriteQueue.failed`.

* A retryable failure (locked, disk full, read-only, unreachable) keeps the write at
  the head of the queue and schedules a retry after the next delay of the backoff
  (``schedule_retry(ms)``, injected); the retry reuses the write's uuid, which makes
  it idempotent. A conflict (someone else changed the item) or a refusal drops it.
* Undo drops a write that was never tried, replaces one that failed (whether it was
  committed is unknown) by its revert, and otherwise queues a revert behind it.
* :meth:`WriteQueue.snapshot` is what the journal on disk keeps (core/journal.py).

Times: ``clock()`` (injected; monotonic milliseconds) dates the write in flight and
the retry waited for, so a test runs the whole policy without sleeping.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from moderator_gui.core.domain import DecisionInput, utcnow
from moderator_gui.core.journal import PendingWrite
from moderator_gui.core.messages import QT_TRANSLATE_NOOP, Message, catalogue
from moderator_gui.core.store import ConflictError, NotFoundError, QueueRow, RecordedEvent, Store, StoreError

catalogue({"session.adopted": QT_TRANSLATE_NOOP("Messages", "made in an earlier session, not saved then")})

# A write still unanswered after this long is kept in the journal before it fails.
SLOW_WRITE_MS = 1_000
# Retry delays after a retryable failure; the last one repeats.
BACKOFF_MS: tuple[int, ...] = (1_000, 2_000, 5_000, 10_000, 30_000)

Clock = Callable[[], float]  # monotonic milliseconds
JournalKey = tuple[tuple[str, str | None], ...]


def monotonic_ms() -> float:
    return time.monotonic() * 1000


class EntryState(StrEnum):
    SAVING = "saving"  # submitted, waiting for the commit
    RETRYING = "retrying"  # a retryable failure; kept in the write queue
    RECORDED = "recorded"  # committed
    CONFLICT = "conflict"  # someone else changed the item; nothing recorded
    REJECTED = "rejected"  # refused by the policy/store; nothing recorded
    UNDOING = "undoing"  # its revert is queued or being written
    UNDONE = "undone"  # recorded, then reverted
    CANCELLED = "cancelled"  # undone before it was ever written


@dataclass
class SessionEntry:
    """One decision of this session, as the reviewer sees it in the session history."""

    inp: DecisionInput
    external_id: str
    state: EntryState = EntryState.SAVING
    reason: Message | None = None  # why it is retried, refused, or where it came from (translated by the UI)
    made_at: datetime = field(default_factory=utcnow)
    adopted: bool = False  # made in an earlier session (found in its journal), maybe by someone else

    @property
    def message(self) -> str:
        """The reason in English ("" if none)."""
        return self.reason.render() if self.reason is not None else ""

    @property
    def undoable(self) -> bool:
        """Ctrl+Z may undo it: this session made it and it is (or will be) in force."""
        return not self.adopted and self.state in (EntryState.SAVING, EntryState.RETRYING, EntryState.RECORDED)


@dataclass(eq=False)
class Op:
    """A queued write: a decision, or the revert of one (with its own, stable uuid)."""

    entry: SessionEntry
    revert_uuid: str | None = None
    revert_reviewer: str | None = None  # who undid it, and when (an undo saved late keeps both)
    revert_at: datetime | None = None
    attempts: int = 0

    @property
    def is_revert(self) -> bool:
        return self.revert_uuid is not None

    @property
    def item_id(self) -> int:
        return self.entry.inp.item_id

    @property
    def key(self) -> tuple[str, str | None]:
        """Which write this is (a decision and its revert are two writes of one entry)."""
        return (self.entry.inp.uuid, self.revert_uuid)

    @property
    def pending(self) -> PendingWrite:
        """This write as the journal keeps it."""
        e = self.entry
        return PendingWrite(e.inp, e.external_id, self.revert_uuid, self.revert_reviewer, self.revert_at)


@dataclass(frozen=True)
class WriteResult:
    """What the writer thread brings back: the event written (None: a revert found the
    decision already undone, or never written), the item as it is now (reverts), and
    whether the decision a revert targets was never written at all."""

    event: RecordedEvent | None
    fresh: QueueRow | None = None
    never_written: bool = False


@dataclass(frozen=True)
class Write:
    """One attempt of an :class:`Op`, fixed when it starts: what the writer thread runs."""

    op: Op
    decision: DecisionInput  # (a decision: its expected head follows our own earlier writes)
    reverter: str = ""  # a revert: who undoes it (its own reviewer if it was journalled)

    def perform(self, store: Store) -> WriteResult:
        """Write it (on the writer thread: this is database I/O). Store errors propagate."""
        op = self.op
        if op.revert_uuid is None:
            return WriteResult(store.record(self.decision))
        item_id = self.decision.item_id
        try:
            ev: RecordedEvent | None = store.revert(
                self.decision.uuid, self.reverter, uuid=op.revert_uuid, decided_at=op.revert_at
            )
        except ConflictError:
            ev = None  # already undone (e.g. by an earlier attempt whose reply was lost)
        except NotFoundError:
            return WriteResult(None, store.item(item_id), True)  # the decision was never written
        return WriteResult(ev, store.item(item_id), False)


class UndoAction(StrEnum):
    CANCELLED = "cancelled"  # never tried: dropped from the queue, nothing is written
    REPLACED = "replaced"  # tried and failed (maybe committed): its revert takes its place
    APPENDED = "appended"  # in flight or recorded: its revert is queued behind


class Outcome(StrEnum):
    RETRY = "retry"  # retryable: kept at the head, retried after ``delay_ms``
    UNDO_FAILED = "undo_failed"  # a revert was refused: the decision is still in force
    CONFLICT = "conflict"  # someone else changed the item: nothing recorded
    REFUSED = "refused"  # refused by the store (or an unexpected error): nothing recorded


@dataclass(frozen=True)
class Failure:
    op: Op
    outcome: Outcome
    reason: Message
    delay_ms: int = 0  # RETRY: the retry was scheduled this far ahead
    unexpected: bool = False  # not a StoreError: a bug, worth its traceback in the log

    @property
    def message(self) -> str:
        return self.reason.render()


@dataclass(frozen=True)
class Adopted:
    """What :meth:`WriteQueue.adopt` took over: the new session entries and their writes."""

    entries: list[SessionEntry]
    ops: list[Op]


class WriteQueue:
    """The ordered pending writes, the one in flight, and the retry waited for."""

    def __init__(
        self,
        *,
        schedule_retry: Callable[[int], None],
        cancel_retry: Callable[[], None] = lambda: None,
        backoff_ms: tuple[int, ...] = BACKOFF_MS,
        clock: Clock = monotonic_ms,
        new_uuid: Callable[[], str] = lambda: str(uuid4()),
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        if not backoff_ms:
            raise ValueError("backoff_ms needs at least one delay")
        self._schedule_retry = schedule_retry
        self._cancel_retry = cancel_retry
        self._backoff = backoff_ms
        self._clock = clock
        self._new_uuid = new_uuid
        self._now = now
        self._ops: deque[Op] = deque()
        self._in_flight: Op | None = None
        self._started_at = 0.0
        self._retry_at: float | None = None  # clock time the scheduled retry is due
        self._known_head: dict[int, str | None] = {}  # heads our own writes produced
        self.last_error: Message | None = None  # the latest retryable failure's reason

    # -- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        """Writes not yet committed (queued, in flight or waiting for a retry)."""
        return len(self._ops)

    def __iter__(self) -> Iterator[Op]:
        return iter(tuple(self._ops))

    @property
    def in_flight(self) -> Op | None:
        return self._in_flight

    @property
    def waiting_for_retry(self) -> bool:
        return self._retry_at is not None

    def retry_in_ms(self) -> float | None:
        """How long until the scheduled retry is due (None: none is scheduled)."""
        return None if self._retry_at is None else max(0.0, self._retry_at - self._clock())

    def in_flight_ms(self) -> float | None:
        """How long the write in flight has been on its way (None: none is)."""
        return None if self._in_flight is None else self._clock() - self._started_at

    @property
    def ready(self) -> bool:
        """A write can start now: none in flight, one queued, no retry waited for."""
        return self._in_flight is None and bool(self._ops) and self._retry_at is None

    def has_item(self, item_id: int) -> bool:
        """A write of this item is still queued (the queue row reads "saving…")."""
        return any(op.item_id == item_id for op in self._ops)

    def snapshot(self) -> list[PendingWrite]:
        """The pending writes as the journal keeps them, in order."""
        return [op.pending for op in self._ops]

    def journal_key(self) -> JournalKey:
        """Which writes are pending: equal keys, equal snapshots (a save may be skipped)."""
        return tuple(op.key for op in self._ops)

    # -- adding ------------------------------------------------------------------------------
    def add(self, entry: SessionEntry) -> Op:
        """Queue the write of a new decision."""
        op = Op(entry)
        self._ops.append(op)
        return op

    def adopt(self, writes: Iterable[PendingWrite]) -> Adopted:
        """Queue writes taken over from journals of earlier sessions, each once (a crash while
        taking over leaves a write in two journals); an undo queued behind its own decision
        shares its entry. The entries are ``adopted``: not this reviewer's to undo."""
        seen: set[tuple[str, str | None]] = set()
        by_uuid: dict[str, SessionEntry] = {}
        adopted = Adopted([], [])
        for w in writes:
            if (w.decision.uuid, w.revert_uuid) in seen:
                continue
            seen.add((w.decision.uuid, w.revert_uuid))
            entry = by_uuid.get(w.decision.uuid)
            if entry is None:
                entry = SessionEntry(
                    w.decision,
                    w.external_id,
                    reason=Message.of("session.adopted"),
                    made_at=w.decision.decided_at or self._now(),
                    adopted=True,
                )
                by_uuid[w.decision.uuid] = entry
                adopted.entries.append(entry)
            if w.revert_uuid is not None:
                entry.state = EntryState.UNDOING
            op = Op(entry, w.revert_uuid, w.revert_reviewer, w.reverted_at)
            self._ops.append(op)
            adopted.ops.append(op)
        return adopted

    def undo(self, entry: SessionEntry, reviewer: str) -> UndoAction:
        """Undo ``entry`` (a decision of this session still in force) as ``reviewer``, now."""
        queued = next((op for op in self._ops if op.entry is entry and op.revert_uuid is None), None)
        if queued is not None and self._in_flight is not queued and queued.attempts == 0:
            # Never tried: drop it instead of writing and reverting it.
            self._ops.remove(queued)
            entry.state = EntryState.CANCELLED
            return UndoAction.CANCELLED
        entry.state = EntryState.UNDOING
        revert = Op(entry, revert_uuid=self._new_uuid(), revert_reviewer=reviewer, revert_at=self._now())
        if queued is not None and self._in_flight is not queued:
            # Tried and waiting for a retry: a retryable failure can come after a COMMIT that did
            # succeed, so whether it was written is unknown. Stop retrying it and queue its revert
            # in its place: it undoes the decision if it was written, else finds nothing (cancelled).
            self._ops[self._ops.index(queued)] = revert
            return UndoAction.REPLACED
        self._ops.append(revert)  # (a second Ctrl+Z undoes the decision before this one)
        return UndoAction.APPENDED

    # -- writing -----------------------------------------------------------------------------
    def drop_needless_revert(self) -> Op | None:
        """If the next write is the revert of a decision that never got recorded (it met a
        conflict or a refusal, or was cancelled), drop it: there is nothing to revert."""
        if not self.ready:
            return None
        op = self._ops[0]
        if op.revert_uuid is not None and op.entry.state in (EntryState.CONFLICT, EntryState.REJECTED, EntryState.CANCELLED):
            self._ops.popleft()
            return op
        return None

    def start(self, reviewer: str) -> Write | None:
        """Mark the next write in flight and return it (None if none may start now). A
        decision expects the item's head our own earlier write produced, if any; a revert
        without a journalled reviewer is ``reviewer``'s."""
        if not self.ready:
            return None
        op = self._ops[0]
        inp = op.entry.inp
        if op.revert_uuid is None and inp.item_id in self._known_head:
            inp = replace(inp, expected_head=self._known_head[inp.item_id])
        self._in_flight = op
        self._started_at = self._clock()
        op.attempts += 1
        return Write(op, inp, op.revert_reviewer or reviewer)

    def succeeded(self, result: WriteResult) -> Op:
        """The write in flight was committed (or, a revert, found nothing to undo)."""
        op = self._finish()
        entry = op.entry
        if op.revert_uuid is not None:
            entry.state = EntryState.CANCELLED if result.never_written else EntryState.UNDONE
            assert result.fresh is not None
            self._known_head[op.item_id] = result.fresh.head_event
        else:
            assert result.event is not None
            if entry.state != EntryState.UNDOING:  # an undo queued meanwhile keeps its state
                entry.state = EntryState.RECORDED
            self._known_head[op.item_id] = result.event.uuid
        return op

    def failed(self, exc: BaseException) -> Failure:
        """The write in flight failed: retry it later, or drop it (conflict, refusal)."""
        op = self._in_flight
        assert op is not None
        entry = op.entry
        if isinstance(exc, StoreError) and exc.retryable:
            self._in_flight = None
            if op.revert_uuid is None and entry.state != EntryState.UNDOING:
                # An undo stays "undoing" while it (or the decision it waits for) is retried.
                entry.state = EntryState.RETRYING
            entry.reason = self.last_error = exc.msg
            delay = self.backoff_delay(op.attempts)
            self._retry_at = self._clock() + delay
            self._schedule_retry(delay)
            return Failure(op, Outcome.RETRY, exc.msg, delay)
        self._finish()
        reason = exc.msg if isinstance(exc, StoreError) else Message.of("generic.text", text=repr(exc))
        entry.reason = reason
        if op.revert_uuid is not None:
            entry.state = EntryState.RECORDED  # the decision is still in force
            outcome = Outcome.UNDO_FAILED
        elif isinstance(exc, ConflictError):
            entry.state = EntryState.CONFLICT
            outcome = Outcome.CONFLICT
        else:
            entry.state = EntryState.REJECTED
            outcome = Outcome.REFUSED
        return Failure(op, outcome, reason, unexpected=not isinstance(exc, StoreError))

    def backoff_delay(self, attempts: int) -> int:
        """The wait before the next try of a write that failed ``attempts`` times (the last delay repeats)."""
        return self._backoff[min(max(attempts, 1) - 1, len(self._backoff) - 1)]

    def cancel_retry(self) -> None:
        """Wait no longer for the scheduled retry (it is due, the reviewer asked for it now,
        or the desk shuts down): the next write may start."""
        if self._retry_at is not None:
            self._retry_at = None
            self._cancel_retry()

    def forget_head(self, item_id: int) -> None:
        """The item was read afresh from the database: its head is known from there."""
        self._known_head.pop(item_id, None)

    def _finish(self) -> Op:
        op = self._in_flight
        assert op is not None and self._ops and self._ops[0] is op
        self._ops.popleft()
        self._in_flight = None
        return op
