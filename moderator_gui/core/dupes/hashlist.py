"""Hash lists as teams exchange them (ThreatExchange / HMA style): CSV ``signal_type,signal,category,note``.

``signal_type`` is ``pdq`` (64 hex digits, python-threatexchange's ``PdqSignal``), ``sha256``
(64) or ``md5`` (32); ``category`` a code of our policy. The reader streams: one row at a
time, whatever the size of the file (a list of ten million rows runs in constant memory),
and every malformed row comes back as a :class:`ListRowError` with its line and a specific
reason, while the good rows go on.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import TextIO

HEADER = ("signal_type", "signal", "category", "note")
HEX_DIGITS = {"pdq": 64, "sha256": 64, "md5": 32}
_HEX = re.compile(r"[0-9a-fA-F]*")


class HashListError(ValueError):
    """The file as a whole cannot be read as a hash list (its header)."""


@dataclass(frozen=True)
class ListRow:
    line: int
    signal_type: str
    signal: str  # lowercase hex
    category: str
    note: str


@dataclass(frozen=True)
class ListRowError:
    line: int
    reason: str


class _Lines:
    """A text file's lines, counting the physical lines read (a quoted note may span several)."""

    def __init__(self, f: TextIO) -> None:
        self._f = f
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._f:
            self.read += 1
            yield line.removeprefix("\ufeff") if self.read == 1 else line


def read_hash_list(f: TextIO, valid_categories: Collection[str]) -> Iterator[ListRow | ListRowError]:
    lines = _Lines(f)
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise HashListError(f"the file is empty; expected the header {','.join(HEADER)}") from None
    except csv.Error as exc:
        raise HashListError(f"line 1: {exc}") from None
    if tuple(h.strip().lower() for h in header) != HEADER:
        raise HashListError(f"the first line must be the header {','.join(HEADER)}, not {','.join(header)[:200]!r}")
    cats = set(valid_categories)
    while True:
        start = lines.read + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ListRowError(start, f"malformed CSV ({exc})")
            continue
        if not fields or all(not x.strip() for x in fields):
            continue  # a blank line
        yield _row(start, fields, cats)


def _row(line: int, fields: list[str], cats: set[str]) -> ListRow | ListRowError:
    if len(fields) < 3:
        missing = ", ".join(HEADER[len(fields) : 3])
        return ListRowError(line, f"missing field: {missing}")
    if len(fields) > 4:
        return ListRowError(line, f"too many fields: {len(fields)} (expected {len(HEADER)})")
    kind, signal, category = (x.strip() for x in fields[:3])
    note = fields[3] if len(fields) == 4 else ""
    kind = kind.lower()
    if kind not in HEX_DIGITS:
        return ListRowError(line, f"unknown signal type {kind!r} (expected pdq, sha256 or md5)")
    want = HEX_DIGITS[kind]
    if not _HEX.fullmatch(signal):
        return ListRowError(line, f"not hexadecimal: {signal[:80]!r}")
    if len(signal) != want:
        return ListRowError(line, f"hex of the wrong length: {kind} needs {want} hex digits, got {len(signal)}")
    if category not in cats:
        return ListRowError(line, f"unknown category {category[:80]!r}")
    return ListRow(line, kind, signal.lower(), category, note)


def write_hash_list(f: TextIO, rows: Iterable[tuple[str, str, str, str]]) -> int:
    """Write the header and ``rows`` (streamed); returns how many rows."""
    w = csv.writer(f, lineterminator="\n")
    w.writerow(HEADER)
    n = 0
    for row in rows:
        w.writerow(row)
        n += 1
    return n
