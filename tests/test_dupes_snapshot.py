"""The media PDQ index kept on disk (core/store/dupes_snapshot.py): a cold store reads it back
instead of every hash from the database, and never trusts one that is not true of the database.

Each test checks what a reviewer would see — which items end up in one near-duplicate
cluster — after the snapshot was used, or refused. MIN_HASHES is lowered so that a
dozen hashes make a snapshot."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from moderator_gui.core.store import Store
from moderator_gui.core.store import dupes_snapshot as snapshot
from moderator_gui.core.store.dupes_index import ShaIndex
from test_dupes_store import base_hash, flip, item_with, near_ids, sha, sig, thumb


@pytest.fixture(autouse=True)
def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "MIN_HASHES", 4)


def snapshot_loads(monkeypatch: pytest.MonkeyPatch, index: type[Any]) -> list[int]:
    """How many entries each cold store's ``index`` (ShaIndex, ListIndex) took from a snapshot
    (one number per snapshot used)."""
    seen: list[int] = []
    real = index.add_arrays

    def spy(self: Any, ids: Any, *rest: Any) -> None:
        seen.append(len(ids))
        real(self, ids, *rest)

    monkeypatch.setattr(index, "add_arrays", spy)
    return seen


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return snapshot_loads(monkeypatch, ShaIndex)


HASHES = [base_hash(100 + k) for k in range(12)]


def filled(path: Path | str) -> dict[int, int]:
    """A database of 12 pictures with one hash each, far apart; returns {k: item id}."""
    ids = {}
    with Store.open(path) as store:
        for k, h in enumerate(HASHES):
            ids[k] = item_with(store, sha(k + 1))
            thumb(store, sha(k + 1), sig(h))
        assert near_ids(store) == []
    return ids


def snapshot_files() -> list[Path]:
    folder = snapshot.folder()
    return sorted(folder.glob("*.npz")) if folder.is_dir() else []


def add_near(path: Path | str, n: int, of: int, bits: int = 9) -> tuple[int, list[set[int]]]:
    """In a cold store: a new picture ``n`` near picture ``of``; its item id and the clusters."""
    with Store.open(path) as store:
        new = item_with(store, sha(n))
        thumb(store, sha(n), sig(flip(HASHES[of], bits, seed=n)))
        return new, near_ids(store)


def test_a_cold_store_keeps_the_index_on_disk_and_the_next_one_reads_it(db_url: str, loads: list[int]) -> None:
    """On a SQLite file, and on a team's PostgreSQL database (a snapshot per desk and login)."""
    db = db_url
    ids = filled(db)
    assert snapshot_files() == []  # the store that filled it never loaded cold with anything stored
    # Cold: loads the 12 hashes from the database and keeps them (before its own is inserted:
    # only what is committed goes to disk).
    new1, clusters = add_near(db, 101, of=3)
    assert clusters == [{ids[3], new1}]
    assert len(snapshot_files()) == 1 and loads == []
    new2, clusters = add_near(db, 102, of=7)  # cold: reads the 12 from the file, then the row since
    assert loads == [12]
    assert sorted(clusters, key=min) == [{ids[3], new1}, {ids[7], new2}]
    # The second read one row more from the database than its file held: enough, for so small an
    # index, to write it again (13).
    new3, clusters = add_near(db, 103, of=3, bits=12)
    assert loads == [12, 13]
    assert sorted(clusters, key=min) == [{ids[3], new1, new3}, {ids[7], new2}]


def test_a_snapshot_of_rows_deleted_since_is_not_used(db_url: str, loads: list[int]) -> None:
    """A hash deleted from the database (a purge) must link nothing, snapshot or not."""
    db = db_url
    ids = filled(db)
    add_near(db, 101, of=3)  # writes the snapshot
    engine = create_engine(db if "://" in db else f"sqlite:///{db}")
    with engine.begin() as conn:  # picture 5's hash
        conn.execute(text("DELETE FROM media_signatures WHERE sha256 = :sha"), {"sha": sha(6)})
    engine.dispose()
    new, clusters = add_near(db, 102, of=5)
    assert loads == []  # refused: fewer rows than it knew
    assert ids[5] not in set().union(*clusters) and new not in set().union(*clusters)


def test_a_snapshot_of_another_database_at_the_same_path_is_not_used(tmp_path: Path, loads: list[int]) -> None:
    """Same path, same number of rows and ids, other hashes: the sampled rows tell them apart."""
    db, other = tmp_path / "q.sqlite3", tmp_path / "other.sqlite3"
    filled(db)
    add_near(db, 101, of=3)  # the snapshot of q.sqlite3 (its 12 hashes before this one)
    with Store.open(other) as store:
        for k in range(12):
            item_with(store, sha(k + 1))
            thumb(store, sha(k + 1), sig(base_hash(900 + k)))
        item_with(store, sha(101))
        thumb(store, sha(101), sig(base_hash(999)))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(other, db)
    _new, clusters = add_near(db, 102, of=3)  # near q.sqlite3's picture 3, which this database has not
    assert loads == [] and clusters == []


def test_a_damaged_snapshot_is_ignored_and_rewritten(tmp_path: Path, loads: list[int]) -> None:
    db = tmp_path / "q.sqlite3"
    ids = filled(db)
    add_near(db, 101, of=3)
    (file,) = snapshot_files()
    file.write_bytes(file.read_bytes()[:300])  # cut short
    new, clusters = add_near(db, 102, of=7)
    assert loads == [] and {ids[7], new} in clusters
    new2, clusters = add_near(db, 103, of=9)  # the rewritten one is read
    assert loads == [13] and {ids[9], new2} in clusters


def test_tables_that_do_not_fit_are_sorted_again(tmp_path: Path, loads: list[int]) -> None:
    db = tmp_path / "q.sqlite3"
    ids = filled(db)
    add_near(db, 101, of=3)
    (file,) = snapshot_files()
    with np.load(file) as z:
        parts = {k: z[k] for k in z.files}
    parts["order"] = parts["order"] + 1000  # positions past the end
    with open(file, "wb") as f:
        np.savez(f, **parts)
    new, clusters = add_near(db, 102, of=7)
    assert loads == [12]  # the entries are good: used; the tables: sorted again
    assert {ids[7], new} in clusters and {ids[3]} < set().union(*clusters)


def test_snapshots_unused_for_a_month_are_deleted_by_the_next_write(tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite3"
    filled(db)
    folder = snapshot.folder()
    folder.mkdir(parents=True)
    old, recent = folder / "old.npz", folder / "recent.npz"
    for f, age_days in ((old, 31), (recent, 29)):
        f.write_bytes(b"x")
        t = time.time() - age_days * 24 * 3600
        os.utime(f, (t, t))
    add_near(db, 101, of=3)  # writes this database's snapshot
    assert not old.exists() and recent.exists() and len(list(folder.glob("*.npz"))) == 2


def test_a_cache_folder_that_cannot_be_made_costs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only home: no snapshot, and the index loads from the database as before."""
    db = tmp_path / "q.sqlite3"
    ids = filled(db)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("MODERATOR_CACHE_DIR", str(blocker / "cache"))
    new, clusters = add_near(db, 101, of=3)
    assert clusters == [{ids[3], new}]
