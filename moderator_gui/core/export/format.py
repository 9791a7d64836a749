"""The decision-log file format (docs/export-format.md): constants, hashes, the seal.

Shared by the writer and the verifier; imports neither a database nor a file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from moderator_gui import __version__
from moderator_gui.core.decision_log import COLUMNS, canonical_encoder, canonical_row

if TYPE_CHECKING:
    from moderator_gui.core.decision_filter import DecisionFilter

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
    "Format",
    "Progress",
    "canonical_row",
    "make_seal",
    "neutralise",
    "row_hash",
    "seal_hash",
    "seal_line",
]

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

# -- canonical serialisation (documented in docs/export-format.md) ------------------------
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


# -- the seal -------------------------------------------------------------------------------
def make_seal(fmt: str, rows: int, final_hash: str, flt: DecisionFilter) -> dict[str, Any]:
    # Only the writer makes seals: the verifier does not pay for these imports.
    from moderator_gui.core.decision_filter import iso
    from moderator_gui.core.domain import utcnow

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


def seal_line(fmt: str, seal: dict[str, Any]) -> str:
    """The seal as the file's last line: a JSON line, or a CSV row ``#seal,<json>``."""
    text = canonical_encoder.encode(seal)
    if fmt == "jsonl":
        return text + "\n"
    buf = io.StringIO()
    csv.writer(buf, lineterminator=CSV_EOL).writerow([SEAL_MARK, text])
    return buf.getvalue()

