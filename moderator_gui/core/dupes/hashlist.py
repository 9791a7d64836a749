"""Hash lists as teams exchange them (in the manner of ThreatExchange / HMA): a CSV of signals.

The file::

    signal_type,signal,category,note
    pdq,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,csam,"seen in report 3, 4"
    sha256,9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,grooming,
    md5,098f6bcd4621d373cade4e832627b4f6,grooming,from partner list

* ``signal_type``: ``pdq`` (64 hex digits), ``sha256`` (64), ``md5`` (32); any case;
* ``signal``: the hash in hex, either case (read back lowercased);
* ``category``: a policy category code, checked against the codes the caller passes
  (this module does not load the policy);
* ``note``: free text, may be empty; quote it when it holds a comma, a quote or a line break.

:func:`read_hash_list` streams: it holds one CSV record at a time, whatever the size of
the file, and yields a :class:`ListRow` for each good row and a :class:`ListRowError`
(line number and an English reason) for each bad one, so a caller can import the good
rows and show the bad ones. A missing or wrong header raises :class:`HashListError`.
Open files with ``newline=""`` (as the csv module asks) so quoted line breaks survive;
``encoding="utf-8"`` is enough, a UTF-8 byte-order mark is skipped either way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

COLUMNS = ("signal_type", "signal", "category", "note")
HEX_DIGITS = {"pdq": 64, "sha256": 64, "md5": 32}
"""Signal types and the length of their hex."""

_BOM = "\ufeff"
_NOT_HEX = re.compile(r"[^0-9a-fA-F]")
_EXPECTED_TYPES = "pdq, sha256 or md5"


class HashListError(ValueError):
    """The file is not a hash list at all (its header is missing or wrong)."""


@dataclass(frozen=True, slots=True)
class ListRow:
    """A good row. ``line`` is the physical line it starts on (the header is line 1)."""

    line: int
    signal_type: str
    signal: str
    category: str
    note: str


@dataclass(frozen=True, slots=True)
class ListRowError:
    """A bad row: the physical line it starts on, and why it was refused."""

    line: int
    reason: str


def _check_header(row: list[str] | None) -> None:
    if row is not None and tuple(c.strip().lower() for c in row) == COLUMNS:
        return
    got = "the file is empty" if row is None else f"got {','.join(row)[:200]!r}"
    raise HashListError(
        f"not a hash list: the first line must be the header {','.join(COLUMNS)} (columns {', '.join(COLUMNS)}); {got}"
    )


def _without_bom(f: TextIO) -> Iterator[str]:
    """The lines of ``f``, a UTF-8 byte-order mark removed from the first (a file opened as
    ``utf-8`` rather than ``utf-8-sig`` keeps it)."""
    lines = iter(f)
    first = next(lines, None)
    if first is None:
        return
    yield first.removeprefix(_BOM)
    yield from lines


def _csv_reason(err: csv.Error) -> str:
    text = str(err)
    if "unexpected end of data" in text:
        return "malformed CSV: a quoted field that starts here is never closed"
    if "field larger than field limit" in text:
        return f"malformed CSV: a field is longer than {csv.field_size_limit():,} characters (an unclosed quote?)"
    return f"malformed CSV: {text}"


def _check_row(line: int, row: list[str], valid_categories: Collection[str]) -> ListRow | ListRowError:
    if len(row) < len(COLUMNS):
        missing = COLUMNS[len(row) :]
        return ListRowError(line, f"missing field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if len(row) > len(COLUMNS):
        return ListRowError(line, f"too many fields: {len(row)} instead of {len(COLUMNS)} (quote a note that contains a comma)")
    raw_type, raw_signal, raw_category, note = row
    signal_type = raw_type.strip().lower()
    signal = raw_signal.strip()
    category = raw_category.strip()
    if not (signal_type and signal and category):
        name = next(n for n, v in zip(COLUMNS, (signal_type, signal, category), strict=False) if not v)
        return ListRowError(line, f"missing field {name} (it is empty)")
    digits = HEX_DIGITS.get(signal_type)
    if digits is None:
        return ListRowError(line, f"unknown signal type {signal_type!r} (expected {_EXPECTED_TYPES})")
    bad = _NOT_HEX.search(signal)
    if bad is not None:
        return ListRowError(line, f"not hexadecimal: {bad.group()!r} at position {bad.start() + 1} of the signal")
    if len(signal) != digits:
        return ListRowError(line, f"hex of the wrong length: {signal_type} needs {digits} hex digits, got {len(signal)}")
    if category not in valid_categories:
        return ListRowError(line, f"unknown category {category!r}")
    return ListRow(line, signal_type, signal.lower(), category, note)


def read_hash_list(f: TextIO, valid_categories: Collection[str]) -> Iterator[ListRow | ListRowError]:
    """Stream the rows of a hash list: a :class:`ListRow` or a :class:`ListRowError` for each.

    Blank lines are skipped. Line numbers are physical lines of the file (1 = header); a row
    whose quoted note spans lines has the number of the line it starts on. Raises
    :class:`HashListError` if the first non-blank line is not the header. ``valid_categories``
    is tested with ``in``: pass a set (or the policy's codes) for large lists.
    """
    reader = csv.reader(_without_bom(f), strict=True)
    header_seen = False
    end = 0  # the last physical line consumed so far
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            end = reader.line_num
            if not header_seen:
                raise HashListError(f"not a hash list: the header line is not valid CSV ({err})") from None
            yield ListRowError(start, _csv_reason(err))
            continue
        end = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if not header_seen:
            _check_header(row)
            header_seen = True
            continue
        yield _check_row(start, row, valid_categories)
    if not header_seen:
        _check_header(None)


def write_hash_list(f: TextIO, rows: Iterable[tuple[str, str, str, str]]) -> int:
    """Write the header and ``rows`` (signal_type, signal, category, note) as CSV; return the row count.

    Streams (one row at a time). Notes with commas, quotes or line breaks are quoted. The
    values are written as given (this does not validate them: :func:`read_hash_list` does).
    Open ``f`` with ``newline=""``.
    """
    writer = csv.writer(f, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        if len(row) != len(COLUMNS):
            raise ValueError(f"row {count + 1} has {len(row)} values, expected {len(COLUMNS)} ({', '.join(COLUMNS)})")
        writer.writerow(row)
        count += 1
    return count
