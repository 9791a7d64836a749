"""Item factories and child-process entry points for the store tests.

Items are inserted the way ingest does (``items_t`` in a ``Store.write()``
transaction), so the store tests do not depend on the importer.

Run as a script, this module is the other process of the multi-process tests:

    python store_helpers.py open   DB GO_FILE                       -> "ready", then "ok" or the error
    python store_helpers.py decide DB GO_FILE ITEM_ID REVIEWER UUID -> "ready", then the JSON outcome

Each prints "ready" when set up, then waits until ``GO_FILE`` exists, so that the
parent can start two children's work at the same moment.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from moderator_gui.core.domain import DecisionInput, EventKind
from moderator_gui.core.store import Store, StoreError
from moderator_gui.core.store.tables import items_t

HERE = Path(__file__).resolve()
BASE_TIME = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
PLATFORMS = ("douyin", "bilibili", "weibo")
CONTENT_TYPES = ("image", "video", "animation", "text")


def add_items(
    store: Store,
    count: int,
    *,
    prefix: str = "ext",
    platform: str | None = None,
    uploader: str | None = None,
    sha256: str | None = None,
) -> list[int]:
    """Insert ``count`` pending items and return their ids in insertion order.

    Priorities and flag times repeat on purpose (few distinct values), so that
    queue paging has ties to break on every key column.
    """
    rows = [
        {
            "external_id": f"{prefix}-{i:04d}",
            "platform": platform or PLATFORMS[i % len(PLATFORMS)],
            "import_source": "/tmp/manifest.jsonl",
            "content_type": CONTENT_TYPES[i % len(CONTENT_TYPES)],
            "sha256": sha256,
            "uploader": uploader or f"acct-{i % 5}",
            "flagged_at": BASE_TIME + timedelta(minutes=(i * 7) % 4),
            "report_count": i % 3,
            "priority": (i * 5) % 3 * 1000,
            "status": "pending",
            "imported_at": BASE_TIME,
        }
        for i in range(count)
    ]
    with store.write() as conn:
        first = conn.execute(select(items_t.c.id).order_by(items_t.c.id.desc()).limit(1)).scalar() or 0
        conn.execute(insert(items_t), rows)
        ids = conn.execute(select(items_t.c.id).where(items_t.c.id > first).order_by(items_t.c.id)).scalars()
        return list(ids)


def decision(
    item_id: int,
    reviewer: str = "alice",
    *,
    category: str = "cyberbullying",
    actions: Sequence[str] = ("remove_content", "warn"),
    expected_head: str | None = None,
    note: str = "",
    **kw: object,
) -> DecisionInput:
    """A valid DECIDE input (the cyberbullying category needs no note)."""
    return DecisionInput(
        item_id=item_id,
        kind=EventKind.DECIDE,
        reviewer=reviewer,
        category=category,
        actions=tuple(actions),
        expected_head=expected_head,
        note=note,
        **kw,  # type: ignore[arg-type]
    )


class WriteLock:
    """Another program holding a SQLite database's write lock (BEGIN IMMEDIATE) until released."""

    def __init__(self, path: str | Path) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def spawn(*args: str) -> subprocess.Popen[str]:
    """Start this module as a child process (see the module docstring)."""
    return subprocess.Popen(
        [sys.executable, str(HERE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    """The child's stdout; fails loudly with its stderr if it crashed."""
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"child process failed ({proc.returncode}):\n{err}")
    return out.strip()


def start_together(procs: Sequence[subprocess.Popen[str]], go: Path) -> None:
    """Wait until every child printed "ready", then let them all go at once."""
    for p in procs:
        assert p.stdout is not None
        line = p.stdout.readline().strip()
        if line != "ready":
            raise AssertionError(f"child not ready ({line!r}): {finish(p)}")
    go.touch()


def _wait_for(go: Path) -> None:
    deadline = time.monotonic() + 30
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"{go} never appeared")
        time.sleep(0.005)


def _child(argv: list[str]) -> None:
    command, db, go = argv[0], argv[1], Path(argv[2])
    if command == "open":
        print("ready", flush=True)
        _wait_for(go)
        try:
            Store.open(db).close()
        except StoreError as exc:
            print(f"{type(exc).__name__}: {exc.message}")
        else:
            print("ok")
        return
    item_id, reviewer, uuid = int(argv[3]), argv[4], argv[5]
    store = Store.open(db)
    store.item(item_id)  # the reviewer has the item on screen; the pool is warm
    print("ready", flush=True)
    _wait_for(go)
    try:
        ev = store.record(decision(item_id, reviewer, uuid=uuid))
        print(json.dumps({"ok": ev.uuid}))
    except StoreError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": exc.message}))
    finally:
        store.close()


if __name__ == "__main__":
    _child(sys.argv[1:])
