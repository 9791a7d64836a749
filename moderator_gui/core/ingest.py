"""Import flagged items into the queue from a folder, a JSONL manifest or a CSV manifest.

Import is fast I/O only: for every media file it records the path (raw bytes),
size, SHA-256 and the MIME type sniffed from the first bytes. Decoding,
dimensions and thumbnails are the media pipeline's job later.

Robustness rules (see docs/manifest.md):

* Each bad row or file is rejected with its line number or path and a specific
  reason; everything else imports. Only a source that cannot be read at all
  raises :class:`ImportSourceError`.
* Manifests are read line by line with a bounded buffer: a 100 MB line is
  measured and skipped, never held in memory whole.
* Media paths must stay inside the manifest's folder (or the import root):
  ``..``, absolute paths elsewhere and symlinks pointing out are refused.
* Files are ``stat``-ed before they are opened, so a FIFO or a device named like
  media is rejected instead of blocking the import forever.
* Re-importing is idempotent: an item whose (platform, external_id) already
  exists is counted as a duplicate, never inserted twice; for folder imports the
  same content (SHA-256) within the same source is a duplicate too.
* Rows are written in batches of :data:`BATCH_ROWS` per transaction, so a crash
  loses at most the open batch. Storage failures propagate as ``StoreError``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import math
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from moderator_gui.core.domain import ContentType, compute_priority, utcnow
from moderator_gui.core.sniff import SNIFF_BYTES, content_family, sniff
from moderator_gui.core.store import ITEM_TEXT_LIMITS, Store, path_to_db

MB = 1024 * 1024
#: Largest text post / flag reason accepted (UTF-8 bytes).
MAX_TEXT_BYTES = 1 * MB
#: Largest manifest line (or CSV record) parsed; longer ones are measured while skipped.
#: A 1 MB text field JSON-escaped as \uXXXX takes up to 6 MB, hence 8.
MAX_LINE_BYTES = 8 * MB
#: Rows per write transaction: a crash mid-import loses at most this many.
BATCH_ROWS = 2000
HASH_CHUNK = 1 * MB
FOLDER_PLATFORM = "folder"
TEXT_SUFFIX = ".txt"
MANIFEST_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
#: At most this many "repeated id" warnings are listed one by one; the rest are summed up.
MAX_REPEAT_WARNINGS = 20

_INT32 = (-(2**31), 2**31 - 1)
_INT_FIELDS: dict[str, tuple[int, int]] = {
    "report_count": (0, _INT32[1]),
    "priority": _INT32,
    "width": (1, _INT32[1]),
    "height": (1, _INT32[1]),
    "duration_ms": (0, _INT32[1]),
}
_STR_FIELDS = (
    "external_id", "platform", "content_type", "media_path", "text", "uploader", "flagged_at",
    "flag_source", "flag_reason", "suspected_category", "sha256",
)  # fmt: skip
KNOWN_FIELDS = frozenset(_STR_FIELDS) | frozenset(_INT_FIELDS) | {"classifier_score"}
REQUIRED_FIELDS = ("external_id", "platform", "content_type")
# Free-text fields limited in bytes; the other string fields in characters by their column width.
_BYTE_LIMITED = {"text": MAX_TEXT_BYTES, "flag_reason": MAX_TEXT_BYTES}
_CHAR_LIMITED: dict[str, int] = dict(ITEM_TEXT_LIMITS)
_CONTENT_TYPES = {c.value: c for c in ContentType}  # a dict lookup is much cheaper than ContentType(x)
_SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
# Tokens of a JSON text, enough to tell which top-level member a byte offset falls in.
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[{}\[\],]', re.DOTALL)
# Tokens of a CSV record: quoted fields (which may hide commas) and separators.
_CSV_TOKEN = re.compile(rb'"[^"]*(?:""[^"]*)*"?|,')

# csv's default field limit (128 KiB) is below a legal text post; raise it (never lower it).
csv.field_size_limit(max(csv.field_size_limit(), MAX_LINE_BYTES))

Progress = Callable[[int], "bool | None"]


class ImportSourceError(Exception):
    """The source cannot be read at all (missing, unreadable, not a folder/.jsonl/.csv, bad header)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Rejection:
    """One row or file not imported: ``where`` is "line 12" or a path, ``reason`` says why."""

    where: str
    reason: str


@dataclass
class ImportReport:
    source: Path
    imported: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False  # the progress callback returned False; committed batches are kept

    def to_json(self) -> dict[str, Any]:
        return {
            "source": display_name(str(self.source)),
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": [{"where": r.where, "reason": r.reason} for r in self.rejected],
            "warnings": list(self.warnings),
            "cancelled": self.cancelled,
        }


class _Reject(Exception):
    """Raised while examining one row/file; becomes a Rejection and the import goes on."""


@dataclass(frozen=True)
class _FileInfo:
    path: str  # resolved, file-system str (undecodable bytes as surrogates)
    db_path: bytes  # the same, as stored (store.path_to_db)
    size: int
    sha256: str
    mime: str | None
    head: bytes  # the first few bytes, for the "not recognised" message

    @property
    def family(self) -> str | None:
        return None if self.mime is None else content_family(self.mime)


@dataclass
class _Row:
    where: str
    values: dict[str, Any]


def display_name(name: str) -> str:
    """Lossless, valid-UTF-8 text for a file-system name.

    Undecodable bytes (surrogate-escaped by ``os.fsdecode``) become ``\\xNN`` and a
    literal backslash becomes ``\\\\``, so two different names never map to the
    same text. Used for folder-import external ids and ``items.import_source``.
    """
    escaped = name.replace("\\", "\\\\")
    try:
        return escaped.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte (Windows names)
        return escaped.encode("utf-8", "backslashreplace").decode("utf-8")


def import_path(
    store: Store, source: str | os.PathLike[str], *, platform: str | None = None, progress: Progress | None = None
) -> ImportReport:
    """Import a folder (recursively), a ``.jsonl`` or a ``.csv`` manifest into ``store``.

    ``platform`` is the platform of folder items (default "folder") and the
    default for manifest rows that have none. ``progress(rows_done)`` is called
    every BATCH_ROWS rows or files read, right after they are committed, and once
    at the end; returning False stops the import there (``report.cancelled``).
    Raises :class:`ImportSourceError` if the source cannot be read at all.
    """
    src = Path(source)
    kind = _source_kind(src)
    if platform is not None:
        limit = ITEM_TEXT_LIMITS["platform"]
        if not platform.strip() or len(platform) > limit:
            raise ImportSourceError(f"platform {_short(platform)} must be 1-{limit} characters")
    real = os.path.realpath(src)
    importer = _Importer(store, Path(real), progress, by_content=kind == "folder")
    if kind == "folder":
        importer.run(_FolderReader(importer, real, platform or FOLDER_PLATFORM).rows())
    else:
        try:
            fh = open(real, "rb")  # noqa: SIM115 - closed below; a FIFO was refused by _source_kind
        except OSError as exc:
            raise ImportSourceError(f"cannot read {src}: {exc.strerror or exc}") from None
        with fh:
            reader = _ManifestReader(importer, os.path.dirname(real), platform)
            importer.run(reader.jsonl_rows(fh) if kind == "jsonl" else reader.csv_rows(fh, src))
    if importer.report.imported:
        store.refresh_statistics()  # the queue's index choice depends on them
    return importer.report


def _source_kind(src: Path) -> str:
    """folder | jsonl | csv, checked with stat only (never opens a FIFO)."""
    try:
        st = os.stat(src)
    except FileNotFoundError:
        raise ImportSourceError(f"source not found: {src}") from None
    except OSError as exc:
        raise ImportSourceError(f"cannot read {src}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        if not os.access(src, os.R_OK | os.X_OK):
            raise ImportSourceError(f"cannot read folder {src}: permission denied")
        return "folder"
    kind = MANIFEST_KINDS.get(src.suffix.lower())
    if kind is None:
        raise ImportSourceError(
            f"{src} is not a folder, a .jsonl manifest or a .csv manifest (see docs/manifest.md)"
        )
    if not stat.S_ISREG(st.st_mode):
        raise ImportSourceError(f"{src} is {_file_kind(st.st_mode)}, not a manifest file")
    return kind


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _clip(text: str, limit: int = 80) -> str:
    """User input echoed in a message: cut short (a reason must stay readable) and printable
    (a lone surrogate, e.g. an undecodable byte of a file name, is shown as ``\udce9``)."""
    text = text if len(text) <= limit else text[:limit] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _short(value: Any) -> str:
    return _clip(repr(value))


def _mb(n: int) -> str:
    """A size for a message: "100.0 MB", "29.3 KB"; a round limit reads "1 MB"."""
    unit, scale = ("MB", MB) if n >= MB // 10 else ("KB", 1024)
    return f"{n // scale} {unit}" if n % scale == 0 else f"{n / scale:.1f} {unit}"


class _Importer:
    """Validated rows in, batched idempotent inserts out; keeps the report and the per-import caches."""

    def __init__(self, store: Store, source: Path, progress: Progress | None, *, by_content: bool) -> None:
        self.store = store
        self.source_text = display_name(str(source))
        self.report = ImportReport(source=source)
        self.progress = progress
        self.by_content = by_content  # folder import: same content within the source = duplicate
        self.now = utcnow()
        self._hashes: dict[tuple[int, int, int, int], tuple[str, str | None, bytes]] = {}
        self._seen_keys: dict[tuple[str, str], str] = {}
        self._seen_sha: dict[str, str] = {}
        self._repeat_warnings = 0
        self._severity: dict[str | None, int] = {}

    # -- files -------------------------------------------------------------------------
    def examine(self, path: str, shown: str) -> _FileInfo:
        """stat, then hash and sniff one media file; raises _Reject with the reason."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            raise _Reject(f"file not found: {shown}") from None
        except PermissionError:
            raise _Reject(f"permission denied: {shown}") from None
        except OSError as exc:
            raise _Reject(f"cannot read {shown}: {exc.strerror or exc}") from None
        if stat.S_ISDIR(st.st_mode):
            raise _Reject(f"{shown} is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise _Reject(f"{shown} is {_file_kind(st.st_mode)}, not a media file")
        if st.st_size == 0:
            raise _Reject(f"empty file (0 bytes): {shown}")
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        cached = self._hashes.get(key)
        if cached is None:
            cached = self._hashes[key] = self._hash(path, shown)
        sha, mime, head = cached
        return _FileInfo(path=path, db_path=path_to_db(path), size=st.st_size, sha256=sha, mime=mime, head=head)

    @staticmethod
    def _hash(path: str, shown: str) -> tuple[str, str | None, bytes]:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(path, flags)
        except PermissionError:
            raise _Reject(f"permission denied: {shown}") from None
        except OSError as exc:
            raise _Reject(f"cannot read {shown}: {exc.strerror or exc}") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for a FIFO since the stat
                raise _Reject(f"{shown} is not a regular file")
            digest = hashlib.sha256()
            first = os.read(fd, max(HASH_CHUNK, SNIFF_BYTES))
            digest.update(first)
            while chunk := os.read(fd, HASH_CHUNK):
                digest.update(chunk)
        except OSError as exc:
            raise _Reject(f"cannot read {shown}: {exc.strerror or exc}") from None
        finally:
            os.close(fd)
        return digest.hexdigest(), sniff(first[:SNIFF_BYTES]), first[:4]

    # -- writing -------------------------------------------------------------------------
    def run(self, rows: Iterator[_Row | Rejection]) -> None:
        """Every BATCH_ROWS rows read (imported or not): commit what is new, then report progress."""
        batch: list[_Row] = []
        done = 0
        for item in rows:
            done += 1
            if isinstance(item, Rejection):
                self.report.rejected.append(item)
            elif self._first_in_import(item):
                batch.append(item)
            if done % BATCH_ROWS == 0:
                self._flush(batch)
                batch = []
                if self.progress is not None and self.progress(done) is False:
                    self.report.cancelled = True
                    self.report.warnings.append(f"import cancelled after {done} rows; the rest was not imported")
                    return
        self._flush(batch)
        if self._repeat_warnings > MAX_REPEAT_WARNINGS:
            self.report.warnings.append(
                f"... and {self._repeat_warnings - MAX_REPEAT_WARNINGS} more repeated rows (counted as duplicates)"
            )
        if self.progress is not None:
            self.progress(done)

    def _first_in_import(self, row: _Row) -> bool:
        """False (and counted as a duplicate) if this import already had the same id / content."""
        v = row.values
        key = (v["platform"], v["external_id"])
        first = self._seen_keys.get(key)
        what = f"external_id {v['external_id']!r} (platform {v['platform']!r})"  # both short (column widths)
        if first is None and self.by_content and v["sha256"] is not None:
            first = self._seen_sha.get(v["sha256"])
            what = "the same content"
        if first is not None:
            self.report.duplicates += 1
            self._repeat_warnings += 1
            if self._repeat_warnings <= MAX_REPEAT_WARNINGS:
                self.report.warnings.append(f"{row.where}: {what} repeats {first}; kept the first")
            return False
        self._seen_keys[key] = row.where
        if self.by_content and v["sha256"] is not None:
            self._seen_sha[v["sha256"]] = row.where
        return True

    def _flush(self, batch: list[_Row]) -> None:
        if not batch:
            return
        added = self.store.add_items(
            [r.values for r in batch], same_content_source=self.source_text if self.by_content else None
        )
        self.report.imported += len(added)
        self.report.duplicates += len(batch) - len(added)

    def base_row(self) -> dict[str, Any]:
        """Every item column, so that all rows of an executemany have the same keys."""
        return {
            "import_source": self.source_text,
            "media_path": None,
            "media_type": None,
            "sha256": None,
            "size_bytes": None,
            "width": None,
            "height": None,
            "duration_ms": None,
            "text_body": None,
            "uploader": None,
            "flagged_at": self.now,
            "flag_source": None,
            "flag_reason": None,
            "report_count": 0,
            "classifier_score": None,
            "suspected_category": None,
            "imported_at": self.now,
        }

    def severity(self, category: str | None) -> int:
        """Severity of a (validated) suspected category; 1 when there is none."""
        sev = self._severity.get(category)
        if sev is None:
            sev = self._severity[category] = self.store.policy.category(category).severity if category else 1
        return sev

    def warn_unknown(self, name: str, where: str, seen: set[str]) -> None:
        if name not in seen:
            seen.add(name)
            self.report.warnings.append(f"unknown field {_short(name)} ignored (first on {where})")


def _read_text(info: _FileInfo, shown: str) -> str:
    """A folder's .txt file as a text post: UTF-8 (BOM allowed), at most MAX_TEXT_BYTES, no NULs."""
    if info.size > MAX_TEXT_BYTES:
        raise _Reject(f"text file is {_mb(info.size)}; the limit is {_mb(MAX_TEXT_BYTES)}")
    try:
        with open(info.path, "rb") as fh:
            raw = fh.read(MAX_TEXT_BYTES + 1)
    except OSError as exc:
        raise _Reject(f"cannot read {shown}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Reject(
            f"not a UTF-8 text file (invalid byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    if "\x00" in text:
        raise _Reject("not a text file (contains NUL bytes)")
    if not text.strip():
        raise _Reject("empty text file")
    return text


class _FolderReader:
    """Rows for every file under a folder; external id = path relative to the root (POSIX form)."""

    def __init__(self, importer: _Importer, root: str, platform: str) -> None:
        self.imp = importer
        self.root = root
        self.platform = platform
        self.id_limit = ITEM_TEXT_LIMITS["external_id"]

    def rows(self) -> Iterator[_Row | Rejection]:
        """Depth-first, names sorted; an explicit stack, so a very deep tree cannot hit the recursion limit."""
        pending = [(self.root, "")]
        while pending:
            folder, prefix = pending.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                where = display_name(prefix.rstrip("/") or ".")
                yield Rejection(where, f"cannot read folder: {exc.strerror or exc}")
                continue
            subfolders = []
            for entry in entries:
                rel = prefix + entry.name
                shown = display_name(rel)
                try:
                    if entry.is_symlink():
                        target = os.path.realpath(entry.path)
                        if not _inside(target, self.root):
                            raise _Reject(f"symlink points outside the import root (to {display_name(target)})")
                        if os.path.isdir(target):
                            self.imp.report.warnings.append(f"{shown}: symlink to a folder not followed")
                            continue
                        yield self._file(target, rel, shown)
                    elif entry.is_dir(follow_symlinks=False):
                        subfolders.append((entry.path, rel + "/"))
                    else:
                        yield self._file(entry.path, rel, shown)
                except _Reject as exc:
                    yield Rejection(shown, str(exc))
            pending.extend(reversed(subfolders))

    def _file(self, path: str, rel: str, shown: str) -> _Row:
        if len(shown) > self.id_limit:
            raise _Reject(f"path is {len(shown)} characters; an external id can have at most {self.id_limit}")
        info = self.imp.examine(path, shown)
        values = self.imp.base_row()
        values.update(external_id=shown, platform=self.platform, sha256=info.sha256, size_bytes=info.size)
        if info.mime is not None:
            # GIF/WebP/APNG import as "image": whether they are animated is known only once the
            # media pipeline has counted their frames (media_type keeps the candidates visible).
            ctype = ContentType.VIDEO if info.family == "video" else ContentType.IMAGE
            values.update(content_type=ctype.value, media_path=info.db_path, media_type=info.mime)
        elif rel.lower().endswith(TEXT_SUFFIX):
            text = _read_text(info, shown)
            values.update(content_type=ContentType.TEXT.value, text_body=text, media_type="text/plain")
        else:
            raise _Reject(f"not a recognised image or video format (first bytes: {info.head.hex(' ')})")
        values["priority"] = compute_priority(self.imp.severity(None), 0, None)
        return _Row(shown, values)


class _ManifestReader:
    """Rows of a JSONL or CSV manifest, read line by line with a bounded buffer."""

    def __init__(self, importer: _Importer, base: str, platform: str | None) -> None:
        self.imp = importer
        self.base = base  # the manifest's folder (resolved): media paths must stay inside it
        self.platform = platform
        self._unknown: set[str] = set()
        self._media: dict[str, _FileInfo | str] = {}  # media_path as written -> file or reject reason

    # -- JSONL ----------------------------------------------------------------------------
    def jsonl_rows(self, fh: BinaryIO) -> Iterator[_Row | Rejection]:
        for line_no, line, size, _quotes in _bounded_lines(fh):
            where = f"line {line_no}"
            if size > MAX_LINE_BYTES:
                yield Rejection(where, _oversize_reason(size, _json_member_at_end(line)))
                continue
            try:
                text = _decode(line, line_no)
                if not text.strip():
                    continue
                try:
                    record = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise _Reject(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
                except ValueError:  # the only other ValueError: an integer over sys.get_int_max_str_digits()
                    raise _Reject("invalid JSON: a number has too many digits") from None
                except RecursionError:
                    raise _Reject("invalid JSON: nested too deeply") from None
                if not isinstance(record, dict):
                    raise _Reject(f"expected a JSON object, got {_json_type(record)}")
                yield self._row(record, where, textual=False)
            except _Reject as exc:
                yield Rejection(where, str(exc))

    # -- CSV ------------------------------------------------------------------------------
    def csv_rows(self, fh: BinaryIO, src: Path) -> Iterator[_Row | Rejection]:
        header: list[str] | None = None
        for line_no, record, size, closed in _csv_records(fh):
            where = f"line {line_no}"
            if header is None:
                if record.strip(b" \t\r\n\xef\xbb\xbf"):  # blank lines (or a lone BOM) before the header
                    header = self._header(record, size, closed, line_no, src)
                continue
            if size > MAX_LINE_BYTES:
                yield Rejection(where, _oversize_reason(size, _csv_field_at_end(record, header)))
                continue
            try:
                if not closed:
                    raise _Reject("unterminated quoted field (the record runs to the end of the file)")
                text = _decode(record, line_no)
                if not text.strip():
                    continue
                values = next(csv.reader([text]))
                if len(values) != len(header):
                    raise _Reject(f"{len(values)} fields, but the header has {len(header)}")
                yield self._row(dict(zip(header, values)), where, textual=True)
            except (_Reject, csv.Error) as exc:
                yield Rejection(where, str(exc) if isinstance(exc, _Reject) else f"invalid CSV: {exc}")
        if header is None:
            raise ImportSourceError(f"{src}: empty CSV manifest (no header line)")

    def _header(self, record: bytes, size: int, closed: bool, line_no: int, src: Path) -> list[str]:
        where = f"{src}: header (line {line_no})"
        if size > MAX_LINE_BYTES or not closed:
            raise ImportSourceError(f"{where} is not a CSV header")
        try:
            names = [n.strip() for n in next(csv.reader([_decode(record, line_no)]))]
        except (_Reject, csv.Error) as exc:
            raise ImportSourceError(f"{where}: {exc}") from None
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ImportSourceError(f"{where}: duplicate column(s) {', '.join(dup)}")
        required = [f for f in REQUIRED_FIELDS if not (f == "platform" and self.platform)]
        missing = [f for f in required if f not in names]
        if missing:
            raise ImportSourceError(f"{where}: missing required column(s) {', '.join(missing)} (see docs/manifest.md)")
        for n in names:
            if n not in KNOWN_FIELDS:
                self.imp.warn_unknown(n, f"line {line_no}", self._unknown)
        return names

    # -- one row ----------------------------------------------------------------------------
    def _row(self, record: dict[str, Any], where: str, *, textual: bool) -> _Row:
        """Validate one manifest record (JSON values, or CSV strings when ``textual``) into item columns."""
        f: dict[str, Any] = {}
        for name, value in record.items():
            if name not in KNOWN_FIELDS:
                self.imp.warn_unknown(str(name), where, self._unknown)
            elif value is not None and not (textual and not value.strip()):
                f[name] = _field(name, value, textual)
        if "platform" not in f and self.platform:
            f["platform"] = self.platform
        for name in REQUIRED_FIELDS:
            if name not in f:
                raise _Reject(f"missing required field {name!r}")
        ctype = _CONTENT_TYPES.get(f["content_type"])
        if ctype is None:
            allowed = "|".join(_CONTENT_TYPES)
            raise _Reject(f"field 'content_type' is {_short(f['content_type'])}; expected one of {allowed}")
        category = f.get("suspected_category")
        if category is not None and not self.imp.store.policy.has_category(category):
            raise _Reject(f"field 'suspected_category': unknown category code {category!r}")
        values = self.imp.base_row()
        values.update(
            external_id=f["external_id"],
            platform=f["platform"],
            content_type=ctype.value,
            uploader=f.get("uploader"),
            flag_source=f.get("flag_source"),
            flag_reason=f.get("flag_reason"),
            report_count=f.get("report_count", 0),
            classifier_score=f.get("classifier_score"),
            suspected_category=category,
            width=f.get("width"),
            height=f.get("height"),
            duration_ms=f.get("duration_ms"),
        )
        if "flagged_at" in f:
            values["flagged_at"] = f["flagged_at"]
        if ctype == ContentType.TEXT:
            if "text" not in f:
                raise _Reject("missing field 'text' (required for content_type 'text')")
            if "media_path" in f:
                raise _Reject("a text row carries its text in 'text'; 'media_path' is not allowed")
            values["text_body"] = f["text"]
        else:
            if "media_path" not in f:
                raise _Reject(f"missing field 'media_path' (required for content_type {ctype.value!r})")
            info = self._media_file(f["media_path"])
            expected = "image" if ctype in (ContentType.IMAGE, ContentType.ANIMATION) else "video"
            if info.family != expected:
                raise _Reject(f"content_type {ctype.value!r} but {_clip(f['media_path'])} is {info.mime}")
            given = f.get("sha256")
            if given is not None and given != info.sha256:
                raise _Reject(f"sha256 does not match {_clip(f['media_path'])} (the file's is {info.sha256})")
            values.update(media_path=info.db_path, media_type=info.mime, sha256=info.sha256, size_bytes=info.size)
        values["priority"] = f.get("priority")
        if values["priority"] is None:
            values["priority"] = compute_priority(
                self.imp.severity(category), values["report_count"], values["classifier_score"]
            )
        return _Row(where, values)

    def _media_file(self, written: str) -> _FileInfo:
        """Resolve (inside the manifest's folder only), stat, hash and sniff; cached per path as written."""
        cached = self._media.get(written)
        if cached is None:
            try:
                cached = self._resolve_and_examine(written)
            except _Reject as exc:
                cached = str(exc)
            self._media[written] = cached
        if isinstance(cached, str):
            raise _Reject(cached)
        return cached

    def _resolve_and_examine(self, written: str) -> _FileInfo:
        try:
            os.fsencode(written)
        except UnicodeEncodeError:
            raise _Reject(f"media_path {_short(written)} is not a valid file name") from None
        if "\x00" in written:
            raise _Reject("media_path contains a NUL character")
        lexical = os.path.normpath(os.path.join(self.base, written))
        if not _inside(lexical, self.base):
            raise _Reject(f"media_path {_short(written)} is outside the manifest's folder")
        real = os.path.realpath(lexical)
        if not _inside(real, self.base):
            raise _Reject(f"media_path {_short(written)} is a symlink pointing outside the manifest's folder")
        info = self.imp.examine(real, _clip(written))
        if info.mime is None:
            raise _Reject(f"not a recognised image or video format (first bytes: {info.head.hex(' ')})")
        return info


def _field(name: str, value: Any, textual: bool) -> Any:
    """One manifest value, type-checked and range-checked; raises _Reject naming the field."""
    # Fast paths for the common, valid case (type(x) is int excludes bool); the full checks
    # below produce the error messages.
    kind = type(value)
    if kind is str and name in _CHAR_LIMITED and value.isascii() and "\x00" not in value:
        stripped = value.strip()
        if stripped and len(stripped) <= _CHAR_LIMITED[name]:
            return stripped
    elif kind is int and name in _INT_FIELDS:
        lo, hi = _INT_FIELDS[name]
        if lo <= value <= hi:
            return value
    if name in _INT_FIELDS:
        lo, hi = _INT_FIELDS[name]
        if textual:
            try:
                value = int(value.strip())
            except ValueError:
                raise _Reject(f"field {name!r} must be an integer, got {_short(value)}") from None
        elif not isinstance(value, int) or isinstance(value, bool):
            raise _Reject(f"field {name!r} must be an integer, got {_json_type(value)} {_short(value)}")
        if not lo <= value <= hi:
            raise _Reject(f"field {name!r} is {_clip(str(value))}; expected {lo}..{hi}")
        return value
    if name == "classifier_score":
        if textual:
            try:
                value = float(value.strip())
            except ValueError:
                raise _Reject(f"field {name!r} must be a number, got {_short(value)}") from None
        elif not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _Reject(f"field {name!r} must be a number, got {_json_type(value)} {_short(value)}")
        if not (math.isfinite(value) and 0.0 <= value <= 1.0):
            raise _Reject(f"field {name!r} is {value}; expected a number from 0 to 1")
        return float(value)
    if not isinstance(value, str):
        raise _Reject(f"field {name!r} must be a string, got {_json_type(value)}")
    if name == "media_path":
        return value  # a file name: checked when it is resolved
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise _Reject(f"field {name!r} contains an unpaired surrogate at character {exc.start}") from None
    if "\x00" in value:
        raise _Reject(f"field {name!r} contains a NUL character")
    if name in _BYTE_LIMITED:
        if size > _BYTE_LIMITED[name]:
            raise _Reject(f"field {name!r} is {_mb(size)}; the limit is {_mb(_BYTE_LIMITED[name])}")
        return value
    if name == "flagged_at":
        return _timestamp(value)
    value = value.strip()
    if name == "sha256":
        if not _SHA256_RE.match(value):
            raise _Reject("field 'sha256' must be 64 hexadecimal digits")
        return value.lower()
    if not value:
        raise _Reject(f"field {name!r} is empty")
    limit = _CHAR_LIMITED[name]
    if len(value) > limit:
        raise _Reject(f"field {name!r} has {len(value)} characters; the limit is {limit}")
    return value


def _timestamp(value: str) -> datetime:
    """ISO 8601; a naive time is UTC."""
    try:
        ts = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _Reject(f"field 'flagged_at' is not an ISO 8601 date-time: {_short(value)}") from None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return {dict: "object", list: "array", str: "string", int: "number", float: "number"}.get(
        type(value), type(value).__name__
    )


def _decode(line: bytes, line_no: int) -> str:
    if line_no == 1 and line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8) :]
    try:
        return line.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise _Reject(f"not valid UTF-8 (byte 0x{line[exc.start]:02x} at byte {exc.start + 1} of the line)") from None


def _bounded_lines(fh: BinaryIO) -> Iterator[tuple[int, bytes, int, int]]:
    """(line number, line, size, number of '"') for each line. A line over MAX_LINE_BYTES is
    returned as its first MAX_LINE_BYTES with its full size; the rest is read chunk by chunk
    (its quotes still counted, for CSV) and dropped."""
    line_no = 0
    while line := fh.readline(MAX_LINE_BYTES + 1):
        line_no += 1
        size, quotes = len(line), line.count(b'"')
        if size > MAX_LINE_BYTES and not line.endswith(b"\n"):
            line = line[:MAX_LINE_BYTES]
            while rest := fh.readline(HASH_CHUNK):
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
    parts: list[bytes] = []
    start = size = quotes = 0
    for n, line, line_size, line_quotes in _bounded_lines(fh):
        if size == 0:
            start = n
        if size < MAX_LINE_BYTES:
            parts.append(line[: MAX_LINE_BYTES - size])
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


def _oversize_reason(size: int, member: tuple[str, int] | None) -> str:
    """Why a line over MAX_LINE_BYTES is rejected, naming the field that makes it so big."""
    if member is None:
        return f"line is {_mb(size)}; the limit is {_mb(MAX_LINE_BYTES)}"
    name, offset = member
    return f"field {name!r} is about {_mb(size - offset)}; the limit is {_mb(MAX_TEXT_BYTES)}"
