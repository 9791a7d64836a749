"""core.dupes.index: the multi-index hash finds exactly what comparing every pair finds.

A random database of 20,000 PDQ codes (random 256-bit codes are ~128 bits apart, so
none falls within 31 of a query by chance), plus, for each query, codes planted at
distances 0, 1, 15, 31, 32 and 40. The index and the numpy brute force must agree
pair for pair, and the boundary must be where the radius says: 31 in, 32 out.
"""

from __future__ import annotations

import numpy as np
import pytest

from moderator_gui.core.dupes.index import (
    MAX_RADIUS,
    PDQ_BYTES,
    PdqIndex,
    brute_force_search,
    bytes_to_hex,
    hex_to_bytes,
)

PLANTED = (0, 1, 15, 31, 32, 40)


def flip_bits(code: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``code`` with ``n`` distinct bits flipped: exactly ``n`` bits away."""
    bits = np.unpackbits(code)
    bits[rng.choice(bits.size, size=n, replace=False)] ^= 1
    return np.packbits(bits)


def hamming(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.unpackbits(a ^ b).sum())


@pytest.fixture(scope="module")
def corpus():
    """(db codes, db ids, queries, {query: {id: distance}} of the planted codes)."""
    rng = np.random.default_rng(20261101)
    db = rng.integers(0, 256, size=(20_000, PDQ_BYTES), dtype=np.uint8)
    queries = rng.integers(0, 256, size=(30, PDQ_BYTES), dtype=np.uint8)
    planted_codes = []
    planted: dict[int, dict[int, int]] = {}
    next_id = 1_000_000
    for q, code in enumerate(queries):
        planted[q] = {}
        for d in PLANTED:
            planted_codes.append(flip_bits(code, d, rng))
            planted[q][next_id] = d
            next_id += 1
    all_codes = np.concatenate([db, np.array(planted_codes)])
    # Ids are not positions (large, beyond 32 bits, gaps, the planted ones smaller): they come back as given.
    random_ids = np.arange(20_000, dtype=np.int64) * 7 + (1 << 40)
    planted_ids = np.array([i for p in planted.values() for i in p], dtype=np.int64)
    ids = np.concatenate([random_ids, planted_ids])
    return all_codes, ids, queries, planted


@pytest.fixture(scope="module")
def index(corpus):
    codes, ids, _, _ = corpus
    idx = PdqIndex()
    idx.add(ids, codes)
    return idx


def test_index_and_brute_force_agree_and_31_is_in_32_out(corpus, index):
    codes, ids, queries, planted = corpus
    got = index.search(queries)
    want = brute_force_search(codes, ids, queries, 31)
    assert got == want
    for q, matches in enumerate(got):
        expected = sorted((i, d) for i, d in planted[q].items() if d <= 31)
        expected.sort(key=lambda p: (p[1], p[0]))
        assert matches == expected  # 0, 1, 15, 31 found; 32, 40 not; nothing from the random part
        assert [d for _, d in matches] == [0, 1, 15, 31]


def test_distances_are_true_hamming_distances(corpus, index):
    codes, ids, queries, _ = corpus
    by_id = {int(i): codes[k] for k, i in enumerate(ids)}
    for q, matches in enumerate(index.search(queries[:5])):
        for i, d in matches:
            assert d == hamming(queries[q], by_id[i])


def test_smaller_radius_and_brute_force_beyond_the_index_limit(corpus, index):
    codes, ids, queries, _ = corpus
    for r in (0, 1, 14, 15, 30):
        assert index.search(queries, r) == brute_force_search(codes, ids, queries, r)
        assert all(all(d <= r for _, d in m) for m in index.search(queries, r))
    wide = brute_force_search(codes, ids, queries[:3], 40)
    assert [sorted(d for _, d in m) for m in wide] == [list(PLANTED)] * 3
    with pytest.raises(ValueError, match="beyond 31"):
        index.search(queries, MAX_RADIUS + 1)


def test_sort_order_is_distance_then_id():
    rng = np.random.default_rng(3)
    q = rng.integers(0, 256, size=(1, PDQ_BYTES), dtype=np.uint8)
    far = flip_bits(q[0], 5, rng)
    codes = np.array([far, q[0], far, q[0]])
    idx = PdqIndex()
    idx.add(np.array([9, 8, 2, 5]), codes)
    assert idx.search(q) == [[(5, 0), (8, 0), (2, 5), (9, 5)]]
    assert brute_force_search(codes, np.array([9, 8, 2, 5]), q) == idx.search(q)


def test_incremental_add(corpus):
    codes, ids, queries, _ = corpus
    idx = PdqIndex()
    for start in range(0, len(codes), 4_000):  # items arriving over time, searched in between
        idx.add(ids[start : start + 4_000], codes[start : start + 4_000])
        assert len(idx) == min(start + 4_000, len(codes))
        assert idx.search(queries) == brute_force_search(codes[: start + 4_000], ids[: start + 4_000], queries)
    idx.add(np.array([], dtype=np.int64), np.empty((0, PDQ_BYTES), dtype=np.uint8))
    assert len(idx) == len(codes)
    # A code added after the first searches is found by the next one.
    late = flip_bits(queries[0], 3, np.random.default_rng(1))
    idx.add(np.array([42]), late[None, :])
    assert (42, 3) in idx.search(queries[:1])[0]


def test_a_stream_of_small_additions_finds_what_brute_force_finds(corpus):
    """The desk adds a few hundred codes at a time: they go through the directly compared
    tail, the delta tables and the main tables' rebuilds; every search in between agrees
    with the brute force over what was added so far, planted neighbours included."""
    codes, ids, queries, planted = corpus
    order = np.random.default_rng(5).permutation(len(codes))  # planted codes arrive all along
    codes, ids = codes[order], ids[order]
    idx = PdqIndex()
    found = 0
    for start in range(0, len(codes), 300):
        idx.add(ids[start : start + 300], codes[start : start + 300])
        got = idx.search(queries)
        assert got == brute_force_search(codes[: start + 300], ids[: start + 300], queries)
        found = sum(len(hits) for hits in got)
    assert found == sum(1 for p in planted.values() for d in p.values() if d <= 31)


def test_empty_index_and_no_queries(corpus):
    _, _, queries, _ = corpus
    idx = PdqIndex()
    assert len(idx) == 0
    assert idx.search(queries[:3]) == [[], [], []]
    assert idx.search(np.empty((0, PDQ_BYTES), dtype=np.uint8)) == []
    empty_db = np.empty((0, PDQ_BYTES), dtype=np.uint8)
    assert brute_force_search(empty_db, np.empty(0, dtype=np.int64), queries[:2]) == [[], []]
    assert brute_force_search(empty_db, np.empty(0, dtype=np.int64), empty_db) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda i: i.add(np.arange(2), np.zeros((2, 31), dtype=np.uint8)), r"codes must have shape \(n, 32\), got \(2, 31\)"),
        (lambda i: i.add(np.arange(2), np.zeros(32, dtype=np.uint8)), r"codes must have shape \(n, 32\), got \(32,\)"),
        (lambda i: i.add(np.arange(2), np.zeros((2, 32), dtype=np.int64)), r"codes must be uint8.*got dtype int64"),
        (lambda i: i.add(np.arange(3), np.zeros((2, 32), dtype=np.uint8)), r"ids must have shape \(2,\) \(one id per code\)"),
        (lambda i: i.add(np.array([0.5, 1.5]), np.zeros((2, 32), dtype=np.uint8)), r"ids must be integers"),
        (lambda i: i.search(np.zeros((1, 64), dtype=np.uint8)), r"queries must have shape \(n, 32\), got \(1, 64\)"),
        (lambda i: i.search(np.zeros((1, 32), dtype=np.uint8), radius=-1), r"radius must be >= 0"),
        (
            lambda i: brute_force_search(np.zeros((2, 32), dtype=np.uint8), np.arange(2), np.zeros((1, 16), dtype=np.uint8)),
            r"queries must have shape \(n, 32\)",
        ),
        (
            lambda i: brute_force_search(np.zeros((2, 32), dtype=np.uint8), np.arange(1), np.zeros((1, 32), dtype=np.uint8)),
            r"db_ids must have shape \(2,\)",
        ),
    ],
)
def test_wrong_shapes_and_types_are_clear_value_errors(call, message):
    idx = PdqIndex()
    with pytest.raises(ValueError, match=message):
        call(idx)
    assert len(idx) == 0


def test_hex_round_trip_and_bit_order():
    # MSB first: the first hex digit is the top 4 bits of the first byte.
    h = "8" + "0" * 62 + "1"
    codes = hex_to_bytes([h, "F" * 64])
    assert codes.dtype == np.uint8 and codes.shape == (2, 32)
    assert codes[0, 0] == 0x80 and codes[0, 31] == 0x01 and np.unpackbits(codes[0])[0] == 1
    assert bytes_to_hex(codes) == [h, "f" * 64]
    assert hex_to_bytes([]).shape == (0, 32)
    assert bytes_to_hex(np.empty((0, 32), dtype=np.uint8)) == []


@pytest.mark.parametrize(
    "bad", ["0" * 63, "0" * 65, "g" + "0" * 63, "0 " * 32, "0x" + "0" * 62, "+" + "0" * 63, None, b"0" * 64, 12345]
)
def test_hex_to_bytes_refuses_what_is_not_64_hex_digits(bad):
    with pytest.raises(ValueError, match=r"PDQ hash 1 is not 64 hex digits"):
        hex_to_bytes(["0" * 64, bad])


def test_worst_case_spread_at_31_is_still_found():
    """31 bits spread as evenly as possible over the 16 sub-hashes (2 in each of 15, 1 in one):
    only the 1-bit-flip probe of that one sub-hash can find it. At 32 (2 in each) none can,
    and the radius excludes it anyway."""
    rng = np.random.default_rng(7)
    queries = rng.integers(0, 256, size=(16, PDQ_BYTES), dtype=np.uint8)
    codes, ids = [], []
    for q, code in enumerate(queries):
        bits = np.unpackbits(code)
        for chunk in range(16):
            pick = rng.choice(16, size=1 if chunk == q else 2, replace=False)
            bits[chunk * 16 + pick] ^= 1
        codes.append(np.packbits(bits))
        ids.append(q)
    codes_arr = np.array(codes)
    assert [hamming(a, b) for a, b in zip(queries, codes_arr, strict=True)] == [31] * 16
    idx = PdqIndex()
    idx.add(np.array(ids), codes_arr)
    got = idx.search(queries)
    assert got == [[(q, 31)] for q in range(16)]
    assert got == brute_force_search(codes_arr, np.array(ids), queries)
