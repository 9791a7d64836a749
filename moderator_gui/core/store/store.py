"""The store: the one door to the database. Every read and write of the program goes through it.

:class:`Store` is a facade over one module per concern, each a mixin over the shared
:class:`~moderator_gui.core.store.base.StoreBase` (engine, policy, transactions,
change events):

========================  ==========================================================
``reviewers.py``          reviewer names and ids
``events.py``             recording decisions, undos and bulk histories (rules: ``event_rules.py``)
``batch_events.py``       deciding a cluster's items, and undoing that, in one transaction
``claims.py``             claims (leases), skip marks
``team.py``               identity, team set-up (``team_sql.py``), users, presence, conflicts
``items.py``              adding items (imports)
``queue.py``              queue pages, counts, rows of single items
``history.py``            history of an item, account, media file, reviewer
``media.py``              media pipeline results; what is left to prefetch
``dupes.py``              signatures, exact and near-duplicate clusters (indexes: ``dupes_index.py``)
``hashlists.py``          hash lists shared between teams: import, matches, export
``blobs.py``              media stored in a team database (chunks), retention purges
``decision_log.py``       the decision log for the export
``statistics.py``         aggregates for the statistics
========================  ==========================================================

Every committed write publishes a :class:`~moderator_gui.core.changes.Changes` on
``store.changes`` (subscribe to it), so views update the rows that changed.
"""

from __future__ import annotations

import os
from typing import Any

from moderator_gui.core.store.batch_events import BatchEventsMixin
from moderator_gui.core.store.blobs import BlobsMixin, PurgeResult
from moderator_gui.core.store.claims import ClaimsMixin
from moderator_gui.core.store.decision_log import DecisionLogMixin
from moderator_gui.core.store.hashlists import HashListsMixin
from moderator_gui.core.store.history import HistoryMixin
from moderator_gui.core.store.items import ItemsMixin
from moderator_gui.core.store.media import MediaMixin
from moderator_gui.core.store.queue import QueueMixin
from moderator_gui.core.store.statistics import StatisticsMixin
from moderator_gui.core.store.team import TeamMixin


class Store(
    BatchEventsMixin,
    ClaimsMixin,
    TeamMixin,
    HashListsMixin,
    ItemsMixin,
    QueueMixin,
    HistoryMixin,
    MediaMixin,
    BlobsMixin,
    DecisionLogMixin,
    StatisticsMixin,
):
    """See the module docstring. Thread-safe; one per database per process."""


__all__ = ["PurgeResult", "Store", "open_store"]


def open_store(target: str | os.PathLike[str] | None = None, **kw: Any) -> Store:
    return Store.open(target, **kw)
