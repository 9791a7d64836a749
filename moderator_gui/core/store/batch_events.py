"""Deciding many items at once (a cluster of duplicates), and undoing such a batch, in ONE transaction.

Each item gets its own event, under the same rules as :meth:`EventsMixin.record` (policy,
expected head, claims: an item someone else holds refuses the batch); either every event
of the batch is written or none is. The desk offers only members nobody else holds, so a
refusal means someone took one of them meanwhile: nothing is written, and the desk says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.messages import QT_TRANSLATE_NOOP, catalogue
from moderator_gui.core.store.errors import InvalidDecisionError
from moderator_gui.core.store.event_rules import check_input
from moderator_gui.core.store.events import EventsMixin

catalogue({"invalid.batch_twice": QT_TRANSLATE_NOOP("Messages", "a batch decides each item once")})


class BatchEventsMixin(EventsMixin):
    def record_batch(self, inputs: Sequence[DecisionInput]) -> int:
        """Record these decisions (one per item) in one transaction; returns how many."""
        if len({inp.item_id for inp in inputs}) != len(inputs):
            raise InvalidDecisionError("invalid.batch_twice")
        if not inputs:
            return 0
        valid: set[tuple[object, ...]] = set()
        checked = [check_input(inp, self.policy, valid=valid) for inp in inputs]
        return self._append_batch(checked, lock=True)

    def revert_batch(self, events: Sequence[tuple[str, int]], reviewer: str) -> int:
        """Undo these events — (uuid, item id) pairs — in one transaction; returns how many."""
        if not events:
            return 0
        valid: set[tuple[object, ...]] = set()
        inputs = [
            DecisionInput(
                item_id=item_id,
                kind=EventKind.REVERT,
                reviewer=reviewer,
                check_head=False,
                reverts=uuid,
            )
            for uuid, item_id in events
        ]
        return self._append_batch([check_input(inp, self.policy, allow_revert=True, valid=valid) for inp in inputs], lock=True)
