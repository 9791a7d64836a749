"""Import flagged items into the queue from a folder, a JSONL manifest or a CSV manifest.

Import is fast I/O only: for every media file it records the path (raw bytes),
size, SHA-256 and the MIME type sniffed from the first bytes. Decoding,
dimensions and thumbnails are the media pipeline's job later.

Robustness rules (see docs/manifest.md):

* Each bad row or file is rejected with its line number or path and a specific
  reason (a coded :class:`~moderator_gui.core.messages.Message`); everything else
  imports. Only a source that cannot be read at all raises :class:`ImportSourceError`.
* Manifests are read line by line with a bounded buffer: a 100 MB line is
  measured and skipped, never held in memory whole (:mod:`.records`).
* Media paths must stay inside the manifest's folder (or the import root):
  ``..``, absolute paths elsewhere and symlinks pointing out are refused; files
  are ``stat``-ed before they are opened, so a FIFO or a device named like media
  is rejected instead of blocking the import forever (:mod:`.files`).
* Every field is type-checked and range-checked (:mod:`.fields`).
* Re-importing is idempotent, and rows are written in batches of
  :data:`BATCH_ROWS` per transaction (:mod:`.batching`).

* A manifest with its own column names is read through a column mapping
  (:mod:`.mapping`: ``--map``, TOML files), applied to each record before validation;
  a row without ``content_type`` gets it from its media's sniffed type or its text.

The modules: ``reasons`` (the message catalogue, Rejection, ImportSourceError),
``files``, ``records``, ``fields``, ``mapping``, ``batching``; ``preview`` (the first
rows mapped and validated, for the import dialog). The constants below are copies for
reading; a test that changes a limit patches the module that uses it
(``records.MAX_LINE_BYTES``, ``batching.BATCH_ROWS``).
"""

from __future__ import annotations

from moderator_gui.core.ingest.batching import BATCH_ROWS, MAX_REPEAT_WARNINGS, ImportReport, Progress, import_path
from moderator_gui.core.ingest.fields import KNOWN_FIELDS, MAX_TEXT_BYTES, REQUIRED_FIELDS
from moderator_gui.core.ingest.files import FOLDER_PLATFORM, HASH_CHUNK, MANIFEST_KINDS, TEXT_SUFFIX, display_name
from moderator_gui.core.ingest.mapping import ColumnMapping, MappingError
from moderator_gui.core.ingest.reasons import MB, ImportSourceError, Rejection
from moderator_gui.core.ingest.records import MAX_LINE_BYTES

__all__ = [
    "BATCH_ROWS",
    "FOLDER_PLATFORM",
    "HASH_CHUNK",
    "KNOWN_FIELDS",
    "MANIFEST_KINDS",
    "MAX_LINE_BYTES",
    "MAX_REPEAT_WARNINGS",
    "MAX_TEXT_BYTES",
    "MB",
    "REQUIRED_FIELDS",
    "TEXT_SUFFIX",
    "ColumnMapping",
    "ImportReport",
    "ImportSourceError",
    "MappingError",
    "Progress",
    "Rejection",
    "display_name",
    "import_path",
]
