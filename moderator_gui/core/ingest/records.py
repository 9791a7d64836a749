"""Reading a JSONL or CSV manifest record by record, with a bounded buffer.

A line (or CSV record) over :data:`MAX_LINE_BYTES` is measured while it is skipped,
never held in memory whole, and rejected naming the field that makes it so big.
:func:`jsonl_records` and :func:`csv_records` yield ``(line number, record)`` for
each record, or ``(line number, Message)`` saying why that record cannot be read;
validating the record's fields is :mod:`.fields`' job. Line numbers are physical
line numbers (a CSV record spanning three lines is reported by its first line).

To shrink the limit in a test, patch ``records.MAX_LINE_BYTES`` (every reader here
looks it up when it runs).
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from moderator_gui.core.ingest.fields import MAX_TEXT_BYTES, json_type
from moderator_gui.core.ingest.reasons import MB, ImportSourceError, Reject, mb
from moderator_gui.core.messages import Message

#: Largest manifest line (or CSV record) parsed; longer ones are measured while skipped.
#: A 1 MB text field JSON-escaped as \uXXXX takes up to 6 MB, hence 8.
MAX_LINE_BYTES = 8 * MB
#: How much of an oversize line is read at a time while it is skipped.
SKIP_CHUNK = 1 * MB

# Tokens of a JSON text, enough to tell which top-level member a byte offset falls in.
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[{}\[\],]', re.DOTALL)
# Tokens of a CSV record: quoted fields (which may hide commas) and separators.
_CSV_TOKEN = re.compile(rb'"[^"]*(?:""[^"]*)*"?|,')

# csv's default field limit (128 KiB) is below a legal text post; raise it (never lower it).
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))

Record = tuple[int, dict[str, Any] | Message]


def jsonl_records(fh: BinaryIO) -> Iterator[Record]:
    """(line number, JSON object) for each non-blank line, or (line number, why not)."""
    for line_no, line, size, _quotes in _bounded_lines(fh):
        if size > MAX_LINE_BYTES:
            yield line_no, _oversize_reason(size, _json_member_at_end(line))
            continue
        try:
            text = _decode(line, line_no)
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise Reject("import.invalid_json", detail=exc.msg, column=exc.colno) from None
            except ValueError:  # the only other ValueError: an integer over sys.get_int_max_str_digits()
                raise Reject("import.json_number_too_long") from None
            except RecursionError:
                raise Reject("import.json_too_deep") from None
            if not isinstance(record, dict):
                raise Reject("import.not_an_object", type=json_type(record))
            yield line_no, record
        except Reject as exc:
            yield line_no, exc.msg


def csv_records(
    fh: BinaryIO,
    src: Path,
    *,
    required: Sequence[str],
    on_header: Callable[[list[str], int], None],
    fields: Callable[[list[str]], list[str]] | None = None,
) -> Iterator[Record]:
    """(line number, {column: text}) for each non-blank record after the header, or (line number, why not).

    The header must name its columns once each and, as ``fields(columns)`` (a column mapping;
    default: as they are), every ``required`` field; ``on_header(names, line number)`` is
    called once it has been read. A source without a usable header raises ImportSourceError.
    """
    header: list[str] | None = None
    for line_no, record, size, closed in _csv_records(fh):
        if header is None:
            if record.strip(b" \t\r\n\xef\xbb\xbf"):  # blank lines (or a lone BOM) before the header
                header = _header(record, size, closed, line_no, src, required, fields)
                on_header(header, line_no)
            continue
        if size > MAX_LINE_BYTES:
            yield line_no, _oversize_reason(size, _csv_field_at_end(record, header))
            continue
        try:
            if not closed:
                raise Reject("import.csv_unterminated")
            text = _decode(record, line_no)
            if not text.strip():
                continue
            values = next(csv.reader([text]))
            if len(values) != len(header):
                raise Reject("import.csv_field_count", count=len(values), expected=len(header))
            yield line_no, dict(zip(header, values, strict=True))
        except Reject as exc:
            yield line_no, exc.msg
        except csv.Error as exc:
            yield line_no, Message.of("import.invalid_csv", detail=str(exc))
    if header is None:
        raise ImportSourceError("import.csv_empty", path=str(src))


def _header(
    record: bytes,
    size: int,
    closed: bool,
    line_no: int,
    src: Path,
    required: Sequence[str],
    fields: Callable[[list[str]], list[str]] | None,
) -> list[str]:
    where = {"path": str(src), "line": line_no}
    if size > MAX_LINE_BYTES or not closed:
        raise ImportSourceError("import.csv_not_a_header", **where)
    try:
        names = [n.strip() for n in next(csv.reader([_decode(record, line_no)]))]
    except Reject as exc:
        raise ImportSourceError("import.csv_header_unreadable", reason=exc.msg, **where) from None
    except csv.Error as exc:
        reason = Message.of("generic.text", text=str(exc))
        raise ImportSourceError("import.csv_header_unreadable", reason=reason, **where) from None
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ImportSourceError("import.csv_duplicate_columns", columns=", ".join(dup), **where)
    present = names if fields is None else fields(names)
    missing = [f for f in required if f not in present]
    if missing:
        shown = ", ".join(repr(n) for n in names[:20]) + (", …" if len(names) > 20 else "")
        raise ImportSourceError("import.csv_missing_columns", columns=", ".join(missing), present=shown, **where)
    return names


def _decode(line: bytes, line_no: int) -> str:
    if line_no == 1 and line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8) :]
    try:
        return line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise Reject("import.line_not_utf8", byte=f"0x{line[exc.start]:02x}", offset=exc.start + 1) from None


def _bounded_lines(fh: BinaryIO) -> Iterator[tuple[int, bytes, int, int]]:
    """(line number, line, size, number of '"') for each line. A line over MAX_LINE_BYTES is
    returned as its first MAX_LINE_BYTES with its full size; the rest is read chunk by chunk
    (its quotes still counted, for CSV) and dropped."""
    limit = MAX_LINE_BYTES
    line_no = 0
    while line := fh.readline(limit + 1):
        line_no += 1
        size, quotes = len(line), line.count(b'"')
        if size > limit and not line.endswith(b"\n"):
            line = line[:limit]
            while rest := fh.readline(SKIP_CHUNK):
                size += len(rest)
                quotes += rest.count(b'"')
                if rest.endswith(b"\n"):
                    break
        yield line_no, line, size, quotes


def _csv_records(fh: BinaryIO) -> Iterator[tuple[int, bytes, int, bool]]:
    """(first line number, record, size, closed) for each CSV record.

    A record ends at a line end where the number of '"' seen so far is even (quotes
    inside quoted fields are doubled), so quoted fields may span lines. ``closed``
    is False when a quote is still open at the end of the file. Of an oversize
    record only the first MAX_LINE_BYTES are kept, like :func:`_bounded_lines`.
    """
    limit = MAX_LINE_BYTES
    parts: list[bytes] = []
    start = size = quotes = 0
    for n, line, line_size, line_quotes in _bounded_lines(fh):
        if size == 0:
            start = n
        if size < limit:
            parts.append(line[: limit - size])
        size += line_size
        quotes += line_quotes
        if quotes % 2 == 0:
            yield start, b"".join(parts), size, True
            parts, size, quotes = [], 0, 0
    if size:
        yield start, b"".join(parts), size, False


def _json_member_at_end(prefix: bytes) -> tuple[str, int] | None:
    """The top-level member of a JSON object that the end of ``prefix`` falls in: (name, value offset)."""
    depth = 0
    expect_key = False
    member: tuple[str, int] | None = None
    for m in _JSON_TOKEN.finditer(prefix):
        tok = m.group()
        c = tok[:1]
        if c == b'"':
            if depth == 1 and expect_key:
                member = (tok.strip(b'"').decode("utf-8", "replace")[:60], m.end())
                expect_key = False
        elif c in (b"{", b"["):
            depth += 1
            expect_key = depth == 1 and c == b"{"
        elif c in (b"}", b"]"):
            depth -= 1
        elif c == b"," and depth == 1:
            expect_key = True
    return member if depth >= 1 else None


def _csv_field_at_end(prefix: bytes, header: list[str]) -> tuple[str, int] | None:
    """The CSV column that the end of ``prefix`` falls in: (name, field offset)."""
    index, offset = 0, 0
    for m in _CSV_TOKEN.finditer(prefix):
        if m.group() == b",":
            index, offset = index + 1, m.end()
    return (header[index], offset) if index < len(header) else None


def _oversize_reason(size: int, member: tuple[str, int] | None) -> Message:
    """Why a line over MAX_LINE_BYTES is rejected, naming the field that makes it so big."""
    if member is None:
        return Message.of("import.line_too_large", size=mb(size), limit=mb(MAX_LINE_BYTES))
    name, offset = member
    return Message.of("import.field_too_large_about", name=name, size=mb(size - offset), limit=mb(MAX_TEXT_BYTES))
