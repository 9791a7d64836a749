"""Decision-log export: real events in a real database (SQLite file and PostgreSQL), real files read back."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from factories import T0, bulk_decisions, decided_history, make_item, record
from moderator_gui.cli import main
from moderator_gui.core import export as export_module
from moderator_gui.core.decision_filter import DecisionFilter, FilterError
from moderator_gui.core.export import (
    ALL_COLUMNS,
    GENESIS_HASH,
    ExportCancelled,
    ExportError,
    export_decisions,
    verify_file,
    write_export,
)
from moderator_gui.core.paths import resources_dir
from moderator_gui.core.store import Store
from moderator_gui.core.store.decision_log import DecisionLogMixin

SCHEMA = json.loads((resources_dir() / "schemas" / "decision-log.schema.json").read_text(encoding="utf-8"))


def read_csv(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """Data rows as dicts, and the seal row, read the way a spreadsheet importer would."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(ALL_COLUMNS)
    return [dict(zip(ALL_COLUMNS, r, strict=True)) for r in rows[1:-1]], rows[-1]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "store.sqlite3" and not p.name.startswith("store.sqlite3-"))


@pytest.fixture
def history(store: Store) -> dict[str, object]:
    """Decide, skip, escalate and an undo, with a Chinese note, by three reviewers."""
    events = decided_history(store, 3)  # alice, bob, alice on 2026-11-01
    item = make_item(store, external_id="帖子-甲", uploader="上传者")
    skip = record(store, item, "skip", reviewer="carol", decided_at=T0 + timedelta(days=1))
    esc = record(store, item, "escalate", reviewer="carol", note="需要组长复核", decided_at=T0 + timedelta(days=1, hours=1))
    undo = store.revert(events[1].uuid, "alice", note="误判")
    return {"events": events, "skip": skip, "escalate": esc, "undo": undo, "item": item}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_writes_every_event_in_order_and_verifies(store: Store, history: dict, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"log.{fmt}"
    result = export_decisions(store, out, fmt, DecisionFilter())
    assert result.rows == 6 and result.path == out
    rows = read_csv(out)[0] if fmt == "csv" else read_jsonl(out)[:-1]
    assert [r["kind"] for r in rows] == ["decide", "decide", "decide", "skip", "escalate", "revert"]
    assert [int(r["seq"]) for r in rows] == sorted(int(r["seq"]) for r in rows)
    first, esc, undo = rows[0], rows[4], rows[5]
    cat = store.policy.categories[0]
    assert first["category"] == cat.code
    assert first["category_label_en"] == cat.label.en
    assert first["category_label_zh_CN"] == cat.label.zh_CN == "未成年人直播及网红拜金炫富"
    assert first["actions"] == ";".join(cat.default_actions)
    assert first["decided_at"] == "2026-11-01T09:00:00.000000Z"
    assert first["reviewer"] == "alice"
    assert esc["external_id"] == "帖子-甲" and esc["uploader"] == "上传者" and esc["note"] == "需要组长复核"
    assert esc["actions"] == "escalate"
    assert undo["reverts"] == history["events"][1].uuid and undo["note"] == "误判"
    assert rows[1]["supersedes"] in ("", None)
    assert esc["supersedes"] == history["skip"].uuid
    check = verify_file(out)
    assert check.ok, check.message
    assert check.rows == 6 and check.final_hash == result.final_hash
    assert check.message == f"OK: 6 rows, final hash {result.final_hash}"


def test_csv_is_utf8_with_bom_and_crlf(store: Store, history: dict, tmp_path: Path) -> None:
    out = tmp_path / "log.csv"
    export_decisions(store, out, "csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfseq,uuid,")
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n") == 8  # header, 6 rows, seal
    assert "色情暴力内容".encode() in raw  # bob's decision, category 2, readable Chinese in the file


def test_csv_neutralises_formula_cells_and_jsonl_keeps_them(store: Store, tmp_path: Path) -> None:
    item = make_item(store, external_id="=HYPERLINK(\"http://x\")", uploader="@evil", platform="+plat")
    record(store, item, reviewer="-mallory", category="cyberbullying", note="\tcmd|' /C calc'!A0")
    record(store, make_item(store), reviewer="bob", category="no_violation", note="\rline, with comma")
    export_decisions(store, tmp_path / "log.csv", "csv")
    export_decisions(store, tmp_path / "log.jsonl", "jsonl")
    rows, _ = read_csv(tmp_path / "log.csv")
    assert rows[0]["external_id"] == "'=HYPERLINK(\"http://x\")"
    assert rows[0]["uploader"] == "'@evil"
    assert rows[0]["platform"] == "'+plat"
    assert rows[0]["reviewer"] == "'-mallory"
    assert rows[0]["note"] == "'\tcmd|' /C calc'!A0"
    assert rows[1]["note"] == "'\rline, with comma"
    for row in rows:  # no cell a spreadsheet would evaluate
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())
    raw = read_jsonl(tmp_path / "log.jsonl")
    assert raw[0]["external_id"] == "=HYPERLINK(\"http://x\")" and raw[0]["reviewer"] == "-mallory"
    assert verify_file(tmp_path / "log.csv").ok and verify_file(tmp_path / "log.jsonl").ok


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_hash_chain_is_computable_from_the_documented_rule(store: Store, history: dict, tmp_path: Path, fmt: str) -> None:
    """row_hash = sha256(prev_hash + compact JSON array of the 20 data values as written)."""
    out = tmp_path / f"log.{fmt}"
    export_decisions(store, out, fmt)
    rows = read_csv(out)[0] if fmt == "csv" else read_jsonl(out)[:-1]
    prev = GENESIS_HASH
    for r in rows:
        values = [r[c] for c in ALL_COLUMNS[:-2]]
        assert r["prev_hash"] == prev
        canonical = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
        assert r["row_hash"] == hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()
        prev = r["row_hash"]


def test_jsonl_rows_and_seal_match_the_schema(store: Store, history: dict, tmp_path: Path) -> None:
    out = tmp_path / "log.jsonl"
    result = export_decisions(store, out, "jsonl", DecisionFilter(reviewer="carol"))
    lines = read_jsonl(out)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for obj in lines:
        validator.validate(obj)
    seal = lines[-1]
    assert seal["record"] == "seal" and seal["rows"] == result.rows == 2
    assert seal["final_hash"] == result.final_hash == lines[-2]["row_hash"]
    assert seal["filter"]["reviewer"] == "carol"
    assert seal["exported_at"].endswith("Z")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**lines[0], "seq": "1"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({k: v for k, v in seal.items() if k != "seal_hash"})


def test_filters_select_events(store: Store, history: dict, tmp_path: Path) -> None:
    def kinds(flt: DecisionFilter) -> list[tuple[str, str]]:
        out = tmp_path / "f.jsonl"
        export_decisions(store, out, "jsonl", flt)
        return [(r["kind"], r["reviewer"]) for r in read_jsonl(out)[:-1]]

    day1 = date(2026, 11, 1)
    assert kinds(DecisionFilter(since=day1, until=day1)) == [("decide", "alice"), ("decide", "bob"), ("decide", "alice")]
    assert kinds(DecisionFilter.parse(since="2026-11-02", until="2026-11-02")) == [("skip", "carol"), ("escalate", "carol")]
    # an exact until instant is inclusive
    assert kinds(DecisionFilter.parse(until="2026-11-01T09:07:00Z")) == [("decide", "alice"), ("decide", "bob")]
    assert kinds(DecisionFilter(reviewer="carol")) == [("skip", "carol"), ("escalate", "carol")]
    assert kinds(DecisionFilter(category="porn_violence")) == [("decide", "bob")]
    assert kinds(DecisionFilter(action="escalate")) == [("escalate", "carol")]
    assert kinds(DecisionFilter(action="warn")) == [("decide", "alice")]  # harmful_animation's defaults
    assert kinds(DecisionFilter(reviewer="nobody")) == []


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (DecisionFilter(category="porn"), "unknown category code 'porn'"),
        (DecisionFilter(action="remove"), "unknown action code 'remove'"),
        (DecisionFilter(action='%"'), "unknown action code"),
        (
            DecisionFilter(since=date(2026, 11, 3), until=date(2026, 11, 2)),
            r"the start \(2026-11-03\) is after the end \(2026-11-02\)",
        ),
    ],
)
def test_bad_filter_is_refused_before_writing(sqlite_store: Store, tmp_path: Path, flt: DecisionFilter, expected: str) -> None:
    with pytest.raises(ExportError, match=expected):
        export_decisions(sqlite_store, tmp_path / "x.csv", "csv", flt)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("text", ["2026-02-30", "yesterday", "2026-11-01T25:00"])
def test_bad_dates_are_named(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(FilterError, match=f"^'{text}' is not a") as caught:
        DecisionFilter.parse(since=text)
    assert caught.value.field == "since"  # a window marks that field; the CLI names its option:
    assert main(["export", "--format", "csv", "--since", text]) == 2
    assert f"moderator-cli export: --since: '{text}' is not a" in capsys.readouterr().err


def test_naive_times_are_utc_and_offsets_converted() -> None:
    flt = DecisionFilter.parse(since="2026-11-01T10:00", until="2026-11-01T18:00+08:00")
    assert flt.since == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert flt.until == datetime(2026, 11, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_cancel_mid_export_leaves_no_file_and_keeps_the_old_one(sqlite_store: Store, tmp_path: Path, fmt: str) -> None:
    bulk_decisions(sqlite_store, 12_000)
    out = tmp_path / f"log.{fmt}"
    out.write_text("yesterday's export\n", encoding="utf-8")
    seen: list[int] = []

    def progress(done: int) -> bool:
        seen.append(done)
        return done < 10_000

    with pytest.raises(ExportCancelled, match="cancelled after 10000 rows"):
        export_decisions(sqlite_store, out, fmt, DecisionFilter(), progress)
    assert seen == [5000, 10000]
    assert out.read_text(encoding="utf-8") == "yesterday's export\n"
    assert _leftovers(tmp_path) == [out.name]
    # the pooled connection went back as it came (the fast path reads TEXT as bytes meanwhile)
    assert sqlite_store.reviewers() == ["bulk"] and sqlite_store.item(1).external_id.startswith("post-")


def test_error_mid_export_leaves_no_temp_file(sqlite_store: Store, tmp_path: Path) -> None:
    bulk_decisions(sqlite_store, 6_000)

    def progress(done: int) -> None:
        raise RuntimeError("disk went away")

    with pytest.raises(RuntimeError, match="disk went away"):
        export_decisions(sqlite_store, tmp_path / "log.csv", "csv", DecisionFilter(), progress)
    assert _leftovers(tmp_path) == []


def test_progress_counts_every_batch_and_complete_export_replaces_old_file(sqlite_store: Store, tmp_path: Path) -> None:
    bulk_decisions(sqlite_store, 12_000)
    out = tmp_path / "log.csv"
    out.write_text("old", encoding="utf-8")
    seen: list[int] = []
    result = export_decisions(sqlite_store, out, "csv", DecisionFilter(), lambda n: seen.append(n))
    assert seen == [5000, 10000, 12000]
    assert result.rows == 12_000 and verify_file(out).ok
    assert _leftovers(tmp_path) == ["log.csv"]


def test_unwritable_target_is_a_clear_error(sqlite_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_decisions(sqlite_store, tmp_path / "missing" / "log.csv", "csv")
    with pytest.raises(ExportError, match="is a folder"):
        export_decisions(sqlite_store, tmp_path, "csv")


# -- CLI ------------------------------------------------------------------------------------------
def test_cli_export_to_file_then_verify(
    store: Store, history: dict, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "log.csv"
    assert main(["export", "--db", db_url, "--format", "csv", "-o", str(out), "--reviewer", "alice"]) == 0
    err = capsys.readouterr().err
    assert f"exported 3 rows to {out}" in err  # 2 decisions + the undo, all by alice
    assert main(["verify", str(out)]) == 0
    assert capsys.readouterr().out.startswith("OK: 3 rows, final hash ")


def test_cli_export_to_stdout_is_a_complete_sealed_log(
    sqlite_store: Store, sqlite_path: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    decided_history(sqlite_store, 2)
    assert main(["export", "--db", str(sqlite_path), "--format", "jsonl"]) == 0
    captured = capsysbinary.readouterr()
    copy = tmp_path / "stdout.jsonl"
    copy.write_bytes(captured.out)
    assert verify_file(copy).ok
    assert b"exported 2 rows to standard output" in captured.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "nope"], "unknown category code 'nope'"),
        (["--action", "nope"], "unknown action code 'nope'"),
        (["--since", "2026-1-1"], "--since: '2026-1-1' is not a date"),
    ],
)
def test_cli_export_bad_filters_exit_2(
    sqlite_store: Store, sqlite_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "log.csv"
    assert main(["export", "--db", str(sqlite_path), "--format", "csv", "-o", str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_export_warns_about_unknown_reviewer(
    sqlite_store: Store, sqlite_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "log.csv"
    assert main(["export", "--db", str(sqlite_path), "--format", "csv", "-o", str(out), "--reviewer", "alcie"]) == 0
    assert "no reviewer named 'alcie'" in capsys.readouterr().err
    assert verify_file(out).rows == 0 and verify_file(out).ok


def test_cli_export_to_missing_folder_exits_1(
    sqlite_store: Store, sqlite_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--db", str(sqlite_path), "--format", "csv", "-o", str(tmp_path / "no" / "x.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err


NASTY = [
    "=1+1", "+x", "-", "@", "\tx", "\rx", "a,b", 'say "hi"', "back\\slash", "line\nbreak\r\n", "\x00nul\x1f",
    "中文，全角", "😀 emoji", "\u2028sep", "a|=b", "x\",\"=y", "'quoted", "",
]  # fmt: skip


def test_sqlite_fast_path_writes_exactly_what_the_generic_path_writes(
    sqlite_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQLite json_array() transport is an optimisation only: same bytes, same hashes."""
    for k, text in enumerate(NASTY):
        item = make_item(sqlite_store, uploader=NASTY[-k - 1] or None, external_id=f"{text}#{k}")
        record(sqlite_store, item, category="no_violation", note=text)
    fast, generic = tmp_path / "fast.csv", tmp_path / "generic.csv"
    export_decisions(sqlite_store, fast, "csv")
    monkeypatch.setattr(DecisionLogMixin, "_sqlite_json_rows", lambda *args: None)
    export_decisions(sqlite_store, generic, "csv")
    seal_start = fast.read_bytes().rindex(b"#seal,")
    assert fast.read_bytes()[:seal_start] == generic.read_bytes()[:seal_start]
    rows, _ = read_csv(fast)
    assert [r["note"] for r in rows] == [export_module.neutralise(t) for t in NASTY]
    assert verify_file(fast).ok and verify_file(generic).ok


def test_disk_full_while_writing_is_an_export_error(sqlite_store: Store) -> None:
    decided_history(sqlite_store, 2)

    class FullDisk(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            if self.tell() > 100:
                raise OSError(errno.ENOSPC, "No space left on device")
            return super().write(data)

    with pytest.raises(ExportError, match="cannot write the export: No space left on device"):
        write_export(sqlite_store, FullDisk(), "csv", DecisionFilter())


def test_replacing_an_export_keeps_its_permissions(sqlite_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "log.csv"
    export_decisions(sqlite_store, out, "csv")
    assert out.stat().st_mode & 0o777 == 0o600  # moderation data: private by default
    out.chmod(0o640)
    export_decisions(sqlite_store, out, "csv")
    assert out.stat().st_mode & 0o777 == 0o640
