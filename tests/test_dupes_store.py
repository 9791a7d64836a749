"""Duplicates in the store: signatures saved with media results, near clusters kept as they arrive,
exact clusters, the cluster an item belongs to, the "one per cluster" queue, on SQLite and PostgreSQL.

PDQ hashes are made here with chosen Hamming distances (the pictures behind them are the
business of tests/test_pdq_signatures.py), so each test knows exactly what must link.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from factories import make_item, record
from moderator_gui.core.changes import Changes
from moderator_gui.core.store import QueueFilter, Store


def base_hash(seed: int) -> str:
    return random.Random(seed).getrandbits(256).to_bytes(32, "big").hex()


def flip(hex_: str, bits: int, seed: int = 0) -> str:
    """``hex_`` with ``bits`` distinct bits flipped (Hamming distance exactly ``bits``)."""
    value = int(hex_, 16)
    for b in random.Random(seed).sample(range(256), bits):
        value ^= 1 << b
    return value.to_bytes(32, "big").hex()


def sig(hex_: str, quality: int = 90, variant: str = "full") -> dict[str, object]:
    return {"signal_type": "pdq", "variant": variant, "signal": hex_, "quality": quality}


def thumb(store: Store, sha: str, *sigs: dict[str, object]) -> None:
    """What the media delivery saves for a thumbnail result that carried signatures."""
    store.save_media_many([(sha, {"state": "ok", "thumb_ready": True, "pipeline_version": 3, "signatures": list(sigs)})])


def item_with(store: Store, sha: str, **kw: object) -> int:
    return make_item(store, sha256=sha, **kw)


def sha(n: int) -> str:
    return f"{n:064x}"


def near_ids(store: Store) -> list[set[int]]:
    return [{m.id for m in c.items} for c in store.clusters() if c.kind == "near"]


def test_near_duplicates_link_within_31_and_not_beyond(store: Store) -> None:
    h = base_hash(1)
    a, b, c = item_with(store, sha(1)), item_with(store, sha(2)), item_with(store, sha(3))
    thumb(store, sha(1), sig(h))
    thumb(store, sha(2), sig(flip(h, 31)))
    thumb(store, sha(3), sig(flip(h, 32, seed=5)))  # 32 from A; ~63 from B
    assert near_ids(store) == [{a, b}]
    assert c not in {m.id for m in store.item_cluster(a).others}
    got = store.item_cluster(b)
    assert got.kind == "near" and [m.id for m in got.others] == [a]
    assert store.signatures(sha(2)) == [{"signal_type": "pdq", "variant": "full", "signal": flip(h, 31), "quality": 90}]


def test_clusters_are_transitive_and_merge(store: Store) -> None:
    h = base_hash(2)
    ids = [item_with(store, sha(n)) for n in range(1, 6)]
    thumb(store, sha(1), sig(h))
    thumb(store, sha(2), sig(flip(h, 20, seed=1)))  # near 1
    far = base_hash(3)
    thumb(store, sha(3), sig(far))
    thumb(store, sha(4), sig(flip(far, 10, seed=2)))  # near 3: a second cluster
    assert sorted(near_ids(store), key=min) == [{ids[0], ids[1]}, {ids[2], ids[3]}]
    # One content near a member of each: the two clusters become one, under the smallest key.
    thumb(store, sha(5), sig(flip(h, 5, seed=3)), sig(flip(far, 5, seed=4), variant="trim"))
    clusters = [c for c in store.clusters() if c.kind == "near"]
    assert len(clusters) == 1 and {m.id for m in clusters[0].items} == set(ids)
    assert clusters[0].id == f"pdq:{sha(1)}"


def test_low_quality_hashes_link_nothing(store: Store) -> None:
    h = base_hash(4)
    item_with(store, sha(1))
    item_with(store, sha(2))
    thumb(store, sha(1), sig(h))
    thumb(store, sha(2), sig(h, quality=30))  # identical hash, but a flat picture's
    assert near_ids(store) == []
    assert store.signatures(sha(2))[0]["quality"] == 30  # stored all the same


def test_another_store_on_the_same_database_links_to_what_the_first_saved(db_url: str) -> None:
    h = base_hash(5)
    with Store.open(db_url) as one, Store.open(db_url) as two:
        a = item_with(one, sha(1))
        b = item_with(one, sha(2))
        thumb(one, sha(1), sig(h))
        thumb(two, sha(2), sig(flip(h, 12)))  # the second desk's index learns the first's hash
        assert near_ids(two) == [{a, b}]
        thumb(one, sha(3), sig(flip(h, 3)))  # the first one's index catches up incrementally
        c = item_with(one, sha(3))
        assert near_ids(one) == [{a, b, c}]


def test_saving_signatures_again_changes_nothing(store: Store) -> None:
    h = base_hash(6)
    item_with(store, sha(1))
    item_with(store, sha(2))
    thumb(store, sha(1), sig(h))
    thumb(store, sha(2), sig(flip(h, 4)))
    thumb(store, sha(2), sig(flip(h, 4)))
    thumb(store, sha(1), sig(h))
    assert len(store.signatures(sha(2))) == 1
    assert len(near_ids(store)) == 1


def test_malformed_signatures_are_refused_and_the_media_row_still_saved(store: Store) -> None:
    item_with(store, sha(1))
    thumb(store, sha(1), {"signal_type": "pdq", "variant": "full", "signal": "xyz", "quality": 90}, sig("0" * 63))
    assert store.signatures(sha(1)) == []
    assert store.item(store.queue_page(QueueFilter(status="all"))[0].id).thumb_ready


def test_exact_clusters_and_what_the_desk_shows(store: Store) -> None:
    policy = store.policy
    a, b, c = (item_with(store, sha(9)) for _ in range(3))
    lone = item_with(store, sha(10))
    record(store, b, category=policy.categories[1].code, reviewer="bob")
    exact = [c_ for c_ in store.clusters() if c_.kind == "exact"]
    assert [[m.id for m in x.items] for x in exact] == [[a, b, c]]
    assert exact[0].id == f"sha256:{sha(9)}"
    got = store.item_cluster(a)
    assert got.kind == "exact" and [m.id for m in got.others] == [b, c]
    assert [m.id for m in got.undecided] == [c]
    assert [(m.id, m.category, m.reviewer) for m in got.decided] == [(b, policy.categories[1].code, "bob")]
    assert store.item_cluster(lone).kind is None
    assert store.clusters(min_size=4) == []


def test_queue_rows_say_the_cluster_size_and_one_per_cluster_shows_each_once(store: Store) -> None:
    h = base_hash(7)
    a, b = item_with(store, sha(1)), item_with(store, sha(1))
    c = item_with(store, sha(2))
    d = item_with(store, sha(3))
    thumb(store, sha(1), sig(h))
    thumb(store, sha(2), sig(flip(h, 9)))
    text = make_item(store, sha256=None, media_path=None, content_type="text", text_body="hi")
    sizes = {r.id: r.cluster_size for r in store.queue_page(QueueFilter(status="all"))}
    assert sizes == {a: 3, b: 3, c: 3, d: 1, text: 1}
    one = QueueFilter(status="open", one_per_cluster=True)
    assert {r.id for r in store.queue_page(one)} == {a, d, text}
    assert store.queue_count(one) == 3
    record(store, a)  # decided: the next member of its cluster stands for it
    assert {r.id for r in store.queue_page(one)} == {b, d, text}


def test_cluster_links_are_change_events(store: Store) -> None:
    h = base_hash(8)
    item_with(store, sha(1))
    item_with(store, sha(2))
    thumb(store, sha(1), sig(h))
    seen: list[Changes] = []
    store.changes.subscribe(seen.append)
    thumb(store, sha(2), sig(flip(h, 2)))
    assert {sha(1), sha(2)} <= set().union(*(c.media for c in seen))


def test_a_batch_is_all_or_nothing_and_its_undo_is_one_transaction(store: Store) -> None:
    from moderator_gui.core.domain import DecisionInput, EventKind
    from moderator_gui.core.store import ConflictError, InvalidDecisionError

    ids = [item_with(store, sha(7)) for _ in range(3)]
    cat = store.policy.categories[2].code
    record(store, ids[2], category=cat)  # someone decided the third meanwhile

    def decide(item: int, head: str | None = None) -> DecisionInput:
        return DecisionInput(item_id=item, kind=EventKind.DECIDE, reviewer="alice", category=cat,
                             actions=store.policy.category(cat).default_actions, expected_head=head)  # fmt: skip

    with pytest.raises(ConflictError):
        store.record_batch([decide(i) for i in ids])  # the third's head is not the one we saw
    assert [store.item(i).status for i in ids[:2]] == ["pending", "pending"]
    with pytest.raises(InvalidDecisionError):
        store.record_batch([decide(ids[0]), decide(ids[0])])
    batch = [decide(i) for i in ids[:2]]
    seen: list[Changes] = []
    store.changes.subscribe(seen.append)
    assert store.record_batch(batch) == 2
    assert len(seen) == 1 and set(seen[0].states) == set(ids[:2])  # one commit, one change event
    assert store.revert_batch([(b.uuid, b.item_id) for b in batch], "alice") == 2
    assert [store.item(i).status for i in ids] == ["pending", "pending", "decided"]


def test_a_malformed_signature_row_written_by_hand_is_left_out_not_fatal(
    sqlite_store: Store, sqlite_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A row no desk writes (a hand-made INSERT): the index leaves it out with a warning and
    near duplicates still link, on a cold store (first load) and on a warm one (catch-up)."""
    import sqlite3

    h = base_hash(61)
    a, b, c = (item_with(sqlite_store, sha(n)) for n in (61, 62, 63))
    thumb(sqlite_store, sha(61), sig(h))
    with sqlite3.connect(sqlite_path) as raw:
        raw.executemany(
            "INSERT INTO media_signatures (sha256, signal_type, variant, signal, quality) VALUES (?, 'pdq', ?, ?, 90)",
            [
                ("not a sha", "full", flip(h, 3)),
                (sha(64), "full", "zz" * 32),
                ("AB" * 32, "full", flip(h, 4)),  # upper case: the store writes SHA-256s in lower case
                # SQLite keeps whatever type it is given: blobs where the hex should be
                (bytes.fromhex(sha(65)), "trim", flip(h, 5)),
                (sha(66), "trim", bytes.fromhex(flip(h, 6))),
            ],
        )
    thumb(sqlite_store, sha(62), sig(flip(h, 9)))  # the warm store catches up past them
    with Store.open(sqlite_path) as cold:  # a cold one loads them
        thumb(cold, sha(63), sig(flip(h, 12, seed=2)))
        assert near_ids(cold) == [{a, b, c}]
    warned = [r.getMessage() for r in caplog.records if "malformed signature rows" in r.getMessage()]
    assert warned == ["5 malformed signature rows left out of the PDQ index"] * 2  # warm, then cold
