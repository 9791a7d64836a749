"""In-memory PDQ indexes over the database's signatures, brought up to date incrementally.

The store keeps a :class:`ShaIndex` over the media signatures (for near-duplicate links) and
a :class:`ListIndex` over the hash lists' PDQ signals (to mark new media that match a list).
The media index remembers the last row id it loaded and reads only newer rows: rows are never
updated, and every writer of these tables holds the duplicates lock
(:data:`DUPES_LOCK` on PostgreSQL, the single writer on SQLite) while it inserts, so
ids become visible in increasing order and none is skipped. A transaction that rolls
back may leave ids the index has seen and the database has not: the store then calls
:meth:`reset` and the next use reloads everything.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

# numpy is imported on first use: opening a store (every CLI command, the desk's
# start) must not pay a quarter of a second for them.

log = logging.getLogger(__name__)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SIGNAL = re.compile(r"[0-9a-fA-F]{64}")

#: pg_advisory_xact_lock key serialising writers of signatures, clusters and lists ("modD").
DUPES_LOCK = 0x6D6F6444


def _columns(rows: list[tuple[int, str, str]]) -> tuple[list[Any], list[Any], list[Any]]:
    """The three columns of ``rows`` (``zip(*rows)`` is ~20x slower on 300,000 rows)."""
    return tuple(list(map(itemgetter(k), rows)) for k in range(3))  # type: ignore[return-value]


def _sha_bytes(shas: list[Any]) -> Any:
    """SHA-256 hex digests (lower case, as the store writes them) -> an n x 32 uint8 array;
    ValueError if one is not."""
    import numpy as np

    raw = b""
    try:
        if set(map(len, shas)) <= {64}:
            joined = "".join(shas)
            if joined == joined.lower():
                raw = bytes.fromhex(joined)
    except (TypeError, ValueError):
        raw = b""
    if len(raw) != 32 * len(shas):
        raise ValueError("not a SHA-256")
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(shas), 32)


def _sha_ok(sha: Any) -> bool:
    return isinstance(sha, str) and _HEX64.fullmatch(sha) is not None


@dataclass
class SyncedIndex:
    """A PdqIndex plus what each of its ids stands for, kept by the subclass (:class:`ShaIndex`,
    :class:`ListIndex`) as arrays beside the ids."""

    index: Any = None  # a core.dupes.index.PdqIndex, made on the first add
    last_id: int = 0
    stamp: Any = None  # for indexes that must be rebuilt when their rows are deleted (lists)

    def _payloads(self, ids: list[int]) -> list[Any]:
        raise NotImplementedError

    def search(self, hexes: list[str], radius: int) -> list[list[tuple[Any, int]]]:
        """For each hash: (payload, distance) of every indexed hash within ``radius``."""
        if not hexes or self.index is None or len(self.index) == 0:
            return [[] for _ in hexes]
        from moderator_gui.core.dupes.index import hex_to_bytes

        found = self.index.search(hex_to_bytes(hexes), radius)
        return [list(zip(self._payloads([i for i, _d in hits]), [d for _i, d in hits], strict=True)) for hits in found]


@dataclass
class ShaIndex(SyncedIndex):
    """The media index: payloads are SHA-256 hex digests, kept as 32 bytes each in one array
    beside the ids (sorted: rows come in id order), not as a dict of Python strings: ~40 bytes
    per hash instead of ~200, and no dict to build on the first load (300,000 hashes for
    100,000 pictures)."""

    _ids: Any = None  # int64, ascending
    _shas: Any = None  # n x 32 uint8
    _n: int = 0

    def __len__(self) -> int:
        return self._n

    def add(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Rows of (id, pdq hex, sha256), in id order. A malformed row (written by hand into the
        database: the store never writes one) is left out with a warning, not let break the index.

        Column by column (300,000 rows on a store's first save): no Python code runs per row
        unless a row is malformed."""
        batch = rows if isinstance(rows, list) else list(rows)
        if not batch:
            return
        import numpy as np

        from moderator_gui.core.dupes.index import PdqIndex, hex_to_bytes

        if self.index is None:
            self.index = PdqIndex()
        last = batch[-1][0]
        ids, hexes, shas = _columns(batch)
        try:
            codes = hex_to_bytes(hexes)
            raw = _sha_bytes(shas)
        except ValueError:
            good = [r for r in batch if isinstance(r[1], str) and _SIGNAL.fullmatch(r[1]) and _sha_ok(r[2])]
            log.warning("%d malformed signature rows left out of the PDQ index", len(batch) - len(good))
            self.last_id = max(self.last_id, last)
            if not good:
                return
            ids, hexes, shas = _columns(good)
            codes = hex_to_bytes(hexes)
            raw = _sha_bytes(shas)
        id_array = np.array(ids, dtype=np.int64)
        self.index.add(id_array, codes)
        self._keep(id_array, raw)
        self.last_id = max(self.last_id, last)

    def _keep(self, ids: Any, shas: Any) -> None:
        from moderator_gui.core.dupes.index import grown

        self._ids = grown(self._ids, self._n, ids)
        self._shas = grown(self._shas, self._n, shas)
        self._n += len(shas)

    def add_arrays(self, ids: Any, codes: Any, shas: Any, tables: tuple[Any, Any] | None = None) -> None:
        """Entries already in arrays (ids int64 ascending, hashes and SHA-256s as n x 32 uint8),
        into an empty index, with the index's sorted ``tables`` when they were kept: a snapshot
        read from disk (``dupes_snapshot.py``). Tables that cannot be these are left out (the
        first search sorts again)."""
        from moderator_gui.core.dupes.index import PdqIndex

        if self.index is not None or self._n:
            raise ValueError("add_arrays needs an empty index")
        self.index = PdqIndex()
        self.index.add(ids, codes)
        self._keep(ids, shas)
        if tables is not None:
            try:
                self.index.adopt(*tables)
            except ValueError:
                log.info("PDQ index snapshot: its tables do not fit; sorting again")

    def arrays(self) -> tuple[Any, Any, Any]:
        """(ids, hashes, SHA-256s) of every entry, in the order added (views, not copies)."""
        from moderator_gui.core.dupes.index import PdqIndex

        if not isinstance(self.index, PdqIndex):
            raise ValueError("empty index")
        ids, codes = self.index.arrays()
        return ids, codes, self._shas[: self._n]

    def _payloads(self, ids: list[int]) -> list[Any]:
        import numpy as np

        at = np.searchsorted(self._ids[: self._n], np.asarray(ids, dtype=np.int64))
        return [row.tobytes().hex() for row in self._shas[at]]


@dataclass
class ListIndex(SyncedIndex):
    """The hash lists' PDQ signals: payload (list id, category, signal id), kept as arrays beside
    the ids (the signal id is the row's id): ~50 bytes a signal with the hash, not a Python tuple
    of ~200 (an HMA list has millions), and loaded column by column, no Python code per row."""

    _ids: Any = None  # int64, ascending (the signals' row ids)
    _lists: Any = None  # int64
    _cats: Any = None  # uint16: positions in ``categories``
    _n: int = 0
    categories: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return self._n

    def add_signals(self, rows: Sequence[Sequence[Any]]) -> None:
        """Rows of (id, pdq hex, list id, category), in id order. A malformed one (written by hand:
        the import checks every row) is left out with a warning."""
        if not rows:
            return
        import numpy as np

        from moderator_gui.core.dupes.index import PdqIndex, grown, hex_to_bytes

        if self.index is None:
            self.index = PdqIndex()
        last = rows[-1][0]
        ids, hexes, lists, cats = (list(map(itemgetter(k), rows)) for k in range(4))
        try:
            codes = hex_to_bytes(hexes)
        except ValueError:
            good = [r for r in rows if isinstance(r[1], str) and _SIGNAL.fullmatch(r[1])]
            log.warning("%d malformed list signal rows left out of the PDQ index", len(rows) - len(good))
            self.last_id = max(self.last_id, last)
            if not good:
                return
            ids, hexes, lists, cats = (list(map(itemgetter(k), good)) for k in range(4))
            codes = hex_to_bytes(hexes)
        known = {c: k for k, c in enumerate(self.categories)}
        for c in dict.fromkeys(cats):
            if c not in known:
                known[c] = len(self.categories)
                self.categories.append(c)
        id_array = np.array(ids, dtype=np.int64)
        self.index.add(id_array, codes)
        self._ids = grown(self._ids, self._n, id_array)
        self._lists = grown(self._lists, self._n, np.array(lists, dtype=np.int64))
        self._cats = grown(self._cats, self._n, np.fromiter(map(known.__getitem__, cats), np.uint16, len(cats)))
        self._n += len(ids)
        self.last_id = max(self.last_id, last)

    def add_arrays(self, ids: Any, codes: Any, lists: Any, cats: Any, categories: list[str], tables: Any = None) -> None:
        """Signals already in arrays (``arrays()``'s, read back from disk: ``dupes_snapshot.py``)
        into an empty index, with the index's sorted ``tables`` when they were kept."""
        from moderator_gui.core.dupes.index import PdqIndex

        if self.index is not None or self._n:
            raise ValueError("add_arrays needs an empty index")
        if len(cats) and int(cats.max()) >= len(categories):
            raise ValueError("a category number past the categories")
        self.index = PdqIndex()
        self.index.add(ids, codes)
        self._ids, self._lists, self._cats, self._n = ids, lists, cats, len(ids)
        self.categories = list(categories)
        if len(ids):
            self.last_id = max(self.last_id, int(ids[-1]))
        if tables is not None:
            try:
                self.index.adopt(*tables)
            except ValueError:
                log.info("hash-list index snapshot: its tables do not fit; sorting again")

    def arrays(self) -> tuple[Any, Any, Any, Any]:
        """(ids, hashes, list ids, category numbers) of every signal, in id order (views); the
        numbers are positions in ``categories``."""
        from moderator_gui.core.dupes.index import PdqIndex

        if not isinstance(self.index, PdqIndex):
            raise ValueError("empty index")
        ids, codes = self.index.arrays()
        n = self._n
        return ids, codes, self._lists[:n], self._cats[:n]

    def _payloads(self, ids: list[int]) -> list[Any]:
        import numpy as np

        at = np.searchsorted(self._ids[: self._n], np.asarray(ids, dtype=np.int64))
        lists, cats = self._lists[at].tolist(), self._cats[at].tolist()
        return [(lid, self.categories[c], i) for lid, c, i in zip(lists, cats, ids, strict=True)]


@dataclass
class DupesCache:
    """The store's indexes; ``lock`` guards them across the store's threads."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    media: ShaIndex | None = None
    lists: ListIndex | None = None

    def reset(self) -> None:
        with self.lock:
            self.media = None
            self.lists = None
