"""`verify_file` / `moderator-cli verify` on real exports, tampered with in every way we promise to detect."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from factories import decided_history, make_item, record
from moderator_gui.cli import main
from moderator_gui.core.decision_filter import DecisionFilter
from moderator_gui.core.export import export_decisions, seal_hash, verify_file
from moderator_gui.core.store import Store

FORMATS = ["csv", "jsonl"]


def eol(fmt: str) -> bytes:
    return b"\r\n" if fmt == "csv" else b"\n"


def split(path: Path, fmt: str) -> tuple[list[bytes], list[bytes], bytes]:
    """(header lines, data rows, seal line) of an export whose cells hold no line breaks."""
    lines = path.read_bytes().split(eol(fmt))
    assert lines[-1] == b""
    head = lines[:1] if fmt == "csv" else []
    return head, lines[len(head) : -2], lines[-2]


def join(path: Path, fmt: str, head: list[bytes], rows: list[bytes], seal: bytes | None) -> None:
    path.write_bytes(b"".join(line + eol(fmt) for line in [*head, *rows, *([seal] if seal is not None else [])]))


@pytest.fixture
def store6(sqlite_store: Store) -> Store:
    decided_history(sqlite_store, 6)  # seq 1-6, alice on odd, bob on even
    return sqlite_store


def export_of(store: Store, folder: Path, fmt: str) -> Path:
    out = folder / f"log.{fmt}"
    assert export_decisions(store, out, fmt).rows == 6
    assert verify_file(out).ok
    return out


@pytest.fixture(params=FORMATS)
def export6(request: pytest.FixtureRequest, store6: Store, tmp_path: Path) -> tuple[Path, str]:
    return export_of(store6, tmp_path, request.param), request.param


def assert_broken(path: Path, row: int, *words: str) -> None:
    result = verify_file(path)
    assert not result.ok
    assert result.first_bad_row == row, result.message
    for w in words:
        assert w in result.message, result.message


def test_edited_row(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    rows[2] = rows[2].replace(b"post-", b"POST-", 1)
    join(path, fmt, head, rows, seal)
    assert_broken(path, 3, "row 3", "edited")


def _canonical_hash(prev: str, values: list) -> str:
    """The documented rule, computed here independently of the exporter."""
    return hashlib.sha256((prev + json.dumps(values, ensure_ascii=False, separators=(",", ":"))).encode()).hexdigest()


def test_edited_row_with_recomputed_row_hash_breaks_the_next_link(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    if fmt == "jsonl":
        obj = json.loads(rows[2])
        obj["note"] = "forged"
        obj["row_hash"] = _canonical_hash(obj["prev_hash"], list(obj.values())[:20])
        rows[2] = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        cells = next(csv.reader([rows[2].decode()]))
        cells[13] = "forged"
        cells[21] = _canonical_hash(cells[20], cells[:20])
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        rows[2] = buf.getvalue().encode()
    join(path, fmt, head, rows, seal)
    assert_broken(path, 4, "row 4", "does not follow row 3")


def test_deleted_row(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    del rows[2]
    join(path, fmt, head, rows, seal)
    assert_broken(path, 3, "row 3 (seq 4)", "deleted")


def test_reordered_rows(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    rows[2], rows[3] = rows[3], rows[2]
    join(path, fmt, head, rows, seal)
    assert_broken(path, 3, "row 3", "reordered")


@pytest.mark.parametrize(("at", "seq"), [(1, 2), (2, 4)])
def test_inserted_row_from_another_export(store6: Store, tmp_path: Path, at: int, seq: int) -> None:
    """A genuine row of another export (the unfiltered one) slipped into alice's export."""
    for fmt in FORMATS:
        alice = tmp_path / f"alice.{fmt}"
        full = tmp_path / f"full.{fmt}"
        export_decisions(store6, alice, fmt, DecisionFilter(reviewer="alice"))  # seq 1, 3, 5
        export_decisions(store6, full, fmt)
        head, rows, seal = split(alice, fmt)
        rows.insert(at, split(full, fmt)[1][seq - 1])
        join(alice, fmt, head, rows, seal)
        assert_broken(alice, at + 1, f"row {at + 1}", "inserted")


def test_seal_removed(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, _ = split(path, fmt)
    join(path, fmt, head, rows, None)
    assert_broken(path, 7, "seal is missing", "after row 6")


def test_cut_short_in_the_middle_of_a_row(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, _ = split(path, fmt)
    data = b"".join(line + eol(fmt) for line in [*head, *rows])
    path.write_bytes(data[:-40])
    assert_broken(path, 6, "cut short")


def test_last_row_deleted_keeping_the_seal(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    join(path, fmt, head, rows[:-1], seal)
    assert_broken(path, 6, "seal says 6 rows but the file has 5")


def _seal_obj(line: bytes, fmt: str) -> dict:
    text = line.decode()
    return json.loads(text if fmt == "jsonl" else next(csv.reader([text]))[1])


def _seal_line(obj: dict, fmt: str) -> bytes:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    if fmt == "jsonl":
        return text.encode()
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(["#seal", text])
    return buf.getvalue().encode()


def test_seal_edited(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    obj = _seal_obj(seal, fmt)
    obj["filter"]["reviewer"] = "alice"  # pretend it was a filtered export
    join(path, fmt, head, rows, _seal_line(obj, fmt))
    assert_broken(path, 7, "seal was edited")


def test_forged_seal_after_deleting_the_last_row(export6: tuple[Path, str]) -> None:
    """Even a seal re-hashed by the forger does not match the chain's real end."""
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    obj = _seal_obj(seal, fmt)
    obj["rows"] = 5
    obj["seal_hash"] = seal_hash(obj)
    join(path, fmt, head, rows[:-1], _seal_line(obj, fmt))
    assert_broken(path, 6, "final_hash does not match the last row")


def test_rows_appended_after_the_seal(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    join(path, fmt, head, [*rows, seal, rows[0]], None)
    assert_broken(path, 7, "content after the seal")


# -- re-saved by a spreadsheet or an editor -----------------------------------------------------
def test_csv_without_bom_is_reported_as_resaved(store6: Store, tmp_path: Path) -> None:
    path = export_of(store6, tmp_path, "csv")
    path.write_bytes(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    result = verify_file(path)
    assert not result.ok and "BOM" in result.message and "re-saved" in result.message


def test_line_ends_converted_is_reported_as_resaved(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"\r\n", b"\n") if fmt == "csv" else raw.replace(b"\n", b"\r\n"))
    assert_broken(path, 1, "re-saved")


def test_csv_requoted_by_a_spreadsheet_is_reported(store6: Store, tmp_path: Path) -> None:
    path = export_of(store6, tmp_path, "csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode())
    assert_broken(path, 1, "re-saved")


def test_jsonl_reserialised_is_reported(store6: Store, tmp_path: Path) -> None:
    path = export_of(store6, tmp_path, "jsonl")
    lines = [json.dumps(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_broken(path, 1, "re-saved")


def test_spreadsheet_dropping_the_neutralising_quote_fails(sqlite_store: Store, tmp_path: Path) -> None:
    record(sqlite_store, make_item(sqlite_store, uploader="@handle"), category="no_violation")
    record(sqlite_store, make_item(sqlite_store), category="no_violation")
    path = tmp_path / "log.csv"
    export_decisions(sqlite_store, path, "csv")
    raw = path.read_bytes()
    assert b",'@handle," in raw
    path.write_bytes(raw.replace(b",'@handle,", b",@handle,"))
    assert_broken(path, 1, "row 1", "edited")


def test_saved_as_gbk_is_not_utf8(store6: Store, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    export_decisions(store6, path, "csv")
    path.write_bytes(path.read_bytes().decode("utf-8").encode("gb18030"))
    result = verify_file(path)
    assert not result.ok and "not UTF-8" in result.message


# -- not an export at all ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"name,age\r\n", "not the format-1 header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8"),
        (b'{"hello": 1}\n', "not a decision-log row"),
        (b'\xef\xbb\xbfseq,"unterminated\r\n', "not a decision-log export"),
    ],
)
def test_not_an_export(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.dat"
    path.write_bytes(content)
    result = verify_file(path)
    assert not result.ok and message in result.message


def test_missing_file(tmp_path: Path) -> None:
    result = verify_file(tmp_path / "nope.csv")
    assert not result.ok and "cannot read" in result.message


# -- CLI --------------------------------------------------------------------------------------------
def test_cli_verify_exit_codes(export6: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    path, fmt = export6
    assert main(["verify", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: 6 rows, final hash ") and len(out.split()[-1]) == 64
    head, rows, seal = split(path, fmt)
    del rows[1]
    join(path, fmt, head, rows, seal)
    assert main(["verify", str(path)]) == 1
    err = capsys.readouterr().err
    assert "FAILED" in err and "row 2" in err and "first bad row: 2" in err


@pytest.mark.parametrize("bad", [None, 7, ["x"]])
def test_hash_of_the_wrong_type_is_an_edit_not_a_crash(
    store6: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: object
) -> None:
    path = export_of(store6, tmp_path, "jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["prev_hash"] = bad
    lines[2] = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_broken(path, 3, "row 3", "not a string")
    assert main(["verify", str(path)]) != 0
    printed = capsys.readouterr()
    assert "row 3" in printed.err + printed.out and "Traceback" not in printed.err


# -- coded verdicts, and a verifier that needs no database ----------------------------------------------
def quoted(template: str) -> str:
    """A stand-in translation that keeps the placeholders and shows where it was applied."""
    return f"«{template}»"


def test_verdicts_are_coded_messages(export6: tuple[Path, str]) -> None:
    """The UI translates a verdict from its code and parameters; ``message`` stays the English text."""
    path, fmt = export6
    ok = verify_file(path)
    assert ok.msg.code == "verify.ok" and ok.msg.args == {"rows": 6, "final_hash": ok.final_hash}
    assert ok.message == ok.msg.render() == f"OK: 6 rows, final hash {ok.final_hash}"
    head, rows, seal = split(path, fmt)
    del rows[2]
    join(path, fmt, head, rows, seal)
    broken = verify_file(path)
    assert broken.msg.code == "verify.deleted" and broken.msg.args == {"row": 3, "seq": 4, "previous": 2}
    assert broken.msg.render(quoted) == "«row 3 (seq 4) does not follow row 2: one or more rows before it were deleted»"


def test_a_row_problem_inside_a_verdict_is_translated_too(export6: tuple[Path, str]) -> None:
    path, fmt = export6
    head, rows, seal = split(path, fmt)
    rows[1] = b"{not json" if fmt == "jsonl" else rows[1] + b",extra"
    join(path, fmt, head, rows, seal)
    result = verify_file(path)
    assert result.msg.code == "verify.bad_row" and result.first_bad_row == 2
    problem = result.msg.args["problem"]
    assert problem.code == ("verify.not_json" if fmt == "jsonl" else "verify.cell_count")
    assert result.message == f"row 2 {problem.render()}: the file was edited"
    assert result.msg.render(quoted) == f"«row 2 «{problem.render()}»: the file was edited»"


@pytest.mark.parametrize(
    "statement",
    ["import moderator_gui.core.export.verify", "from moderator_gui.core.export import verify_file, VerifyResult"],
)
def test_the_verifier_imports_no_database_nor_media_library(statement: str) -> None:
    """An auditor's machine runs the verifier: it needs neither the store nor its drivers."""
    heavy = ("sqlalchemy", "alembic", "PIL", "av", "PySide6", "psycopg", "moderator_gui.core.store",
             "moderator_gui.core.export.writer")  # fmt: skip
    code = f"import sys; {statement}; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]", f"{statement} imported {res.stdout.strip()}"
