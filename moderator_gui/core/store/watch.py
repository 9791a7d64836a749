"""Changes made by other processes and other desks, delivered as this store's change events.

* PostgreSQL: ``LISTEN moderator_changes`` on a dedicated connection (never one of the
  pool's). The server's triggers send one notification per statement at COMMIT, with
  the changed items and their new states (migration 0005). The connection is watched
  by TCP keepalives, a TCP user timeout (the store's settings, engine.py) and a ping;
  when it breaks, the watcher reconnects by itself with backoff and, since it may have
  missed notifications meanwhile, publishes ``everything`` so the views read their
  rows again.
* SQLite: ``PRAGMA data_version`` on a dedicated connection, polled every
  ``poll_s``: it changes when another connection commits. The watcher then reads the
  change log past what it has seen (``watch_log.py``) and the items added since.

Either way, what arrives is published on ``store.changes`` with ``origin=EXTERNAL`` from
the watcher's thread. Qt-free; a thread of its own; ``stop()`` ends it promptly.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moderator_gui.core.changes import Changes, ItemState, Origin
from moderator_gui.core.store.base import StoreBase
from moderator_gui.core.store.engine import pg_connect_args
from moderator_gui.core.store.watch_log import EVERYTHING

log = logging.getLogger(__name__)

CHANNEL = "moderator_changes"
SQLITE_POLL_S = 0.2
PG_WAIT_S = 1.0  # how often the listening thread looks up from the socket (to stop, to ping)
PG_PING_S = 10.0  # a quiet connection is checked this often
BACKOFF_S = (0.5, 1.0, 2.0, 5.0)


def parse_notifications(payloads: Iterable[str], added_between: Callable[[int, int], list[int]]) -> Changes:
    """The changes one or more notifications describe, merged (unknown payloads: everything)."""
    items: set[int] = set()
    added: set[int] = set()
    media: set[str] = set()
    states: dict[int, ItemState] = {}
    everything = False
    for payload in payloads:
        try:
            msg = json.loads(payload)
            kind = msg["k"]
            if kind == "e":
                for item_id, status, head in msg["s"]:
                    states[int(item_id)] = ItemState(str(status), head)
            elif kind == "a" and "i" in msg:
                added.update(int(i) for i in msg["i"])
            elif kind == "a":
                added.update(added_between(int(msg["lo"]), int(msg["hi"])))
            elif kind == "c":
                items.update(int(i) for i in msg["i"])
            elif kind == "m":
                media.update(str(h) for h in msg["h"])
            else:
                everything = True
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable change notification: %.200r", payload)
            everything = True
    return Changes(
        items=frozenset(items | set(states)),
        added=frozenset(added),
        media=frozenset(media),
        states=states,
        everything=everything,
        origin=Origin.EXTERNAL,
    )


class ChangeWatcher:
    """Watches one store's database for changes made elsewhere (see the module docstring)."""

    def __init__(self, store: StoreBase, *, poll_s: float = SQLITE_POLL_S) -> None:
        self._store = store
        self._poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()  # listening now (PostgreSQL) / watching (SQLite)

    def start(self) -> ChangeWatcher:
        if self._thread is None:
            target = self._listen_pg if self._store.dialect == "postgresql" else self._poll_sqlite
            self._thread = threading.Thread(target=target, name="change-watcher", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _publish(self, changes: Changes) -> None:
        if not changes.empty:
            self._store.changes.publish(changes)

    # -- PostgreSQL ----------------------------------------------------------------------------
    def _connect_pg(self) -> Any:
        import psycopg

        engine = self._store.engine
        args, kwargs = engine.dialect.create_connect_args(engine.url)
        # The store's settings for a silent server: notice a cut within ~10 s even while idle.
        kwargs = {**kwargs, **pg_connect_args(engine.url), "autocommit": True}
        return psycopg.connect(*args, **kwargs)

    def _listen_pg(self) -> None:
        import psycopg

        failures = 0
        first = True
        while not self._stop.is_set():
            try:
                with self._connect_pg() as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.connected.set()
                    if not first:
                        log.info("listening for changes again")
                        self._publish(Changes(everything=True, origin=Origin.EXTERNAL))  # what was missed
                    first, failures = False, 0
                    self._pump_pg(conn)
            except (psycopg.Error, OSError) as exc:
                self.connected.clear()
                delay = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
                failures += 1
                if not self._stop.is_set():
                    log.warning("change notifications interrupted (%s); reconnecting in %.1f s", exc, delay)
                self._stop.wait(delay)
        self.connected.clear()

    def _pump_pg(self, conn: Any) -> None:
        quiet = 0.0
        while not self._stop.is_set():
            payloads = [n.payload for n in conn.notifies(timeout=PG_WAIT_S, stop_after=1)]
            if payloads:
                quiet = 0.0
                # Drain what came with it: one Changes for a burst of statements.
                payloads += [n.payload for n in conn.notifies(timeout=0.001)]
                self._publish(parse_notifications(payloads, self._added_between))
                continue
            quiet += PG_WAIT_S
            if quiet >= PG_PING_S:
                quiet = 0.0
                conn.execute("SELECT 1")  # a broken connection says so now

    def _added_between(self, lo: int, hi: int) -> list[int]:
        from sqlalchemy import select

        from moderator_gui.core.store.tables import items_t

        with self._store.read() as conn:
            return list(conn.execute(select(items_t.c.id).where(items_t.c.id.between(lo, hi))).scalars())

    # -- SQLite -----------------------------------------------------------------------------------
    def _poll_sqlite(self) -> None:
        path = self._store.engine.url.database or ""
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=1.0)
        except sqlite3.Error as exc:
            log.warning("cannot watch %s for changes by other programs: %s", path, exc)
            return
        try:
            version = self._data_version(conn)
            seq, top = self._marks(conn)
            self.connected.set()
            while not self._stop.wait(self._poll_s):
                try:
                    now = self._data_version(conn)
                    if now == version:
                        continue
                    version = now
                    changes, seq, top = self._read_log(conn, seq, top)
                    self._publish(changes)
                except sqlite3.Error as exc:  # locked for long, file replaced: try again next time
                    log.debug("change watch: %s", exc)
        finally:
            self.connected.clear()
            conn.close()

    @staticmethod
    def _data_version(conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA data_version").fetchone()[0])

    @staticmethod
    def _marks(conn: sqlite3.Connection) -> tuple[int, int]:
        seq = conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
        top = conn.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
        return int(seq), int(top)

    @staticmethod
    def _read_log(conn: sqlite3.Connection, seq: int, top: int) -> tuple[Changes, int, int]:
        rows = conn.execute(
            "SELECT seq, kind, item_id, sha256 FROM change_log WHERE seq > ? ORDER BY seq", (seq,)
        ).fetchall()
        added = [r[0] for r in conn.execute("SELECT id FROM items WHERE id > ? ORDER BY id", (top,)).fetchall()]
        everything = bool(rows) and rows[0][0] > seq + 1 and seq > 0  # the log moved on past us
        items = {r[2] for r in rows if r[1] == "i" and r[2] is not None}
        media = {r[3] for r in rows if r[1] == "m" and r[3] is not None}
        everything = everything or any(r[1] == EVERYTHING for r in rows)
        changes = Changes(
            items=frozenset(items), added=frozenset(added), media=frozenset(media), everything=everything,
            origin=Origin.EXTERNAL,
        )  # fmt: skip
        return changes, (rows[-1][0] if rows else seq), (added[-1] if added else top)
