"""This desk's claims: the item on screen and the next few, held while the desk is open.

* At start, and after each of this desk's decisions, it tops its claims up to
  ``CLAIM_AHEAD`` items in queue order (``Store.claim_next``: one statement), so the
  item Enter moves to is already this reviewer's and showing it writes nothing.
* An item the reviewer moves to (J/K, a click, an undo) that nobody holds is claimed;
  if someone else turns out to hold it, the desk moves on (the desk never offers an
  item someone else holds: it stays visible, read-only).
* A heartbeat (a third of the lease) renews the claims and says the desk is online.
  A desk that is killed stops renewing: its items return to everyone after one lease.
* Closing the desk gives its claims back at once.

Claims are writes: they run on a thread of their own, never behind (or ahead of) the
decision writer, and never on the GUI thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from moderator_gui.core.domain import OPEN_STATUSES, utcnow
from moderator_gui.core.store import CLAIM_AHEAD, DEFAULT_LEASE_S, QueueRow, RecordedEvent, Store
from moderator_gui.core.team_overview import heartbeat_ms
from moderator_gui.ui.tasks import SerialWorker

log = logging.getLogger(__name__)


class ClaimKeeper(QObject):
    taken = Signal(int)  # an item this desk wanted is held by someone else (the desk moves on)

    def __init__(
        self,
        store: Store,
        reviewer: str,
        parent: QObject | None = None,
        *,
        ahead: int = CLAIM_AHEAD,
        pending: Callable[[], set[int]] = set,
    ) -> None:
        super().__init__(parent)
        self._pending = pending  # items this desk still has writes of: never claimed ahead
        self._store = store
        self._reviewer = reviewer
        self._ahead = ahead
        self._desk_id = str(uuid.uuid4())
        self._held: set[int] = set()
        self._lease_s = DEFAULT_LEASE_S
        self._stopped = False
        self._worker = SerialWorker(self, name="claims")
        self._heartbeat = QTimer(self)
        self._heartbeat.timeout.connect(self._beat)

    @property
    def held(self) -> frozenset[int]:
        return frozenset(self._held)

    def start(self) -> None:
        store, me, desk, ahead = self._store, self._reviewer, self._desk_id, self._ahead

        def first() -> tuple[int, list[int]]:
            lease = store.lease_seconds()
            store.heartbeat(desk, me)
            return lease, store.claim_next(me, ahead, lease_s=lease)

        self._worker.run(first, on_done=self._started, on_error=self._failed, label="claims")

    def _started(self, result: tuple[int, list[int]]) -> None:
        self._lease_s, ids = result
        self._held.update(ids)
        self._heartbeat.start(heartbeat_ms(self._lease_s))

    def _failed(self, exc: BaseException) -> None:
        # The server is away (or refused): the next heartbeat or decision tries again, and
        # the store refuses a decision on an item someone else holds whatever happens here.
        log.warning("claims: %s", getattr(exc, "message", exc))

    def _beat(self) -> None:
        store, me, desk, lease = self._store, self._reviewer, self._desk_id, self._lease_s

        def beat() -> int:
            store.heartbeat(desk, me)
            return store.renew_claims(me, lease_s=lease)

        self._worker.run(beat, on_error=self._failed, label="heartbeat")

    def top_up(self, _ev: RecordedEvent | None = None) -> None:
        """After a decision of this desk: hold the next items again."""
        if self._stopped:
            return
        if _ev is not None:
            self._held.discard(_ev.item_id)
        store, me, ahead, lease, busy = self._store, self._reviewer, self._ahead, self._lease_s, self._pending()
        self._worker.run(
            lambda: store.claim_next(me, ahead, lease_s=lease, exclude=busy),
            on_done=self._held.update,
            on_error=self._failed,
            label="claim",
        )

    def showing(self, row: QueueRow | None) -> None:
        """The desk shows ``row``: hold it, unless it is held already (by us: nothing to write)."""
        if self._stopped or row is None or row.status not in OPEN_STATUSES or row.id in self._held:
            return
        if row.id in self._pending():
            return  # this desk is saving a decision on it
        if row.claimed_by == self._reviewer and (row.claim_expires is None or row.claim_expires > utcnow()):
            self._held.add(row.id)
            return
        if row.claimed_by is not None and (row.claim_expires is None or row.claim_expires > utcnow()):
            return  # someone else's: shown read-only
        store, me, lease, item = self._store, self._reviewer, self._lease_s, row.id

        def claimed(ok: bool) -> None:
            if ok:
                self._held.add(item)
            else:
                self.taken.emit(item)

        self._worker.run(lambda: store.claim(me, item, lease_s=lease), on_done=claimed, on_error=self._failed, label="claim")

    def release_then(self, items: list[int], then: Callable[[], None]) -> None:
        """Give this desk's claims on ``items`` back, then call ``then`` (on the GUI thread)."""
        self._held.difference_update(items)
        store, me = self._store, self._reviewer
        self._worker.run(
            lambda: store.release_claims(me, items), on_done=lambda _n: then(), on_error=lambda _e: then(), label="release"
        )

    def shutdown(self, timeout_ms: int = 5_000) -> None:
        """Give this desk's claims back (the items return to everyone now, not after a lease)."""
        if self._stopped:
            return
        self._stopped = True
        self._heartbeat.stop()
        store, me, desk = self._store, self._reviewer, self._desk_id

        def leave() -> None:
            store.release_claims(me)
            store.desk_closed(desk)

        self._worker.run(leave, on_error=self._failed, label="release")
        self._worker.shutdown(timeout_ms)
