"""Decision-log export (CSV / JSONL) with a SHA-256 hash chain and a seal, and its verifier.

Why a chain and a seal: team leads hand these logs to auditors. Each row's
``row_hash`` covers the previous row's hash and the row's values *as written*,
and the last line (the seal) covers the row count, the final hash and the export
parameters, so editing, deleting, inserting, reordering rows or cutting the
file short is detected by :func:`verify_file` (or by a third party following
docs/export-format.md, without our code).

Modules:
    format    the file format: constants, ``row_hash``, ``seal_hash``, ``neutralise``, the seal
    writer    ``write_export`` (to a stream), ``export_decisions`` (atomic file), ``ExportResult``
    verify    ``verify_file`` -> ``VerifyResult``: works without a database
    errors    ``ExportError``, ``ExportCancelled`` and the coded messages of export and verify

The writer and the verifier load on first use (``__getattr__`` below): the
verifier and the format import no database, ORM or media library, and
``from moderator_gui.core.export import verify_file`` stays that light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moderator_gui.core.export.errors import ExportCancelled, ExportError
from moderator_gui.core.export.format import (
    ALL_COLUMNS,
    COLUMNS,
    CSV_BOM,
    CSV_EOL,
    FORMAT_NAME,
    FORMAT_VERSION,
    FORMATS,
    FORMULA_TRIGGERS,
    GENESIS_HASH,
    HASH_COLUMNS,
    SEAL_MARK,
    Format,
    Progress,
    canonical_row,
    make_seal,
    neutralise,
    row_hash,
    seal_hash,
)

if TYPE_CHECKING:
    from moderator_gui.core.export.verify import VerifyResult, detect_format, verify_file
    from moderator_gui.core.export.writer import ExportResult, export_decisions, write_export

_LAZY = {
    "ExportResult": "writer",
    "export_decisions": "writer",
    "write_export": "writer",
    "VerifyResult": "verify",
    "detect_format": "verify",
    "verify_file": "verify",
}

__all__ = [
    "ALL_COLUMNS",
    "COLUMNS",
    "CSV_BOM",
    "CSV_EOL",
    "FORMATS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "FORMULA_TRIGGERS",
    "GENESIS_HASH",
    "HASH_COLUMNS",
    "SEAL_MARK",
    "ExportCancelled",
    "ExportError",
    "ExportResult",
    "Format",
    "Progress",
    "VerifyResult",
    "canonical_row",
    "detect_format",
    "export_decisions",
    "make_seal",
    "neutralise",
    "row_hash",
    "seal_hash",
    "verify_file",
    "write_export",
]


def __getattr__(name: str) -> Any:
    """The writer and the verifier load when one of their names is first asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once: later lookups are plain attribute reads
    return value
