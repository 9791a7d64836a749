"""The hash lists' PDQ index kept on disk (core/store/dupes_snapshot.py, ``-lists.npz``): a
cold store reads it back instead of every signal of every list from the database, and never
trusts one that is not true of the database.

Each test checks what a reviewer would see — the banner's list, category and distance for a
new picture — after the snapshot was used, or refused. MIN_HASHES is lowered so that a
dozen signals make a snapshot."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from moderator_gui.core.store import Store
from moderator_gui.core.store import dupes_snapshot as snapshot
from moderator_gui.core.store.dupes_index import ListIndex
from moderator_gui.core.store.hashlists import Match
from test_dupes_snapshot import _small, snapshot_loads  # noqa: F401  (_small: an autouse fixture)
from test_dupes_store import base_hash, flip, item_with, sha, sig, thumb


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many signals each cold store took from a snapshot (one number per snapshot used)."""
    return snapshot_loads(monkeypatch, ListIndex)


def import_list(path: Path | str, name: str, seeds: Sequence[int]) -> list[str]:
    """A list ``name`` of one PDQ signal per seed (far apart), each in a category of its own
    turn; returns the categories, by position."""
    with Store.open(path) as store:
        codes = [c.code for c in store.policy.categories if c.code != "none"][:3]
        cats = [codes[k % len(codes)] for k in range(len(seeds))]
        rows = "".join(f"pdq,{base_hash(s)},{c},\n" for s, c in zip(seeds, cats, strict=True))
        report = store.import_hash_list(name, io.StringIO("signal_type,signal,category,note\n" + rows))
        assert report.signals == len(seeds) and report.rejected == 0
    return cats


def list_files() -> list[Path]:
    folder = snapshot.folder()
    return sorted(folder.glob("*-lists.npz")) if folder.is_dir() else []


def new_picture(path: Path | str, n: int, near_seed: int, bits: int = 9) -> Match | None:
    """In a cold store: a new picture ``n`` whose hash is ``bits`` from the signal of ``near_seed``;
    the match the desk would show for it."""
    with Store.open(path) as store:
        item_with(store, sha(n))
        thumb(store, sha(n), sig(flip(base_hash(near_seed), bits, seed=n)))
        return store.matches([sha(n)]).get(sha(n))


def test_a_cold_store_keeps_the_lists_index_on_disk_and_the_next_one_reads_it(db_url: str, loads: list[int]) -> None:
    """On a SQLite file, and on a team's PostgreSQL database."""
    cats = import_list(db_url, "Partner A", range(100, 112))
    assert list_files() == []  # the import itself indexes no list
    # Cold: the first new picture loads the list's 12 signals from the database, and keeps them.
    assert new_picture(db_url, 1, near_seed=103) == Match("Partner A", cats[3], 9)
    assert len(list_files()) == 1 and loads == []
    # The next cold store reads them from the file: same list, same category, same distance.
    assert new_picture(db_url, 2, near_seed=107, bits=12) == Match("Partner A", cats[7], 12)
    assert new_picture(db_url, 3, near_seed=110, bits=3) == Match("Partner A", cats[10], 3)
    assert loads == [12, 12]
    assert new_picture(db_url, 4, near_seed=500) is None  # on no list


def test_a_second_list_and_a_re_imported_one_are_not_taken_from_an_old_snapshot(
    db_url: str, loads: list[int]
) -> None:
    """Another list imported since, or a list replaced by a new version (its signals gone): the
    snapshot is of other lists, and the matches are the database's."""
    import_list(db_url, "Partner A", range(100, 112))
    new_picture(db_url, 1, near_seed=103)  # writes the snapshot of Partner A
    cats_b = import_list(db_url, "Partner B", range(200, 210))
    assert new_picture(db_url, 2, near_seed=205) == Match("Partner B", cats_b[5], 9)
    assert loads == []  # refused: other lists; loaded from the database and written again
    cats_a = import_list(db_url, "Partner A", range(300, 312))  # version 2: none of version 1's signals
    assert new_picture(db_url, 3, near_seed=104) is None
    assert loads == []  # refused again: Partner A's new version has a new id
    # Pictures 4 and 5 read the snapshot picture 3's store wrote (10 + 12 signals).
    assert new_picture(db_url, 4, near_seed=304) == Match("Partner A", cats_a[4], 9)
    assert new_picture(db_url, 5, near_seed=206) == Match("Partner B", cats_b[6], 9)
    assert loads == [22, 22]


def test_the_newest_list_re_imported_at_the_same_size_is_not_taken_from_an_old_snapshot(
    tmp_path: Path, loads: list[int]
) -> None:
    """SQLite gives the rows deleted last their ids again: version 2 of the newest list, as long
    as version 1 with one signal changed, has version 1's list id, signal ids and row count."""
    db = tmp_path / "q.sqlite3"
    import_list(db, "Partner A", range(100, 140))
    new_picture(db, 1, near_seed=103)  # writes the snapshot of version 1
    cats = import_list(db, "Partner A", [*range(100, 117), 999, *range(118, 140)])  # 117 -> 999
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT id FROM hash_lists")).scalar() == 1  # the same id
        assert conn.execute(text("SELECT min(id), max(id) FROM hash_list_signals")).one() == (1, 40)
    engine.dispose()
    assert new_picture(db, 2, near_seed=117) is None
    assert new_picture(db, 3, near_seed=999) == Match("Partner A", cats[17], 9)
    assert loads == [40]  # picture 3's store read the snapshot picture 2's wrote; version 1's was refused


def test_a_snapshot_of_signals_deleted_since_is_not_used(tmp_path: Path, loads: list[int]) -> None:
    """A signal deleted by hand behind the store's back (one the snapshot's sample does not look
    at) must match nothing, snapshot or not."""
    db = tmp_path / "q.sqlite3"
    import_list(db, "Partner A", range(100, 140))
    new_picture(db, 1, near_seed=103)  # writes the snapshot
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM hash_list_signals WHERE signal = :s"), {"s": base_hash(101)})
    engine.dispose()
    assert new_picture(db, 2, near_seed=101) is None
    assert loads == []  # refused: fewer rows than it knew


def test_a_snapshot_of_a_signal_changed_since_is_not_used(tmp_path: Path, loads: list[int]) -> None:
    """A signal changed by hand (same rows, same lists): the sampled signals tell."""
    db = tmp_path / "q.sqlite3"
    cats = import_list(db, "Partner A", range(100, 140))
    new_picture(db, 1, near_seed=103)
    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE hash_list_signals SET signal = :new WHERE id = 40"), {"new": base_hash(777)})
    engine.dispose()
    assert new_picture(db, 2, near_seed=139) is None
    assert new_picture(db, 3, near_seed=777) == Match("Partner A", cats[39], 9)
    assert loads == [40]  # picture 3's store read the snapshot picture 2's wrote


@pytest.mark.parametrize("damage", ["truncated", "garbage", "category past the labels"])
def test_a_damaged_snapshot_is_not_used(tmp_path: Path, loads: list[int], damage: str) -> None:
    import numpy as np

    db = tmp_path / "q.sqlite3"
    cats = import_list(db, "Partner A", range(100, 112))
    new_picture(db, 1, near_seed=103)
    [file] = list_files()
    if damage == "truncated":
        file.write_bytes(file.read_bytes()[:300])
    elif damage == "garbage":
        file.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    else:
        with np.load(file) as z:
            arrays = {k: z[k] for k in z.files}
        arrays["cats"] = np.full_like(arrays["cats"], 40)
        with open(file, "wb") as f:
            np.savez(f, **arrays)
    assert new_picture(db, 2, near_seed=108) == Match("Partner A", cats[8], 9)
    assert loads == []
    assert new_picture(db, 3, near_seed=109) == Match("Partner A", cats[9], 9)  # rewritten by the one before
    assert loads == [12]


def test_a_snapshot_that_cannot_even_be_looked_at_costs_no_save(
    tmp_path: Path, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache folder that cannot be searched (on Python 3.11 ``is_file`` raises then): the
    pictures are saved and matched from the database as if there were no snapshot."""
    db = tmp_path / "q.sqlite3"
    cats = import_list(db, "Partner A", range(100, 112))
    new_picture(db, 1, near_seed=103)
    real = Path.is_file

    def denied(self: Path) -> bool:
        if self.suffix == ".npz":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "is_file", denied)
    assert new_picture(db, 2, near_seed=106) == Match("Partner A", cats[6], 9)
    assert loads == []
