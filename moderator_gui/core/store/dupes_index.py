"""In-memory PDQ indexes over the database's signatures, brought up to date incrementally.

The store keeps one :class:`SyncedIndex` over the media signatures (for near-duplicate
links) and one over the hash lists' PDQ signals (to mark new media that match a list).
Each remembers the last row id it loaded and reads only newer rows: rows are never
updated, and every writer of these tables holds the duplicates lock
(:data:`DUPES_LOCK` on PostgreSQL, the single writer on SQLite) while it inserts, so
ids become visible in increasing order and none is skipped. A transaction that rolls
back may leave ids the index has seen and the database has not: the store then calls
:meth:`reset` and the next use reloads everything.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# numpy is imported on first use: opening a store (every CLI command, the desk's
# start) must not pay a quarter of a second for them.

#: pg_advisory_xact_lock key serialising writers of signatures, clusters and lists ("modD").
DUPES_LOCK = 0x6D6F6444


@dataclass
class SyncedIndex:
    """A PdqIndex plus what each of its ids stands for (``payload``)."""

    index: Any = None  # a core.dupes.index.PdqIndex, made on the first add
    payload: dict[int, Any] = field(default_factory=dict)
    last_id: int = 0
    stamp: Any = None  # for indexes that must be rebuilt when their rows are deleted (lists)

    def add(self, rows: Iterable[tuple[int, str, Any]]) -> None:
        """Rows of (id, pdq hex, payload), in id order."""
        batch = list(rows)
        if not batch:
            return
        import numpy as np

        from moderator_gui.core.dupes.index import PdqIndex, hex_to_bytes

        if self.index is None:
            self.index = PdqIndex()
        ids = np.fromiter((r[0] for r in batch), dtype=np.int64, count=len(batch))
        self.index.add(ids, hex_to_bytes([r[1] for r in batch]))
        self.payload.update((r[0], r[2]) for r in batch)
        self.last_id = max(self.last_id, batch[-1][0])

    def search(self, hexes: list[str], radius: int) -> list[list[tuple[Any, int]]]:
        """For each hash: (payload, distance) of every indexed hash within ``radius``."""
        if not hexes or self.index is None or len(self.index) == 0:
            return [[] for _ in hexes]
        from moderator_gui.core.dupes.index import hex_to_bytes

        found = self.index.search(hex_to_bytes(hexes), radius)
        return [[(self.payload[i], d) for i, d in hits] for hits in found]


@dataclass
class DupesCache:
    """The store's indexes; ``lock`` guards them across the store's threads."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    media: SyncedIndex | None = None
    lists: SyncedIndex | None = None

    def reset(self) -> None:
        with self.lock:
            self.media = None
            self.lists = None
