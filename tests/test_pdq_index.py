"""The PDQ index: exact neighbours within 31 (faiss's multi-hash, as HMA), the same answers as a
numpy brute force, incremental adds, and clear errors for malformed input."""

from __future__ import annotations

import numpy as np
import pytest

from moderator_gui.core.dupes.index import PdqIndex, brute_force_search, bytes_to_hex, hex_to_bytes


def planted(rng: np.random.Generator, base: np.ndarray, distance: int) -> np.ndarray:
    """``base`` with exactly ``distance`` bits flipped."""
    out = base.copy()
    for bit in rng.choice(256, distance, replace=False):
        out[bit // 8] ^= 1 << (7 - bit % 8)
    return out


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
    rng = np.random.default_rng(11)
    db = rng.integers(0, 256, (20_000, 32), dtype=np.uint8)
    queries = rng.integers(0, 256, (24, 32), dtype=np.uint8)
    distances = [0, 1, 15, 31, 32, 40] * 4
    near = np.stack([planted(rng, q, d) for q, d in zip(queries, distances, strict=True)])
    codes = np.concatenate([db, near])
    ids = np.arange(len(codes), dtype=np.int64) * 7 + 3  # ids are the caller's, not positions
    return codes, ids, queries, distances


def test_finds_exactly_the_neighbours_within_31_as_brute_force_does(data) -> None:
    codes, ids, queries, distances = data
    index = PdqIndex()
    index.add(ids[:9_000], codes[:9_000])  # incrementally, in two parts
    index.add(ids[9_000:], codes[9_000:])
    assert len(index) == len(codes)
    got = index.search(queries, 31)
    assert got == brute_force_search(codes, ids, queries, 31)
    for q, d in enumerate(distances):
        planted_id = int(ids[20_000 + q])
        assert ((planted_id, d) in got[q]) == (d <= 31), (q, d)
    assert index.search(queries, 0) == brute_force_search(codes, ids, queries, 0)


def test_hex_round_trip_is_threatexchange_bit_order() -> None:
    assert bytes_to_hex(hex_to_bytes(["8" + "0" * 63, "0" * 63 + "1"])) == ["8" + "0" * 63, "0" * 63 + "1"]
    assert hex_to_bytes(["8" + "0" * 63])[0, 0] == 0x80  # bit 0 is the most significant


def test_empty_index_and_bad_input() -> None:
    index = PdqIndex()
    assert index.search(np.zeros((2, 32), dtype=np.uint8)) == [[], []]
    with pytest.raises(ValueError, match="32 uint8"):
        index.add(np.array([1]), np.zeros((1, 16), dtype=np.uint8))
    with pytest.raises(ValueError, match="ids"):
        index.add(np.array([1, 2]), np.zeros((1, 32), dtype=np.uint8))
    with pytest.raises(ValueError, match=r"outside 0\.\.31"):
        index.search(np.zeros((1, 32), dtype=np.uint8), 32)
    with pytest.raises(ValueError, match="63 hex digits"):
        hex_to_bytes(["0" * 63])
    with pytest.raises(ValueError, match="not hexadecimal"):
        hex_to_bytes(["z" * 64])
