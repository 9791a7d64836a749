"""Deciding a cluster at once (Shift+Enter), and undoing that batch (Ctrl+Z right after).

The chosen category and actions are recorded for the item shown and every undecided item
with its picture that nobody else holds (the context panel read them): one event per
item, all in one transaction (``Store.record_batch``), on the session's writer thread
after the decisions queued before it. A confirmation says how many items first (Enter
records, Esc cancels). The batch is acknowledged only once its transaction committed;
if it is refused (a conflict, a claim, the policy), nothing was recorded and a banner says
why — the items stay in the queue. If it fails for a reason that may pass (the database
locked, full, unreachable), its decisions are not lost: they become the session's own
writes, each kept in the journal and retried on its own under its uuid, as a single
decision would be (``ReviewSession.keep_writing``). ``Ctrl+Z`` before any other decision
undoes the whole batch, again in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from moderator_gui.core.decision_builder import make_decision, refusal
from moderator_gui.core.domain import DecisionInput, EventKind, utcnow
from moderator_gui.core.policy import Policy
from moderator_gui.core.store import ClusterMember, ItemCluster, QueueRow, Store, StoreError
from moderator_gui.ui.message_text import message_text
from moderator_gui.ui.review_session import ReviewSession


@dataclass(frozen=True)
class Batch:
    writes: tuple[tuple[DecisionInput, str], ...]  # each item's decision, and the item's external id
    category: str

    @property
    def inputs(self) -> tuple[DecisionInput, ...]:
        return tuple(inp for inp, _external_id in self.writes)


class ClusterBatch(QObject):
    banner = Signal(str, str, object)  # key, level, text function (as the session's)
    finished = Signal()  # a batch or its undo was answered: committed, refused or failed

    def __init__(self, store: Store, session: ReviewSession, policy: Policy, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._session = session
        self._policy = policy
        self._last: Batch | None = None  # the last batch recorded, while Ctrl+Z may undo it
        self._entries_at = 0  # the session's decisions when it was recorded
        self.busy = False

    def members(self, row: QueueRow, cluster: ItemCluster | None) -> list[ClusterMember]:
        """The other items a cluster decision would record: undecided, held by nobody else, not being saved here."""
        if cluster is None:
            return []
        me = self._session.reviewer
        pending = self._session.pending_items()
        return [m for m in cluster.undecided if m.id != row.id and m.held_by in (None, me) and m.id not in pending]

    def refusal(
        self,
        row: QueueRow | None,
        members: list[ClusterMember],
        category: str | None,
        actions: tuple[str, ...],
        note: str,
        *,
        read: bool = True,
    ) -> str | None:
        """Why the cluster cannot be decided now (shown at the decision panel), or None.
        ``read``: the other items with this picture have been read (the context panel reads them)."""
        if self.busy:
            return self.tr("The previous batch is still being saved.")
        s = self._session
        saving = row is not None and row.id in s.pending_items()
        why = refusal(
            self._policy, EventKind.DECIDE, category, actions, note, item=row, saving=saving, lang=s.lang,
            viewer=s.reviewer, lead=s.lead,
        )  # fmt: skip
        if why is not None:
            return message_text(why)
        if not read:
            return self.tr("Still reading the other items with this picture: try again in a moment.")
        if not members:
            return self.tr("No other undecided item has this picture: Enter records this one.")
        return None

    def record(
        self, row: QueueRow, members: list[ClusterMember], category: str, actions: tuple[str, ...], note: str
    ) -> None:
        """Record the batch (confirmed by the reviewer) and move on to the next item."""
        s = self._session
        first = make_decision(row, EventKind.DECIDE, category, actions, note, reviewer=s.reviewer, time_spent_ms=s.shown_ms())
        now = first.decided_at or utcnow()
        rest = [
            DecisionInput(
                item_id=m.id, kind=EventKind.DECIDE, reviewer=s.reviewer, category=category, actions=actions,
                note=first.note, expected_head=m.head_event, decided_at=now,
            )
            for m in members
        ]  # fmt: skip
        ids = (row.external_id, *(m.external_id for m in members))
        batch = Batch(tuple(zip((first, *rest), ids, strict=True)), category)
        self._last = None
        self.busy = True
        store = self._store
        self._mark(batch, "saving")  # the rows say so, and Enter's "next item" passes them by
        s.run_batch(
            lambda: store.record_batch(batch.inputs), lambda _n: self._recorded(batch), lambda e: self._not_recorded(batch, e)
        )
        s.advance()

    def _mark(self, batch: Batch, state: str | None) -> None:
        """The rows of the batch's items read ``state`` ("saving"), or (None) what they are, which
        is still "saving" for an item with a write of this session's own queued."""
        pending = self._session.pending_items() if state is None else set()
        for inp in batch.inputs:
            self._session.local_state_changed.emit(inp.item_id, "saving" if inp.item_id in pending else state)

    def _recorded(self, batch: Batch) -> None:
        self.busy = False
        self._mark(batch, None)
        self._last = batch
        self._entries_at = len(self._session.entries)
        n = len(batch.inputs)
        label = self._policy.category(batch.category).label
        lang = self._session.lang
        self.banner.emit(
            "batch",
            "info",
            lambda: self.tr("Recorded “%1” for %2 items with the same picture. Ctrl+Z undoes them all.")
            .replace("%1", label.get(lang))
            .replace("%2", str(n)),
        )
        self.finished.emit()

    def _not_recorded(self, batch: Batch, exc: BaseException) -> None:
        if not (isinstance(exc, StoreError) and exc.retryable):
            self._failed(batch, exc)
            return
        self.busy = False
        self._mark(batch, None)
        queued = self._session.keep_writing(list(batch.writes))
        if not queued:  # the reviewer decided every one of them again meanwhile: those stand
            self._failed(batch, exc)
            return
        n, reason = str(queued), message_text(exc.msg)
        self.banner.emit(
            "batch",
            "warning",
            lambda: self.tr("The cluster's %1 decisions could not be saved together (%2). Each is kept and saved on its own.")
            .replace("%1", n)
            .replace("%2", reason),
        )
        self.finished.emit()

    def _failed(self, batch: Batch, exc: BaseException) -> None:
        self.busy = False
        self._mark(batch, None)
        reason = message_text(exc.msg) if isinstance(exc, StoreError) else str(exc)
        self.banner.emit("batch", "error", lambda: self.tr("Nothing was recorded for the cluster: %1").replace("%1", reason))
        self.finished.emit()

    # -- undo -----------------------------------------------------------------------------------
    def can_undo(self) -> bool:
        """Ctrl+Z undoes the batch: it was the reviewer's last decision."""
        return self._last is not None and not self.busy and len(self._session.entries) == self._entries_at

    def undo(self) -> None:
        batch, self._last = self._last, None
        if batch is None:
            return
        self.busy = True
        store, reviewer = self._store, self._session.reviewer
        events = [(inp.uuid, inp.item_id) for inp in batch.inputs]
        first = batch.inputs[0].item_id

        self._mark(batch, "saving")

        def done(_n: int) -> None:
            self.busy = False
            self._mark(batch, None)
            n = str(len(events))
            self.banner.emit("batch", "info", lambda: self.tr("Undone: the %1 decisions of the batch.").replace("%1", n))
            self._session.go_to_item(first)
            self.finished.emit()

        def failed(exc: BaseException) -> None:
            self._last = batch  # still in force: Ctrl+Z may try again
            self._failed(batch, exc)

        self._session.run_batch(lambda: store.revert_batch(events, reviewer), done, failed)
