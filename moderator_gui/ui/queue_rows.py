"""The rows a queue model has loaded, with their indexes by item id and by media (Qt-free).

Rows are kept as plain tuples and handed out as ``QueueRow``s: Python's cycle
collector stops tracking an exact tuple of plain values, but never a tuple
subclass such as a NamedTuple; 100k loaded ``QueueRow``s made each full
collection walk them all (a 65-80 ms stall while scrolling the 100k queue).
The indexes hold tuples of row numbers for the same reason.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from moderator_gui.core.store import QueueFilter, QueueRow


def order_key(f: QueueFilter) -> Callable[[QueueRow], tuple[Any, ...]]:
    """The sort key of the queue's order under ``f`` (ascending = shown first)."""
    if f.order == "oldest":
        return lambda r: (r.flagged_at, r.id)
    return lambda r: (-r.priority, r.flagged_at, r.id)


class LoadedRows:
    def __init__(self) -> None:
        self._items: list[tuple[Any, ...]] = []
        self._row_of: dict[int, int] = {}
        self._rows_of_sha: dict[str, tuple[int, ...]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, i: int) -> QueueRow:
        return QueueRow._make(self._items[i])

    def __bool__(self) -> bool:
        return bool(self._items)

    def row_of(self, item_id: int) -> int | None:
        return self._row_of.get(item_id)

    def rows_of_sha(self, sha: str) -> tuple[int, ...]:
        return self._rows_of_sha.get(sha, ())

    def clear(self) -> None:
        self._items.clear()
        self._row_of.clear()
        self._rows_of_sha.clear()

    def append(self, row: QueueRow) -> None:
        n = len(self._items)
        self._items.append(tuple(row))
        self._index(row, n)

    def replace(self, i: int, row: QueueRow) -> None:
        """Same item, new values (its media cannot change: an item's sha256 is fixed)."""
        self._items[i] = tuple(row)

    def insertion_point(self, row: QueueRow, key: Callable[[QueueRow], tuple[Any, ...]]) -> int:
        """Where ``row`` goes to keep the order (binary search: the loaded rows are sorted)."""
        return bisect.bisect_left(self, key(row), key=key)

    def insert(self, i: int, row: QueueRow) -> None:
        """Insert at ``i``; call :meth:`reindex` after a series of inserts."""
        self._items.insert(i, tuple(row))

    def reindex(self) -> None:
        self._row_of.clear()
        self._rows_of_sha.clear()
        for n, item in enumerate(self._items):
            self._index(QueueRow._make(item), n)

    def _index(self, row: QueueRow, n: int) -> None:
        self._row_of[row.id] = n
        if row.sha256:
            self._rows_of_sha[row.sha256] = (*self._rows_of_sha.get(row.sha256, ()), n)

    def last_key(self) -> tuple[Any, ...] | None:
        return self[-1].sort_key if self._items else None
