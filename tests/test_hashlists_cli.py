"""Hash lists through ``moderator-cli hashlist`` and ``queue --json``: import marks matching items,
re-import replaces (and unmarks), malformed rows are rejected with line and reason, new media
are matched as they arrive, export writes the signals of items decided in violating categories."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from factories import make_item, record
from moderator_gui.cli import main
from moderator_gui.core.store import QueueFilter, Store
from test_dupes_store import base_hash, flip, sig, thumb


def write_list(path: Path, rows: list[tuple[str, str, str, str]], header: str = "signal_type,signal,category,note") -> Path:
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def queue_json(db: str, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert main(["queue", "--db", db, "--status", "all", "--json"]) == 0
    return {r["external_id"]: r for r in json.loads(capsys.readouterr().out)}


@pytest.fixture
def cats(store: Store) -> list[str]:
    return [c.code for c in store.policy.categories]


def test_import_marks_items_by_sha256_md5_and_pdq(
    store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], cats: list[str]
) -> None:
    sha_a = hashlib.sha256(b"a").hexdigest()
    make_item(store, external_id="by-sha", sha256=sha_a)
    make_item(store, external_id="by-md5", sha256="b" * 64)
    make_item(store, external_id="by-pdq", sha256="c" * 64)
    make_item(store, external_id="clean", sha256="d" * 64)
    md5 = hashlib.md5(b"b", usedforsecurity=False).hexdigest()
    store.save_media_many([("b" * 64, {"state": "ok", "pipeline_version": 3, "signatures": [
        {"signal_type": "md5", "variant": "file", "signal": md5, "quality": None}]})])
    h = base_hash(11)
    thumb(store, "c" * 64, sig(flip(h, 7)))
    thumb(store, "d" * 64, sig(base_hash(12)))
    lst = write_list(
        tmp_path / "list.csv",
        [("sha256", sha_a, cats[0], "seen on x"), ("md5", md5.upper(), cats[1], ""), ("pdq", h, cats[2], "sticker")],
    )
    assert main(["hashlist", "import", str(lst), "--name", "partner-a", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "imported list 'partner-a': 3 signals, 0 rows rejected; 3 contents match it" in out
    rows = queue_json(db_url, capsys)
    assert rows["by-sha"]["match"] == {"source": "partner-a", "category": cats[0], "distance": 0}
    assert rows["by-md5"]["match"] == {"source": "partner-a", "category": cats[1], "distance": 0}
    assert rows["by-pdq"]["match"] == {"source": "partner-a", "category": cats[2], "distance": 7}
    assert rows["clean"]["match"] is None


def test_reimport_replaces_the_list_and_unmarks_removed_signals(
    store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], cats: list[str]
) -> None:
    make_item(store, external_id="one", sha256="1" * 64)
    make_item(store, external_id="two", sha256="2" * 64)
    first = write_list(tmp_path / "v1.csv", [("sha256", "1" * 64, cats[0], ""), ("sha256", "2" * 64, cats[0], "")])
    assert main(["hashlist", "import", str(first), "--name", "L", "--db", db_url]) == 0
    second = write_list(tmp_path / "v2.csv", [("sha256", "2" * 64, cats[3], "recategorised")])
    assert main(["hashlist", "import", str(second), "--name", "L", "--db", db_url]) == 0
    assert "replaced list 'L': 1 signals, 0 rows rejected; 1 contents match it, 1 no longer" in capsys.readouterr().out
    rows = queue_json(db_url, capsys)
    assert rows["one"]["match"] is None
    assert rows["two"]["match"] == {"source": "L", "category": cats[3], "distance": 0}
    assert [(x["name"], x["signals"]) for x in store.hash_lists()] == [("L", 1)]


def test_malformed_rows_are_rejected_with_line_and_reason(
    store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], cats: list[str]
) -> None:
    make_item(store, external_id="ok", sha256="e" * 64)
    lst = write_list(
        tmp_path / "bad.csv",
        [
            ("pdq", "a" * 63, cats[0], ""),
            ("sha1", "a" * 40, cats[0], ""),
            ("sha256", "e" * 64, "no_such_category", ""),
            ("sha256", "e" * 64, cats[0], "good"),
        ],
    )
    assert main(["hashlist", "import", str(lst), "--name", "mixed", "--db", db_url]) == 0
    cap = capsys.readouterr()
    assert "1 signals, 3 rows rejected; 1 contents match it" in cap.out
    lines = cap.err.splitlines()
    assert lines[0].startswith("line 2: ") and "64" in lines[0] and "63" in lines[0]
    assert lines[1].startswith("line 3: ") and "sha1" in lines[1]
    assert lines[2].startswith("line 4: ") and "no_such_category" in lines[2]


def test_a_file_without_the_header_is_refused_and_nothing_is_stored(
    store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lst = write_list(tmp_path / "nohead.csv", [("sha256", "e" * 64, "x", "")], header="type,value")
    assert main(["hashlist", "import", str(lst), "--name", "L", "--db", db_url]) == 3
    assert "signal_type" in capsys.readouterr().err
    assert store.hash_lists() == []


def test_media_hashed_after_the_import_are_marked_as_they_arrive(
    store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], cats: list[str]
) -> None:
    h = base_hash(13)
    lst = write_list(tmp_path / "l.csv", [("pdq", h, cats[1], "")])
    assert main(["hashlist", "import", str(lst), "--name", "early", "--db", db_url]) == 0
    make_item(store, external_id="later", sha256="f" * 64)
    thumb(store, "f" * 64, sig(flip(h, 30)))
    row = store.queue_page(QueueFilter(status="all"))[0]
    assert (row.match_source, row.match_category, row.match_distance) == ("early", cats[1], 30)


def test_export_writes_the_signals_of_items_decided_in_violating_categories(
    store: Store, db_url: str, tmp_path: Path, cats: list[str]
) -> None:
    policy = store.policy
    bad = make_item(store, external_id="bad", sha256="1" * 64)
    fine = make_item(store, external_id="fine", sha256="2" * 64)
    make_item(store, external_id="open", sha256="3" * 64)
    h = base_hash(14)
    thumb(store, "1" * 64, sig(h), sig(flip(h, 3), variant="crop90"))
    record(store, bad, category=cats[1])
    record(store, fine, category=policy.no_violation.code)
    out = tmp_path / "out.csv"
    assert main(["hashlist", "export", "--db", db_url, "-o", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["signal_type", "signal", "category", "note"]
    assert rows[1:] == [["sha256", "1" * 64, cats[1], "weibo:bad"], ["pdq", h, cats[1], "weibo:bad"]]
    # What one team exports, another imports.
    make_item(store, external_id="copy", sha256="4" * 64)
    thumb(store, "4" * 64, sig(flip(h, 12)))
    assert main(["hashlist", "import", str(out), "--name", "ours", "--db", db_url]) == 0
    assert main(["hashlist", "export", "--db", db_url, "--category", cats[2], "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines() == ["signal_type,signal,category,note"]
    got = {r.external_id: r.match_category for r in store.queue_page(QueueFilter(status="all"))}
    assert got["copy"] == cats[1]


def test_clusters_command_json(store: Store, db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    h = base_hash(15)
    a = make_item(store, external_id="a", sha256="1" * 64)
    b = make_item(store, external_id="b", sha256="1" * 64)
    c = make_item(store, external_id="c", sha256="2" * 64)
    thumb(store, "1" * 64, sig(h))
    thumb(store, "2" * 64, sig(flip(h, 20)))
    capsys.readouterr()
    assert main(["clusters", "--db", db_url, "--json"]) == 0
    got = json.loads(capsys.readouterr().out)["clusters"]
    assert [(x["kind"], [i["id"] for i in x["items"]]) for x in got] == [("exact", [a, b]), ("near", [a, b, c])]
    assert got[0]["items"][0]["external_id"] == "a"
    assert main(["clusters", "--db", db_url, "--json", "--min-size", "3"]) == 0
    assert [x["kind"] for x in json.loads(capsys.readouterr().out)["clusters"]] == ["near"]
    assert main(["clusters", "--db", db_url, "--min-size", "1"]) == 2


def test_a_list_that_is_not_utf8_is_refused_and_nothing_is_stored(
    store: Store, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"signal_type,signal,category,note\n" + "md5,00,x,caf\xe9\n".encode("latin-1"))
    assert main(["hashlist", "import", str(bad), "--name", "L", "--db", db_url]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    assert store.hash_lists() == []


def test_clusters_of_a_database_that_does_not_exist_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.sqlite3"
    assert main(["clusters", "--db", str(missing)]) == 3
    assert "there is no database" in capsys.readouterr().err
    assert not missing.exists()


def test_a_list_index_loaded_page_by_page_marks_media_and_leaves_out_a_malformed_row(
    sqlite_store: Store, sqlite_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    """Two lists of several categories, read in pages of 3 rows (the index keeps categories as
    codes: each match must still name its own list and category); a signal row written by hand
    with a bad hash is left out with a warning, and costs the others nothing."""
    import sqlite3

    from moderator_gui.core.store import hashlists

    monkeypatch.setattr(hashlists, "_LOAD_BATCH", 3)
    cats = [c.code for c in sqlite_store.policy.categories]
    db = str(sqlite_path)
    hashes = [base_hash(300 + k) for k in range(8)]
    first = write_list(tmp_path / "a.csv", [("pdq", h, cats[k % 3], "") for k, h in enumerate(hashes[:5])])
    second = write_list(tmp_path / "b.csv", [("pdq", h, cats[3 + k % 2], "") for k, h in enumerate(hashes[5:])])
    assert main(["hashlist", "import", str(first), "--name", "a", "--db", db]) == 0
    assert main(["hashlist", "import", str(second), "--name", "b", "--db", db]) == 0
    with sqlite3.connect(sqlite_path) as raw:
        raw.execute(
            "INSERT INTO hash_list_signals (list_id, signal_type, signal, category, note) "
            "SELECT id, 'pdq', 'not hex', ?, '' FROM hash_lists WHERE name = 'a'",
            (cats[0],),
        )
    want = {}
    for k, h in enumerate(hashes):
        sha = f"{k + 1:064x}"
        make_item(sqlite_store, external_id=f"x{k}", sha256=sha)
        thumb(sqlite_store, sha, sig(flip(h, 4 + k, seed=k)))
        want[f"x{k}"] = ("a", cats[k % 3], 4 + k) if k < 5 else ("b", cats[3 + (k - 5) % 2], 4 + k)
    rows = {r.external_id: r for r in sqlite_store.queue_page(QueueFilter(status="all"))}
    assert {x: (r.match_source, r.match_category, r.match_distance) for x, r in rows.items()} == want
    assert "1 malformed list signal rows left out of the PDQ index" in caplog.text
