"""The tables as SQLAlchemy Core objects, and how values are stored (paths as raw bytes).

Only the store package uses these; everything else goes through :class:`~moderator_gui.core.store.Store`.
"""

from __future__ import annotations

import os
from pathlib import Path

from moderator_gui.core.store.models import (
    Blob,
    BlobChunk,
    ChangeLog,
    Claim,
    Conflict,
    Decision,
    Desk,
    Item,
    Media,
    MediaPurge,
    MediaRetired,
    Reviewer,
    Setting,
    SkipMark,
)

items_t = Item.__table__
decisions_t = Decision.__table__
reviewers_t = Reviewer.__table__
media_t = Media.__table__
claims_t = Claim.__table__
skip_marks_t = SkipMark.__table__
settings_t = Setting.__table__
desks_t = Desk.__table__
conflicts_t = Conflict.__table__
change_log_t = ChangeLog.__table__
blobs_t = Blob.__table__
blob_chunks_t = BlobChunk.__table__
media_purges_t = MediaPurge.__table__
media_retired_t = MediaRetired.__table__


def _length(column: str) -> int:
    length = getattr(items_t.c[column].type, "length", None)
    assert isinstance(length, int), column
    return length


#: Widths (in characters) of the item text columns an importer must respect.
ITEM_TEXT_LIMITS: dict[str, int] = {
    name: _length(name)
    for name in ("external_id", "platform", "content_type", "uploader", "flag_source", "suspected_category")
}


def path_to_db(path: str | os.PathLike[str]) -> bytes:
    """File-system path as stored: raw bytes, so names that are not valid UTF-8 survive."""
    return os.fsencode(path)


def path_from_db(raw: bytes | None) -> Path | None:
    return None if raw is None else Path(os.fsdecode(raw))


def display_path(raw: bytes | None) -> str | None:
    """A path for people and JSON: undecodable bytes shown as U+FFFD."""
    return None if raw is None else raw.decode("utf-8", errors="replace")
