"""The tables as SQLAlchemy Core objects, and how values are stored (paths as raw bytes).

Only the store package uses these; everything else goes through :class:`~moderator_gui.core.store.Store`.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Table

from moderator_gui.core.store.models import (
    Base,
    Blob,
    BlobChunk,
    ChangeLog,
    Claim,
    Conflict,
    Decision,
    Desk,
    HashList,
    HashListSignal,
    Item,
    Media,
    MediaCluster,
    MediaMatch,
    MediaPurge,
    MediaRetired,
    MediaSignature,
    Reviewer,
    Setting,
    SkipMark,
)


def _table(model: type[Base]) -> Table:
    """A mapped class's table. SQLAlchemy types ``__table__`` as a FromClause; insert(),
    update() and delete() want the Table it is."""
    table = model.__table__
    assert isinstance(table, Table), model
    return table


items_t = _table(Item)
decisions_t = _table(Decision)
reviewers_t = _table(Reviewer)
media_t = _table(Media)
claims_t = _table(Claim)
skip_marks_t = _table(SkipMark)
settings_t = _table(Setting)
desks_t = _table(Desk)
conflicts_t = _table(Conflict)
change_log_t = _table(ChangeLog)
blobs_t = _table(Blob)
blob_chunks_t = _table(BlobChunk)
media_purges_t = _table(MediaPurge)
media_retired_t = _table(MediaRetired)
media_signatures_t = _table(MediaSignature)
media_clusters_t = _table(MediaCluster)
hash_lists_t = _table(HashList)
hash_list_signals_t = _table(HashListSignal)
media_matches_t = _table(MediaMatch)


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
