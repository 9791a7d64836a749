"""The importer: validated rows in, batched idempotent inserts out, and the report.

* Re-importing is idempotent: an item whose (platform, external_id) already exists
  is counted as a duplicate, never inserted twice (``Store.add_items`` checks the
  database; this module checks the rows of the same import). For folder imports the
  same content (SHA-256) within the same source is a duplicate too.
* Rows are written in batches of :data:`BATCH_ROWS` per transaction through
  ``Store.add_items`` (which publishes the change events), so a crash loses at most
  the open batch. Storage failures propagate as ``StoreError``.
* ``progress(rows_done)`` is called after each batch and once at the end; returning
  False stops the import there (``report.cancelled``).

To shrink the batches in a test, patch ``batching.BATCH_ROWS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from moderator_gui.core.domain import utcnow
from moderator_gui.core.ingest import files, records
from moderator_gui.core.ingest.fields import KNOWN_FIELDS, REQUIRED_FIELDS, Row, base_row, record_values
from moderator_gui.core.ingest.files import FileInfo, HashCache, display_name
from moderator_gui.core.ingest.mapping import ColumnMapping, RecordMapper
from moderator_gui.core.ingest.reasons import ImportSourceError, Place, Reject, Rejection, place, short
from moderator_gui.core.media_store import MediaStoreError
from moderator_gui.core.messages import Message
from moderator_gui.core.store import ITEM_TEXT_LIMITS, Store, path_from_db

#: Rows per write transaction: a crash mid-import loses at most this many.
BATCH_ROWS = 2000
#: At most this many "repeated id" warnings are listed one by one; the rest are summed up.
MAX_REPEAT_WARNINGS = 20

Progress = Callable[[int], "bool | None"]


@dataclass
class ImportReport:
    """What an import did. ``warning_msgs`` are coded messages; ``warnings`` their English texts."""

    source: Path
    imported: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warning_msgs: list[Message] = field(default_factory=list)
    cancelled: bool = False  # the progress callback returned False; committed batches are kept
    # Team database: media stored by this import (new contents), and their bytes; contents the
    # team database held already are not counted.
    media_stored: int = 0
    media_bytes: int = 0

    @property
    def warnings(self) -> list[str]:
        return [m.render() for m in self.warning_msgs]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": display_name(str(self.source)),
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": [{"where": r.where, "reason": r.reason, "code": r.code} for r in self.rejected],
            "warnings": self.warnings,
            "cancelled": self.cancelled,
            "media_stored": self.media_stored,
            "media_bytes": self.media_bytes,
        }


def import_path(
    store: Store,
    source: str | os.PathLike[str],
    *,
    platform: str | None = None,
    progress: Progress | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportReport:
    """Import a folder (recursively), a ``.jsonl`` or a ``.csv`` manifest into ``store``.

    ``platform`` is the platform of folder items (default "folder") and the
    default for manifest rows that have none (else the mapping's ``platform``).
    ``mapping`` renames a manifest's columns before each record is validated
    (:mod:`.mapping`); a folder takes none. ``progress(rows_done)`` is called
    every BATCH_ROWS rows or files read, right after they are committed, and once
    at the end; returning False stops the import there (``report.cancelled``).
    Raises :class:`ImportSourceError` if the source cannot be read at all.
    """
    src = Path(source)
    kind = files.source_kind(src)
    if mapping is not None:
        if kind == "folder":
            raise ImportSourceError("import.map_folder", path=str(src))
        if platform is None:
            platform = mapping.platform
    if platform is not None:
        limit = ITEM_TEXT_LIMITS["platform"]
        if not platform.strip() or len(platform) > limit:
            raise ImportSourceError("import.bad_platform", platform=short(platform), limit=limit)
    # Only leads import into a team database: said plainly here, before the server's own refusal
    # (the real guard: reviewers have no INSERT on items) surfaces as "permission denied".
    store.require_lead("import items")
    real = os.path.realpath(src)
    importer = _Importer(store, Path(real), progress, platform, by_content=kind == "folder")
    if mapping is not None and mapping.columns:
        importer.mapper = RecordMapper(mapping, importer.report.warning_msgs.append)
    if kind == "folder":
        walker = files.FolderWalker(
            real,
            platform or files.FOLDER_PLATFORM,
            hashes=importer.hashes,
            new_row=importer.base_row,
            warn=importer.report.warning_msgs.append,
        )
        importer.run(walker.rows())
    else:
        try:
            fh = open(real, "rb")  # noqa: SIM115 - closed below; a FIFO was refused by source_kind
        except OSError as exc:
            raise ImportSourceError("import.source_unreadable", path=str(src), reason=exc.strerror or str(exc)) from None
        with fh:
            importer.run(importer.manifest_rows(fh, kind, src, base=os.path.dirname(real)))
    if importer.report.imported:
        store.refresh_statistics()  # the queue's index choice depends on them
    return importer.report


class _Importer:
    """Validated rows in, batched idempotent inserts out; keeps the report and the per-import caches.

    Also the :class:`~.fields.RowContext` of the manifest's records."""

    def __init__(
        self, store: Store, source: Path, progress: Progress | None, platform: str | None, *, by_content: bool
    ) -> None:
        self.store = store
        self.source_text = display_name(str(source))
        self.report = ImportReport(source=source)
        self.progress = progress
        self.platform = platform  # the default for manifest rows without one
        self.by_content = by_content  # folder import: same content within the source = duplicate
        self.now = utcnow()
        self.base = ""  # a manifest's folder (resolved): media paths must stay inside it
        self.hashes: HashCache = {}
        self._media: dict[str, FileInfo | Message] = {}  # media_path as written -> file or reject reason
        self._unknown: set[str] = set()
        self._seen_keys: dict[tuple[str, str], Place] = {}
        self._seen_sha: dict[str, Place] = {}
        self._stored: set[str] = set()  # contents stored in the team database by this import
        self._repeat_warnings = 0
        self._severity: dict[str | None, int] = {}
        self.mapper: RecordMapper | None = None  # a column mapping, applied to each record first

    # -- reading a manifest --------------------------------------------------------------
    def manifest_rows(self, fh: BinaryIO, kind: str, src: Path, *, base: str) -> Iterator[Row | Rejection]:
        self.base = base
        textual = kind == "csv"
        if textual:
            required = [f for f in REQUIRED_FIELDS if not (f == "platform" and self.platform)]
            fields = self.mapper.fields if self.mapper is not None else None
            found = records.csv_records(fh, src, required=required, on_header=self._columns, fields=fields)
        else:
            found = records.jsonl_records(fh)
        mapper = self.mapper
        for line_no, record in found:
            if isinstance(record, Message):
                yield Rejection.at(line_no, record)
                continue
            if mapper is not None:
                record = mapper(record)
            try:
                yield Row(line_no, record_values(record, line_no, self, textual=textual))
            except Reject as exc:
                yield Rejection.at(line_no, exc.msg)
        if mapper is not None:
            mapper.finish()

    def _columns(self, names: list[str], line_no: int) -> None:
        if self.mapper is not None:
            names = self.mapper.header(names)
        for n in names:
            if n not in KNOWN_FIELDS:
                self.warn_unknown(n, line_no)

    # -- RowContext ------------------------------------------------------------------------
    def base_row(self) -> dict[str, Any]:
        """Every item column, so that all rows of an executemany have the same keys."""
        return base_row(self.source_text, self.now)

    def warn_unknown(self, name: str, at: Place) -> None:
        if name not in self._unknown:
            self._unknown.add(name)
            self.report.warning_msgs.append(Message.of("import.unknown_field", name=short(name), where=place(at)))

    def has_category(self, code: str) -> bool:
        return self.store.policy.has_category(code)

    def severity(self, category: str | None) -> int:
        """Severity of a (validated) suspected category; 1 when there is none."""
        sev = self._severity.get(category)
        if sev is None:
            sev = self._severity[category] = self.store.policy.category(category).severity if category else 1
        return sev

    def media_file(self, written: str) -> FileInfo:
        """Resolve (inside the manifest's folder only), stat, hash and sniff; cached per path as written."""
        cached = self._media.get(written)
        if cached is None:
            try:
                cached = files.media_file(self.base, written, self.hashes)
            except Reject as exc:
                cached = exc.msg
            self._media[written] = cached
        if isinstance(cached, Message):
            raise Reject(cached)
        return cached

    # -- writing -------------------------------------------------------------------------
    def run(self, rows: Iterator[Row | Rejection]) -> None:
        """Every BATCH_ROWS rows read (imported or not): commit what is new, then report progress."""
        batch: list[Row] = []
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
                    self.report.warning_msgs.append(Message.of("import.cancelled", rows=done))
                    return
        self._flush(batch)
        if self._repeat_warnings > MAX_REPEAT_WARNINGS:
            more = self._repeat_warnings - MAX_REPEAT_WARNINGS
            self.report.warning_msgs.append(Message.of("import.more_repeats", count=more))
        if self.progress is not None:
            self.progress(done)

    def _first_in_import(self, row: Row) -> bool:
        """False (and counted as a duplicate) if this import already had the same id / content."""
        v = row.values
        key = (v["platform"], v["external_id"])
        first = self._seen_keys.get(key)
        same_content = False
        if first is None and self.by_content and v["sha256"] is not None:
            first = self._seen_sha.get(v["sha256"])
            same_content = True
        if first is not None:
            self.report.duplicates += 1
            self._repeat_warnings += 1
            if self._repeat_warnings <= MAX_REPEAT_WARNINGS:
                self.report.warning_msgs.append(self._repeat_warning(row, first, same_content))
            return False
        self._seen_keys[key] = row.at
        if self.by_content and v["sha256"] is not None:
            self._seen_sha[v["sha256"]] = row.at
        return True

    @staticmethod
    def _repeat_warning(row: Row, first: Place, same_content: bool) -> Message:
        where = {"where": place(row.at), "first": place(first)}
        if same_content:
            return Message.of("import.repeated_content", **where)
        v = row.values  # both short (column widths)
        return Message.of("import.repeated_id", external_id=v["external_id"], platform=v["platform"], **where)

    def _flush(self, batch: list[Row]) -> None:
        if not batch:
            return
        if self.store.keeps_media:
            batch = self._store_media(batch)
        added = self.store.add_items(
            [r.values for r in batch], same_content_source=self.source_text if self.by_content else None
        )
        self.report.imported += len(added)
        self.report.duplicates += len(batch) - len(added)

    def _store_media(self, batch: list[Row]) -> list[Row]:
        """Team database: store each row's media (once per content) BEFORE its item is committed,
        so no desk ever sees an item whose media is missing. A file that cannot be stored (changed
        or unreadable since it was hashed) rejects its row; a database failure stops the import,
        and running it again stores what is missing (stored contents are skipped)."""
        kept: list[Row] = []
        for row in batch:
            v = row.values
            if v["media_path"] is not None and v["sha256"] is not None and v["sha256"] not in self._stored:
                try:
                    blob = self.store.store_blob(path_from_db(v["media_path"]) or Path(), v["sha256"], v["media_type"])
                except MediaStoreError as exc:
                    self.report.rejected.append(Rejection.at(row.at, exc.msg))
                    continue
                self._stored.add(v["sha256"])
                if blob.stored:
                    self.report.media_stored += 1
                    self.report.media_bytes += blob.size
            kept.append(row)
        return kept
