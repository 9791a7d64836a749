"""Writing the decision log: rows rendered in chunks, chained, sealed, written atomically.

Why atomic: the file is written to a temporary file in the target folder,
fsync'ed and renamed over the target only when complete, so a crash, an error
or a cancel never leaves a half-written log (nor clobbers an existing file).

Why the database formats the cells (``Store.decision_log``): the export streams up
to millions of rows in constant memory; Python is left one hash and one write per row.
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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from moderator_gui.core.decision_filter import DecisionFilter, FilterError
from moderator_gui.core.decision_log import canonical_encoder
from moderator_gui.core.export.errors import ExportCancelled, ExportError
from moderator_gui.core.export.format import (
    ALL_COLUMNS,
    COLUMNS,
    CSV_BOM,
    CSV_EOL,
    FORMATS,
    FORMULA_TRIGGERS,
    GENESIS_HASH,
    Format,
    Progress,
    make_seal,
    neutralise,
    seal_line,
)

if TYPE_CHECKING:  # the writer calls Store methods; it never imports the store itself
    from moderator_gui.core.store import Store


@dataclass(frozen=True)
class ExportResult:
    rows: int
    final_hash: str
    path: Path | None  # None when written to a stream (stdout)


# Cells none of which contains one of these need no CSV quoting and no JSON escaping.
_SPECIAL_CHAR = re.compile(r'[\x00-\x1f",\\]').search
# A formula trigger at the start of a cell other than the first, in the '|'-joined cells
# (a '|' inside a cell can only raise a false alarm: neutralise() then changes nothing).
_TRIGGER_AFTER_BAR = re.compile(r"\|[=+\-@]").search


def _csv_lines(batch: Sequence[tuple[str, ...]], prev: str) -> tuple[list[str], str]:
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
            h = sha(('{}["{}"]'.format(prev, '","'.join(cells))).encode()).hexdigest()
            lines.append(f"{','.join(cells)},{prev},{h}{CSV_EOL}")
        else:  # exact path; neutralise() is idempotent and also catches a leading TAB or CR
            cells = tuple(map(neutralise, cells))
            h = sha((prev + canonical_encoder.encode(cells)).encode()).hexdigest()
            buf.seek(0)
            buf.truncate()
            writer.writerow((*cells, prev, h))
            lines.append(buf.getvalue())
        prev = h
    return lines, prev


def _csv_chunk(batch: Sequence[tuple[str, ...]], prev: str) -> tuple[bytes, str]:
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


def _csv_chunk_from_json(batch: Sequence[tuple[bytes]], prev: str) -> tuple[bytes, str]:
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


def _jsonl_chunk(batch: Sequence[tuple[Any, ...]], prev: str) -> tuple[bytes, str]:
    sha = hashlib.sha256
    encode = canonical_encoder.encode
    lines = []
    for values in batch:
        h = sha((prev + encode(values)).encode()).hexdigest()
        obj = dict(zip(COLUMNS, values, strict=True))
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
    write(seal_line(fmt, make_seal(fmt, rows, prev, flt)).encode())
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
