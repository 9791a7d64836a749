"""Exact PDQ neighbour search: faiss's binary multi-hash index (as Meta's HMA uses), and a
numpy brute force with the same answers (the baseline the benchmark compares against).

A PDQ hash is 256 bits, written as 64 hex digits most significant bit first (python-
threatexchange's ``PdqSignal``); here it is 32 bytes in that order.

Exactness: the index splits each hash into 16 sub-hashes of 16 bits and, for a query,
probes every bucket within ``nflip`` = 1 bit of each of the query's sub-hashes. Two hashes
at distance ≤ 31 differ in at most 31 bits spread over 16 sub-hashes, so at least one
sub-hash differs in at most one bit (pigeonhole: 16 × 2 = 32 > 31): every neighbour within
31 is a candidate. The candidates' true distances are then checked, so none beyond the
radius is returned. For a radius above 31 the guarantee no longer holds: ``search`` refuses it.
"""

from __future__ import annotations

from collections.abc import Sequence

import faiss
import numpy as np

BITS = 256
NBYTES = BITS // 8
NHASH = 16  # sub-hashes ...
SUB_BITS = BITS // NHASH  # ... of 16 bits each
NFLIP = 1
MAX_EXACT_RADIUS = NHASH * (NFLIP + 1) - 1  # 31

_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def hex_to_bytes(hexes: Sequence[str]) -> np.ndarray:
    """n PDQ hex strings -> an n×32 uint8 array (a ValueError names a malformed one)."""
    out = np.empty((len(hexes), NBYTES), dtype=np.uint8)
    for i, h in enumerate(hexes):
        if len(h) != 2 * NBYTES:
            raise ValueError(f"PDQ hash {i} has {len(h)} hex digits, not {2 * NBYTES}")
        try:
            out[i] = np.frombuffer(bytes.fromhex(h), dtype=np.uint8)
        except ValueError:
            raise ValueError(f"PDQ hash {i} is not hexadecimal: {h!r}") from None
    return out


def bytes_to_hex(codes: np.ndarray) -> list[str]:
    return [bytes(row).hex() for row in _codes(codes)]


def _codes(codes: np.ndarray) -> np.ndarray:
    codes = np.asarray(codes)
    if codes.dtype != np.uint8 or codes.ndim != 2 or codes.shape[1] != NBYTES:
        raise ValueError(f"PDQ codes must be an n×{NBYTES} uint8 array, got {codes.dtype} {codes.shape}")
    return np.ascontiguousarray(codes)


def _check_radius(radius: int) -> None:
    if not 0 <= radius <= MAX_EXACT_RADIUS:
        raise ValueError(f"radius {radius} is outside 0..{MAX_EXACT_RADIUS}, where the index is exact")


class PdqIndex:
    """PDQ codes with int64 ids; incremental ``add``; exact ``search`` within a radius ≤ 31."""

    def __init__(self) -> None:
        self._ids = np.empty(0, dtype=np.int64)
        self._index = faiss.IndexBinaryMultiHash(BITS, NHASH, SUB_BITS)
        self._index.nflip = NFLIP

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, ids: np.ndarray, codes: np.ndarray) -> None:
        codes = _codes(codes)
        ids = np.asarray(ids, dtype=np.int64)
        if ids.shape != (len(codes),):
            raise ValueError(f"{len(codes)} codes need {len(codes)} ids, got shape {ids.shape}")
        if len(codes) == 0:
            return
        self._ids = np.concatenate([self._ids, ids])
        self._index.add(codes)  # faiss numbers them 0, 1, ... in order: positions in self._ids

    def search(self, queries: np.ndarray, radius: int = MAX_EXACT_RADIUS) -> list[list[tuple[int, int]]]:
        """For each query: (id, distance) of every code within ``radius``, by distance then id."""
        queries = _codes(queries)
        _check_radius(radius)
        if len(self._ids) == 0 or len(queries) == 0:
            return [[] for _ in range(len(queries))]
        lims, dist, pos = self._index.range_search(queries, radius + 1)  # faiss: strictly below
        out: list[list[tuple[int, int]]] = []
        for q in range(len(queries)):
            lo, hi = int(lims[q]), int(lims[q + 1])
            hits = [(int(self._ids[p]), int(d)) for p, d in zip(pos[lo:hi], dist[lo:hi], strict=True)]
            hits.sort(key=lambda h: (h[1], h[0]))
            out.append(hits)
        return out


def brute_force_search(
    db_codes: np.ndarray, db_ids: np.ndarray, queries: np.ndarray, radius: int, *, chunk: int = 65_536
) -> list[list[tuple[int, int]]]:
    """The same answers by XOR and popcount against every code (memory bounded by ``chunk``)."""
    db_codes, queries = _codes(db_codes), _codes(queries)
    db_ids = np.asarray(db_ids, dtype=np.int64)
    out: list[list[tuple[int, int]]] = []
    for q in queries:
        hits: list[tuple[int, int]] = []
        for start in range(0, len(db_codes), chunk):
            part = db_codes[start : start + chunk]
            dist = _POPCOUNT[np.bitwise_xor(part, q)].sum(axis=1, dtype=np.int32)
            found = np.nonzero(dist <= radius)[0]
            hits.extend((int(db_ids[start + i]), int(dist[i])) for i in found)
        hits.sort(key=lambda h: (h[1], h[0]))
        out.append(hits)
    return out
