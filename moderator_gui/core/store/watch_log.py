"""The change log other processes on the same SQLite file read (``change_log``).

SQLite has no NOTIFY: each write transaction of the store appends what it changed,
and a watcher in every other process polls ``PRAGMA data_version`` and reads the log
past what it has seen (``watch.py``). SQLite serialises writers, so ``seq`` follows
commit order and nothing committed is ever skipped. Added items are not logged: the
watcher sees them as ids above the largest it knew (ids follow commit order too).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert

from moderator_gui.core.changes import Changes
from moderator_gui.core.store.tables import change_log_t

#: More rows than this for one transaction: one "everything" row instead.
LOG_LIMIT = 200
#: The log keeps about this many rows (a watcher further behind reloads).
KEEP_ROWS = 20_000
EVERYTHING = "*"


def log_for_watchers(conn: Connection, changes: Changes) -> None:
    rows: list[dict[str, object]] = []
    if changes.everything or len(changes.items) + len(changes.media) > LOG_LIMIT:
        rows.append({"kind": EVERYTHING, "item_id": None, "sha256": None})
    else:
        rows += [{"kind": "i", "item_id": i, "sha256": None} for i in sorted(changes.items)]
        rows += [{"kind": "m", "item_id": None, "sha256": h} for h in sorted(changes.media)]
    if not rows:
        return
    last = conn.execute(insert(change_log_t).returning(change_log_t.c.seq), rows).scalars().all()
    top = max(last)
    if top % 1000 < len(rows):  # now and then, forget what every watcher has long read
        conn.execute(delete(change_log_t).where(change_log_t.c.seq <= top - KEEP_ROWS))
