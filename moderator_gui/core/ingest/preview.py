"""The first rows of a manifest as the import would see them: for the import dialog's preview.

:func:`read_sample` reads a source's columns and first records once (file I/O: a worker
thread's job); :func:`preview_rows` applies a column mapping to them and validates each
exactly as the import does (the same :func:`~.fields.record_values`, the same path rules,
the same sniffing), without a database: it says what each row would become, or why it would
be rejected. Duplicates of stored items are not looked for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moderator_gui.core.domain import utcnow
from moderator_gui.core.ingest import files, records
from moderator_gui.core.ingest.fields import REQUIRED_FIELDS, base_row, record_values
from moderator_gui.core.ingest.files import FileInfo, HashCache
from moderator_gui.core.ingest.mapping import ColumnMapping, RecordMapper
from moderator_gui.core.ingest.reasons import Place, Reject
from moderator_gui.core.messages import Message
from moderator_gui.core.policy import Policy

#: How many records the preview shows.
PREVIEW_ROWS = 20


@dataclass(frozen=True)
class Sample:
    """A source's columns (a CSV's header; a JSONL's keys in the order they first appear in
    the sampled lines) and its first records (line, record or why it cannot be read).
    A folder has neither: ``kind`` is "folder"."""

    source: Path
    kind: str
    columns: list[str] = field(default_factory=list)
    records: list[tuple[int, dict[str, Any] | Message]] = field(default_factory=list)


@dataclass(frozen=True)
class PreviewRow:
    """One sampled record after the mapping: its fields as written, the content type it would
    import as (given or inferred), or why it would be rejected."""

    line: int
    fields: dict[str, Any]
    content_type: str | None = None
    problem: Message | None = None


def read_sample(source: str | os.PathLike[str], *, rows: int = PREVIEW_ROWS) -> Sample:
    """The columns and first ``rows`` records of ``source``; raises ImportSourceError like the import."""
    src = Path(source)
    kind = files.source_kind(src)
    if kind == "folder":
        return Sample(src, kind)
    columns: list[str] = []
    found: list[tuple[int, dict[str, Any] | Message]] = []
    with open(src, "rb") as fh:
        if kind == "csv":
            reader = records.csv_records(fh, src, required=(), on_header=lambda names, _line: columns.extend(names))
        else:
            reader = records.jsonl_records(fh)
        for line_no, record in reader:
            found.append((line_no, record))
            if kind == "jsonl" and isinstance(record, dict):
                columns.extend(k for k in record if k not in columns)
            if len(found) >= rows:
                break
    return Sample(src, kind, columns, found)


def unmapped_required(sample: Sample, mapping: ColumnMapping, platform: str | None) -> list[str]:
    """Required fields no column of a CSV sample becomes under ``mapping``: the import would stop
    at the header (a JSONL record is checked on its own, row by row)."""
    if sample.kind != "csv":
        return []
    present = {mapping.field_of(c) for c in sample.columns}
    given = platform or mapping.platform
    return [f for f in REQUIRED_FIELDS if f not in present and not (f == "platform" and given)]


def preview_rows(
    sample: Sample, mapping: ColumnMapping, policy: Policy, *, platform: str | None, hashes: HashCache | None = None
) -> list[PreviewRow]:
    """Each sampled record mapped and validated (stat, hash and sniff of its media: a worker thread's job).
    ``hashes``: a cache kept from one preview to the next, so that a file is hashed once
    (its key is the file's device, inode, size and modification time: a changed file is hashed again)."""
    base = os.path.dirname(os.path.realpath(sample.source))
    ctx = _PreviewContext(base, policy, platform or mapping.platform, {} if hashes is None else hashes)
    mapper = RecordMapper(mapping, lambda _msg: None) if mapping.columns else None
    out: list[PreviewRow] = []
    for line_no, record in sample.records:
        if isinstance(record, Message):
            out.append(PreviewRow(line_no, {}, problem=record))
            continue
        mapped = mapper(record) if mapper is not None else dict(record)
        try:
            values = record_values(mapped, line_no, ctx, textual=sample.kind == "csv")
        except Reject as exc:
            out.append(PreviewRow(line_no, mapped, problem=exc.msg))
        else:
            out.append(PreviewRow(line_no, mapped, content_type=values["content_type"]))
    return out


class _PreviewContext:
    """The :class:`~.fields.RowContext` of a preview: the import's rules, no database."""

    def __init__(self, base: str, policy: Policy, platform: str | None, hashes: HashCache) -> None:
        self.base = base
        self.policy = policy
        self.platform = platform
        self.hashes = hashes
        self._row = base_row("", utcnow())

    def base_row(self) -> dict[str, Any]:
        return dict(self._row)

    def warn_unknown(self, name: str, at: Place) -> None:
        pass

    def has_category(self, code: str) -> bool:
        return self.policy.has_category(code)

    def severity(self, category: str | None) -> int:
        return self.policy.category(category).severity if category else 1

    def media_file(self, written: str) -> FileInfo:
        return files.media_file(self.base, written, self.hashes)

