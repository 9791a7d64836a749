"""Verifying an exported decision log: its hash chain and its seal, without a database.

Each row's ``row_hash`` covers the previous row's hash and the row's values *as
written*, and the seal covers the row count, the final hash and the export
parameters, so editing, deleting, inserting, reordering rows or cutting the file
short is detected, and named: the first bad row and what most likely happened
(a third party can check the same rules from docs/export-format.md, without our code).

Deliberately light: an auditor's ``moderator-cli verify`` imports no database
driver, ORM or media library (a test checks it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from moderator_gui.core.decision_log import canonical_encoder
from moderator_gui.core.export.errors import ExportError
from moderator_gui.core.export.format import (
    ALL_COLUMNS,
    COLUMNS,
    CSV_BOM,
    CSV_EOL,
    FORMAT_NAME,
    FORMAT_VERSION,
    GENESIS_HASH,
    SEAL_MARK,
    row_hash,
    seal_hash,
)
from moderator_gui.core.messages import Message

_msg = Message.of


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int  # data rows checked and found intact before the first problem (all rows when ok)
    msg: Message  # the verdict: "OK: ..." or what is wrong (coded: the UI translates it)
    first_bad_row: int | None  # 1-based data row; rows + 1 when the seal (or its absence) is the problem
    final_hash: str | None = None
    file_type: str | None = None

    @property
    def message(self) -> str:
        """The verdict in English (what ``moderator-cli verify`` prints)."""
        return self.msg.render()


@dataclass
class _Record:
    """One line of an export as read back: a data row, the seal, or something unreadable."""

    values: list[Any] | None = None
    prev_hash: str = ""
    row_hash: str = ""
    reformatted: bool = False  # same values, different bytes than export writes
    seal: dict[str, Any] | None = None
    seal_error: Message | None = None
    error: Message | None = None
    fatal: bool = False  # the whole file is unusable (not an export, wrong header): no row to blame


class _Peekable:
    def __init__(self, it: Iterator[_Record]) -> None:
        self._it = it
        self._next: list[_Record] = []

    def __iter__(self) -> _Peekable:
        return self

    def __next__(self) -> _Record:
        return self._next.pop() if self._next else next(self._it)

    def peek(self) -> _Record | None:
        if not self._next:
            try:
                self._next.append(next(self._it))
            except StopIteration:
                return None
        return self._next[0]


def _parse_seal(text: str) -> _Record:
    try:
        seal = json.loads(text)
    except json.JSONDecodeError as exc:
        return _Record(seal_error=_msg("verify.seal_not_json", reason=exc.msg))
    if not isinstance(seal, dict) or seal.get("record") != "seal":
        return _Record(seal_error=_msg("verify.seal_not_object"))
    return _Record(seal=seal)


def _csv_records(f: IO[str]) -> Iterator[_Record]:
    raw: list[str] = []
    first = f.readline()
    has_bom = first.startswith(CSV_BOM)

    def lines() -> Iterator[str]:
        yield first.removeprefix(CSV_BOM)  # outside the csv syntax: a quoted first cell stays quoted
        for line in f:
            raw.append(line)
            yield line

    source = lines()
    # A long note makes a long cell; the csv module's default 128 KiB cap would reject a valid export.
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(source, strict=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=CSV_EOL)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        yield _Record(error=_msg("verify.no_header"), fatal=True)
        return
    if tuple(header) != ALL_COLUMNS:
        yield _Record(error=_msg("verify.bad_header", version=FORMAT_VERSION), fatal=True)
        return
    if not has_bom:
        yield _Record(error=_msg("verify.no_bom"), fatal=True)
        return
    while True:
        raw.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            more = next(source, None) is not None
            yield _Record(error=_msg("verify.malformed_csv" if more else "verify.malformed_csv_at_end", reason=str(exc)))
            return
        text = "".join(raw)
        if cells and cells[0] == SEAL_MARK:
            rec = _parse_seal(cells[1]) if len(cells) == 2 else _Record(seal_error=_msg("verify.seal_row_damaged"))
        elif len(cells) != len(ALL_COLUMNS):
            rec = _Record(error=_msg("verify.cell_count", cells=len(cells), expected=len(ALL_COLUMNS)))
        else:
            rec = _Record(values=cells[: len(COLUMNS)], prev_hash=cells[-2], row_hash=cells[-1])
        buf.seek(0)
        buf.truncate()
        writer.writerow(cells)
        rec.reformatted = buf.getvalue() != text
        yield rec


def _jsonl_records(f: IO[str]) -> Iterator[_Record]:
    for line in f:
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield _Record(error=_msg("verify.not_json", reason=exc.msg))
            continue
        if isinstance(obj, dict) and obj.get("record") == "seal":
            rec = _Record(seal=obj)
        elif isinstance(obj, dict) and tuple(obj) == ALL_COLUMNS:
            if not (isinstance(obj["prev_hash"], str) and isinstance(obj["row_hash"], str)):
                rec = _Record(error=_msg("verify.hash_not_text"))
            else:
                rec = _Record(values=[obj[c] for c in COLUMNS], prev_hash=obj["prev_hash"], row_hash=obj["row_hash"])
        else:
            rec = _Record(error=_msg("verify.not_a_row"))
        rec.reformatted = canonical_encoder.encode(obj) + "\n" != line
        yield rec


def _seq(values: list[Any]) -> int | None:
    try:
        return int(values[0])
    except (TypeError, ValueError):
        return None


def _chain_break(
    n: int, rec: _Record, expected: str, before_last: str | None, last_seq: int | None, nxt: _Record | None
) -> tuple[int, Message]:
    """(first bad row, what most likely happened) when row ``n`` is intact but does not follow row n-1.

    ``before_last`` is the hash row n should follow if row n-1 was slipped in.
    """
    seq = _seq(rec.values or [])
    if before_last is not None and rec.prev_hash == before_last:
        return n - 1, _msg("verify.inserted_before", row=n - 1, next_row=n, before=n - 2)
    nxt_seq = _seq(nxt.values) if nxt is not None and nxt.values is not None else None
    if (last_seq is not None and seq is not None and seq <= last_seq) or (
        nxt_seq is not None and seq is not None and nxt_seq < seq
    ):
        return n, _msg("verify.reordered", row=n, seq=seq)
    if nxt is not None and nxt.values is not None and nxt.prev_hash == expected:
        return n, _msg("verify.inserted", row=n, seq=seq)
    return n, _msg("verify.deleted", row=n, seq=seq, previous=n - 1)


def _check_seal(rec: _Record, fmt: str, rows: int, final: str) -> Message | None:
    if rec.seal_error:
        return rec.seal_error
    seal = rec.seal or {}
    if seal.get("seal_hash") != seal_hash(seal):
        return _msg("verify.seal_edited")
    if seal.get("format") != FORMAT_NAME or seal.get("format_version") != FORMAT_VERSION:
        return _msg("verify.unsupported_format", name=seal.get("format"), version=seal.get("format_version"))
    if seal.get("file_type") != fmt:
        return _msg("verify.wrong_file_type", sealed=seal.get("file_type"), fmt=fmt)
    if seal.get("rows") != rows:
        return _msg("verify.row_count", sealed=seal.get("rows"), rows=rows)
    if seal.get("final_hash") != final:
        return _msg("verify.final_hash")
    if rec.reformatted:
        return _msg("verify.seal_reformatted")
    return None


def _check(records: _Peekable, fmt: str) -> VerifyResult:
    prev = GENESIS_HASH
    before_prev: str | None = None  # the hash row `rows` followed
    rows = 0
    last_seq: int | None = None

    def bad(row: int, msg: Message) -> VerifyResult:
        return VerifyResult(False, rows, msg, row, None, fmt)

    for rec in records:
        n = rows + 1
        if rec.fatal:
            return VerifyResult(False, 0, rec.error or _msg("verify.not_an_export"), None, None, fmt)
        if rec.seal is not None or rec.seal_error is not None:
            problem = _check_seal(rec, fmt, rows, prev)
            if problem:
                return bad(n, problem)
            if records.peek() is not None:
                return bad(n, _msg("verify.after_seal"))
            return VerifyResult(True, rows, _msg("verify.ok", rows=rows, final_hash=prev), None, prev, fmt)
        if rec.error is not None or rec.values is None:
            if records.peek() is None:
                return bad(n, _msg("verify.cut_short_at_bad_row", row=n, problem=rec.error))
            return bad(n, _msg("verify.bad_row", row=n, problem=rec.error))
        if row_hash(rec.prev_hash, rec.values) != rec.row_hash:
            if records.peek() is None:
                return bad(n, _msg("verify.cut_short_in_row", row=n))
            return bad(n, _msg("verify.edited", row=n, seq=_seq(rec.values)))
        if rec.prev_hash != prev:
            return bad(*_chain_break(n, rec, prev, before_prev, last_seq, records.peek()))
        if rec.reformatted:
            if records.peek() is None:
                return bad(n, _msg("verify.cut_short_after_row", row=n))
            return bad(n, _msg("verify.resaved", row=n))
        before_prev, prev, rows, last_seq = prev, rec.row_hash, n, _seq(rec.values)
    return bad(rows + 1, _msg("verify.seal_missing", rows=rows))


def detect_format(path: Path) -> str:
    """csv or jsonl, from the first bytes (a JSONL export starts with '{')."""
    with open(path, "rb") as f:
        head = f.read(4)
    if not head:
        raise ExportError("export.empty_file", path=str(path))
    return "jsonl" if head.removeprefix(CSV_BOM.encode()).startswith(b"{") else "csv"


def verify_file(path: Path) -> VerifyResult:
    """Check an exported log's hash chain and seal; never raises for a bad file."""
    path = Path(path)
    try:
        fmt = detect_format(path)
        with open(path, encoding="utf-8", newline="") as f:
            records = _csv_records(f) if fmt == "csv" else _jsonl_records(f)
            return _check(_Peekable(records), fmt)
    except ExportError as exc:
        return VerifyResult(False, 0, exc.msg, None)
    except UnicodeDecodeError as exc:
        return VerifyResult(False, 0, _msg("verify.not_utf8", path=str(path), reason=exc.reason), None)
    except OSError as exc:
        return VerifyResult(False, 0, _msg("verify.cannot_read", path=str(path), reason=exc.strerror or str(exc)), None)
