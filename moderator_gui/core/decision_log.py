"""The decision log's columns and its canonical serialisation, shared by the store (which
selects the rows) and the export (which writes, chains and verifies them).

SQL-free and small: the verifier, which must work without a database, imports only this.
"""

from __future__ import annotations

import json
from typing import Any

# The data columns, in file order; every exported row then carries prev_hash and row_hash.
COLUMNS: tuple[str, ...] = (
    "seq",
    "uuid",
    "kind",
    "item_id",
    "external_id",
    "platform",
    "content_type",
    "sha256",
    "uploader",
    "category",
    "category_label_en",
    "category_label_zh_CN",
    "actions",
    "note",
    "reviewer",
    "decided_at",
    "time_spent_ms",
    "policy_version",
    "reverts",
    "supersedes",
)

canonical_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def canonical_row(values: list[Any] | tuple[Any, ...]) -> str:
    """The text a row hash covers: a compact JSON array of the data values as written."""
    return canonical_encoder.encode(list(values))
