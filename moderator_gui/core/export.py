"""Decision-log export (CSV / JSONL) with a SHA-256 hash chain and a seal, and its verifier.

Why a chain and a seal: team leads hand these logs to auditors. Each row's
``row_hash`` covers the previous row's hash and the row's values *as written*,
and the last line (the seal) covers the row count, the final hash and the export
parameters, so editing, deleting, inserting, reordering rows or cutting the
file short is detected by :func:`verify_file` (or by a third party following
docs/export-format.md, without our code).

Why atomic: the file is written to a temporary file in the target folder,
fsync'ed and renamed over the target only when complete, so a crash, an error
or a cancel never leaves a half-written log (nor clobbers an existing file).

Why SQL does the formatting: the export streams up to millions of rows in
constant memory; formatting cells (timestamps, ``;``-joined actions, policy
labels, formula neutralisation) in the query leaves Python one hash and one
write per row.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, Literal

from moderator_gui import __version__
from moderator_gui.core.decision_filter import DecisionFilter, FilterError, iso
from moderator_gui.core.decision_log import COLUMNS, canonical_encoder, canonical_row
from moderator_gui.core.domain import utcnow
from moderator_gui.core.messages import QT_TRANSLATE_NOOP, CodedError, catalogue
from moderator_gui.core.store import Store

FORMAT_NAME = "moderator-decision-log"
FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64
SEAL_MARK = "#seal"  # first cell of the CSV seal row
CSV_BOM = "\ufeff"
CSV_EOL = "\r\n"
# A spreadsheet evaluates a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

HASH_COLUMNS: tuple[str, ...] = ("prev_hash", "row_hash")
ALL_COLUMNS: tuple[str, ...] = COLUMNS + HASH_COLUMNS

Format = Literal["csv", "jsonl"]
FORMATS: tuple[str, ...] = ("csv", "jsonl")
Progress = Callable[[int], bool | None]



catalogue(
    {
        "export.write_failed": QT_TRANSLATE_NOOP("Messages", "cannot write the export: {reason}"),
        "export.unknown_format": QT_TRANSLATE_NOOP("Messages", "unknown format {fmt!r}; use csv or jsonl"),
        "export.cancelled": QT_TRANSLATE_NOOP("Messages", "export cancelled after {rows} rows; no file was written"),
        "export.is_folder": QT_TRANSLATE_NOOP("Messages", "{path} is a folder; give a file name"),
        "export.no_folder": QT_TRANSLATE_NOOP("Messages", "cannot write {path}: the folder {folder} does not exist"),
        "export.folder_unwritable": QT_TRANSLATE_NOOP("Messages", "cannot write in {folder}: {reason}"),
        "export.file_unwritable": QT_TRANSLATE_NOOP("Messages", "cannot write {path}: {reason}"),
        "export.empty_file": QT_TRANSLATE_NOOP("Messages", "{path} is empty: not a decision-log export"),
        "export.bad_filter": QT_TRANSLATE_NOOP("Messages", "{reason}"),
    }
)


class ExportError(CodedError):
    """The export could not be made (bad filter, unwritable target); nothing was written."""


class ExportCancelled(ExportError):
    """The progress callback asked to stop; the partial file was removed."""


# -- canonical serialisation (documented in docs/export-format.md) ------------------------
_canonical_encoder = canonical_encoder
_sealing_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def row_hash(prev_hash: str, values: list[Any] | tuple[Any, ...]) -> str:
    return hashlib.sha256((prev_hash + canonical_row(values)).encode("utf-8")).hexdigest()


def seal_hash(seal: dict[str, Any]) -> str:
    """SHA-256 of the seal's canonical JSON (sorted keys), without its ``seal_hash`` member."""
    body = {k: v for k, v in seal.items() if k != "seal_hash"}
    return hashlib.sha256(_sealing_encoder.encode(body).encode("utf-8")).hexdigest()


def neutralise(cell: str) -> str:
    """A CSV cell a spreadsheet will show as text, never evaluate as a formula."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


# -- writing ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportResult:
    rows: int
    final_hash: str
    path: Path | None  # None when written to a stream (stdout)


def make_seal(fmt: str, rows: int, final_hash: str, flt: DecisionFilter) -> dict[str, Any]:
    seal: dict[str, Any] = {
        "record": "seal",
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "file_type": fmt,
        "rows": rows,
        "final_hash": final_hash,
        "filter": flt.to_json(),
        "exported_at": iso(utcnow()),
        "program": f"moderator_gui {__version__}",
    }
    seal["seal_hash"] = seal_hash(seal)
    return seal


def _seal_line(fmt: str, seal: dict[str, Any]) -> str:
    text = _canonical_encoder.encode(seal)
    if fmt == "jsonl":
        return text + "\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator=CSV_EOL).writerow([SEAL_MARK, text])
    return buf.getvalue()


# Cells none of which contains one of these need no CSV quoting and no JSON escaping.
_SPECIAL_CHAR = re.compile(r'[\x00-\x1f",\\]').search
# A formula trigger at the start of a cell other than the first, in the '|'-joined cells
# (a '|' inside a cell can only raise a false alarm: neutralise() then changes nothing).
_TRIGGER_AFTER_BAR = re.compile(r"\|[=+\-@]").search


def _csv_lines(batch: list[tuple[str, ...]], prev: str) -> tuple[list[str], str]:
    """CSV lines (with prev_hash, row_hash) for a batch; returns them and the last hash.

    The fast path builds the canonical JSON and the CSV line by joining, exactly what the
    JSON encoder and csv writer produce for cells without special characters; other rows
    go through the encoder and the csv module. Two plain scans of the joined cells decide
    (one regex with an alternation, or a test per cell, costs twice as much).
    """
    sha = hashlib.sha256
    lines = []
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=CSV_EOL)
    for cells in batch:
        probe = "|".join(cells)
        if _TRIGGER_AFTER_BAR(probe) or probe.startswith(FORMULA_TRIGGERS):
            cells = tuple(map(neutralise, cells))
        if _SPECIAL_CHAR(probe) is None:
            h = sha(('%s["%s"]' % (prev, '","'.join(cells))).encode()).hexdigest()
            lines.append(f"{','.join(cells)},{prev},{h}{CSV_EOL}")
        else:  # exact path; neutralise() is idempotent and also catches a leading TAB or CR
            cells = tuple(map(neutralise, cells))
            h = sha((prev + _canonical_encoder.encode(cells)).encode()).hexdigest()
            buf.seek(0)
            buf.truncate()
            writer.writerow((*cells, prev, h))
            lines.append(buf.getvalue())
        prev = h
    return lines, prev


def _csv_chunk(batch: list[tuple[str, ...]], prev: str) -> tuple[bytes, str]:
    lines, prev = _csv_lines(batch, prev)
    return "".join(lines).encode(), prev


# In canonical JSON of the CSV cells without backslashes, '["' and '","' are always cell
# boundaries (an unescaped '"' only delimits strings). TAB and CR triggers are escaped
# ('\t', '\r'), so such rows never take this path.
_JSON_TRIGGER = re.compile(rb'","[=+\-@]').search
_TRIGGERS_BYTES = tuple(t.encode() for t in "=+-@")
_SEPARATORS = len(COLUMNS) - 1


def _neutralise_json(raw: bytes) -> bytes:
    """neutralise() applied to every cell of a backslash-free canonical JSON array of cells."""
    for t in _TRIGGERS_BYTES:
        raw = raw.replace(b'","' + t, b'","\'' + t)
    return raw[:2] + b"'" + raw[2:] if raw[2:3] in _TRIGGERS_BYTES else raw


def _csv_chunk_from_json(batch: list[tuple[bytes]], prev: str) -> tuple[bytes, str]:
    """Like _csv_chunk, from rows that are canonical JSON arrays of the cells as UTF-8 (SQLite).

    Without any backslash (nothing escaped) and with no comma but the separators, the
    JSON, neutralised, *is* the canonical serialisation and, unwrapped, the CSV line:
    the row's bytes go from SQLite to the file without being decoded or re-encoded.
    Every other row is decoded and goes through _csv_lines' exact path.
    """
    sha = hashlib.sha256
    prev_b = prev.encode()
    out = []
    for (raw,) in batch:
        if b"\\" not in raw and raw.count(b",") == _SEPARATORS:
            if raw[2:3] in _TRIGGERS_BYTES or _JSON_TRIGGER(raw):  # a literal-prefix scan: fast
                raw = _neutralise_json(raw)
            h = sha(prev_b + raw).hexdigest().encode()
            out.append(b"%s,%s,%s\r\n" % (raw[2:-2].replace(b'","', b","), prev_b, h))
        else:
            lines, text_hash = _csv_lines([tuple(json.loads(raw))], prev_b.decode())
            out.append(lines[0].encode())
            h = text_hash.encode()
        prev_b = h
    return b"".join(out), prev_b.decode()


def _jsonl_chunk(batch: list[tuple[Any, ...]], prev: str) -> tuple[bytes, str]:
    sha = hashlib.sha256
    encode = _canonical_encoder.encode
    lines = []
    for values in batch:
        h = sha((prev + encode(values)).encode()).hexdigest()
        obj = dict(zip(COLUMNS, values))
        obj["prev_hash"] = prev
        obj["row_hash"] = h
        lines.append(encode(obj) + "\n")
        prev = h
    return "".join(lines).encode(), prev


def _writer(stream: IO[bytes]) -> Callable[[bytes], None]:
    """stream.write, with write failures (disk full, I/O error) as ExportError.

    Writes happen inside the read transaction, whose error translation would otherwise
    report a full disk as a decision that "was not saved". A broken pipe (stdout closed
    by `| head`) stays a BrokenPipeError: the CLI ends quietly.
    """

    def write(data: bytes) -> None:
        try:
            stream.write(data)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise ExportError("export.write_failed", reason=exc.strerror or str(exc)) from exc

    return write


def write_export(
    store: Store, stream: IO[bytes], fmt: Format, flt: DecisionFilter, progress: Progress | None = None
) -> tuple[int, str]:
    """Write the whole log (header, rows, chain, seal) to a binary stream.

    Returns (rows, final_hash). Raises ExportCancelled if ``progress`` returns False.
    """
    if fmt not in FORMATS:
        raise ExportError("export.unknown_format", fmt=fmt)
    try:
        flt.validate(store.policy)
    except FilterError as exc:
        raise ExportError(exc.msg) from exc
    write = _writer(stream)
    prev = GENESIS_HASH
    rows = 0
    if fmt == "csv":
        header = io.StringIO()
        csv.writer(header, lineterminator=CSV_EOL).writerow(ALL_COLUMNS)
        write((CSV_BOM + header.getvalue()).encode())
    with store.decision_log("cells" if fmt == "csv" else "values", flt) as log:
        render: Callable[[Any, str], tuple[bytes, str]]
        if log.json_rows:
            render = _csv_chunk_from_json
        else:
            render = _csv_chunk if fmt == "csv" else _jsonl_chunk
        for batch in log.batches:
            chunk, prev = render(batch, prev)
            write(chunk)
            rows += len(batch)
            if progress is not None and progress(rows) is False:
                raise ExportCancelled("export.cancelled", rows=rows)
    write(_seal_line(fmt, make_seal(fmt, rows, prev, flt)).encode())
    return rows, prev


def export_decisions(
    store: Store, out: Path, fmt: Format, flt: DecisionFilter = DecisionFilter(), progress: Progress | None = None
) -> ExportResult:
    """Export the decision log to ``out`` atomically: complete file or no file at all.

    An existing file at ``out`` is replaced only once the new one is complete and
    on disk; on any error or cancel it is left untouched and no temp file remains.
    """
    out = Path(out)
    folder = out.parent
    if out.is_dir():
        raise ExportError("export.is_folder", path=str(out))
    if not folder.is_dir():
        raise ExportError("export.no_folder", path=str(out), folder=str(folder))
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError("export.folder_unwritable", folder=str(folder), reason=exc.strerror or str(exc)) from exc
    tmp = Path(tmp_name)
    try:
        if out.exists() and os.name == "posix":  # a replaced export keeps its permissions;
            os.fchmod(fd, stat.S_IMODE(out.stat().st_mode))  # a new one stays private (0600)
        with open(fd, "wb", buffering=1 << 20) as f:
            rows, final = write_export(store, f, fmt, flt, progress)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ExportError("export.file_unwritable", path=str(out), reason=exc.strerror or str(exc)) from exc
        raise
    _fsync_folder(folder)
    return ExportResult(rows=rows, final_hash=final, path=out)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible (nor needed) on Windows."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:  # some file systems (network shares) refuse it; the file itself is complete
        return


# -- verifying ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int  # data rows checked and found intact before the first problem (all rows when ok)
    message: str
    first_bad_row: int | None  # 1-based data row; rows + 1 when the seal (or its absence) is the problem
    final_hash: str | None = None
    file_type: str | None = None


@dataclass
class _Record:
    """One line of an export as read back: a data row, the seal, or something unreadable."""

    values: list[Any] | None = None
    prev_hash: str = ""
    row_hash: str = ""
    reformatted: bool = False  # same values, different bytes than export writes
    seal: dict[str, Any] | None = None
    seal_error: str | None = None
    error: str | None = None
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
        return _Record(seal_error=f"the seal is damaged or cut short (not valid JSON: {exc.msg})")
    if not isinstance(seal, dict) or seal.get("record") != "seal":
        return _Record(seal_error="the seal is damaged (not a seal object)")
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
        yield _Record(error="no header line: this is not a decision-log export", fatal=True)
        return
    if tuple(header) != ALL_COLUMNS:
        yield _Record(
            error=f"the header line is not the format-{FORMAT_VERSION} header (edited, or not an export)", fatal=True
        )
        return
    if not has_bom:
        yield _Record(
            error="the file does not start with the UTF-8 BOM: it was re-saved by another program", fatal=True
        )
        return
    while True:
        raw.clear()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            more = next(source, None) is not None
            yield _Record(error=f"malformed CSV ({exc})" + ("" if more else ", at the end of the file"))
            return
        text = "".join(raw)
        if cells and cells[0] == SEAL_MARK:
            rec = _parse_seal(cells[1]) if len(cells) == 2 else _Record(seal_error="the seal row is damaged")
        elif len(cells) != len(ALL_COLUMNS):
            rec = _Record(error=f"has {len(cells)} cells instead of {len(ALL_COLUMNS)}")
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
            yield _Record(error=f"not valid JSON ({exc.msg})")
            continue
        if isinstance(obj, dict) and obj.get("record") == "seal":
            rec = _Record(seal=obj)
        elif isinstance(obj, dict) and tuple(obj) == ALL_COLUMNS:
            if not (isinstance(obj["prev_hash"], str) and isinstance(obj["row_hash"], str)):
                rec = _Record(error="has a prev_hash or row_hash that is not a string")
            else:
                rec = _Record(values=[obj[c] for c in COLUMNS], prev_hash=obj["prev_hash"], row_hash=obj["row_hash"])
        else:
            rec = _Record(error="is not a decision-log row (members missing, added or out of order)")
        rec.reformatted = _canonical_encoder.encode(obj) + "\n" != line
        yield rec


def _seq(values: list[Any]) -> int | None:
    try:
        return int(values[0])
    except (TypeError, ValueError):
        return None


def _chain_break(
    n: int, rec: _Record, expected: str, before_last: str | None, last_seq: int | None, nxt: _Record | None
) -> tuple[int, str]:
    """(first bad row, what most likely happened) when row ``n`` is intact but does not follow row n-1.

    ``before_last`` is the hash row n should follow if row n-1 was slipped in.
    """
    seq = _seq(rec.values or [])
    if before_last is not None and rec.prev_hash == before_last:
        return n - 1, f"row {n - 1} was inserted: row {n} follows row {n - 2} in the exported chain"
    nxt_seq = _seq(nxt.values) if nxt is not None and nxt.values is not None else None
    if (last_seq is not None and seq is not None and seq <= last_seq) or (
        nxt_seq is not None and seq is not None and nxt_seq < seq
    ):
        return n, f"row {n} (seq {seq}) is out of order: rows were reordered"
    if nxt is not None and nxt.values is not None and nxt.prev_hash == expected:
        return n, f"row {n} (seq {seq}) was inserted: it is not part of the exported chain"
    return n, f"row {n} (seq {seq}) does not follow row {n - 1}: one or more rows before it were deleted"


def _check_seal(rec: _Record, fmt: str, rows: int, final: str) -> str | None:
    if rec.seal_error:
        return rec.seal_error
    seal = rec.seal or {}
    if seal.get("seal_hash") != seal_hash(seal):
        return "the seal was edited: its seal_hash does not match its content"
    if seal.get("format") != FORMAT_NAME or seal.get("format_version") != FORMAT_VERSION:
        return f"unsupported format {seal.get('format')!r} version {seal.get('format_version')!r}"
    if seal.get("file_type") != fmt:
        return f"the seal says {seal.get('file_type')!r} but the file is {fmt}"
    if seal.get("rows") != rows:
        return f"the seal says {seal.get('rows')} rows but the file has {rows}: rows were deleted or added at the end"
    if seal.get("final_hash") != final:
        return "the seal's final_hash does not match the last row: the end of the file was changed"
    if rec.reformatted:
        return "the seal line was re-formatted (re-saved by another program)"
    return None


def _check(records: _Peekable, fmt: str) -> VerifyResult:
    prev = GENESIS_HASH
    before_prev: str | None = None  # the hash row `rows` followed
    rows = 0
    last_seq: int | None = None

    def bad(row: int, message: str) -> VerifyResult:
        return VerifyResult(False, rows, message, row, None, fmt)

    for rec in records:
        n = rows + 1
        if rec.fatal:
            return VerifyResult(False, 0, rec.error or "not a decision-log export", None, None, fmt)
        if rec.seal is not None or rec.seal_error is not None:
            problem = _check_seal(rec, fmt, rows, prev)
            if problem:
                return bad(n, problem)
            if records.peek() is not None:
                return bad(n, "there is content after the seal: rows were appended")
            return VerifyResult(True, rows, f"OK: {rows} rows, final hash {prev}", None, prev, fmt)
        if rec.error is not None or rec.values is None:
            if records.peek() is None:
                return bad(n, f"the file was cut short: row {n} {rec.error} and the seal is missing")
            return bad(n, f"row {n} {rec.error}: the file was edited")
        if row_hash(rec.prev_hash, rec.values) != rec.row_hash:
            if records.peek() is None:
                return bad(n, f"the file was cut short: row {n} is incomplete and the seal is missing")
            return bad(n, f"row {n} (seq {_seq(rec.values)}) was edited: its content does not match its row_hash")
        if rec.prev_hash != prev:
            return bad(*_chain_break(n, rec, prev, before_prev, last_seq, records.peek()))
        if rec.reformatted:
            if records.peek() is None:
                return bad(n, f"the file was cut short after row {n}: the seal is missing")
            return bad(
                n,
                f"row {n} has its exported values but not its exported bytes: the file was re-saved "
                "by another program (e.g. a spreadsheet); verify the original file",
            )
        before_prev, prev, rows, last_seq = prev, rec.row_hash, n, _seq(rec.values)
    return bad(rows + 1, f"the seal is missing: the file was cut short after row {rows} (or its seal removed)")


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
        return VerifyResult(False, 0, str(exc), None)
    except UnicodeDecodeError as exc:
        return VerifyResult(False, 0, f"{path} is not UTF-8 text ({exc.reason}): not an export, or damaged", None)
    except OSError as exc:
        return VerifyResult(False, 0, f"cannot read {path}: {exc.strerror or exc}", None)
