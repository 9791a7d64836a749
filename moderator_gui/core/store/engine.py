"""Engine set-up: SQLite (WAL, foreign keys, busy timeout, BEGIN IMMEDIATE writers) or any SQLAlchemy URL."""

from __future__ import annotations

import contextlib
import os
import select
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError

from moderator_gui.core.paths import default_db_path

DB_ENV = "MODERATOR_DB"
DEFAULT_BUSY_TIMEOUT_MS = 5000
PG_CONNECT_TIMEOUT_S = 10
# A server that goes silent on an open connection (network cut, half-open route) is given up
# after about this long, not after the kernel's ~15 minutes of retransmissions.
PG_SILENT_SERVER_S = 10
WRITE = {"moderator_write": True}
# A pooled PostgreSQL connection is pinged before it is used again only if it was left unused
# for longer than this, or if the server has said something on it meanwhile (a restart or a
# terminated backend: its socket is readable, which costs one local system call to see).
# One in steady use is not: a decision costs no extra round trip for the pre-ping.
PG_PING_AFTER_IDLE_S = 30.0


def resolve_target(target: str | os.PathLike[str] | None) -> URL:
    """``--db`` / ``MODERATOR_DB``: a file path or a SQLAlchemy URL; default: the per-user data folder."""
    if target is None:
        target = os.environ.get(DB_ENV) or None
    if target is None:
        return URL.create("sqlite+pysqlite", database=str(default_db_path()))
    text = os.fspath(target)
    if "://" in text:
        url = make_url(text)
        # The driver we ship is psycopg 3. Look at the URL as written: get_driver_name()
        # reports the SQLAlchemy version's default driver for a bare "postgresql://".
        if url.drivername in ("postgresql", "postgresql+psycopg2"):
            url = url.set(drivername="postgresql+psycopg")
        return url
    path = Path(text).expanduser().resolve()
    return URL.create("sqlite+pysqlite", database=str(path))


def make_engine(url: URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout_ms)
    if url.get_backend_name() == "postgresql":
        # LIFO: the connection used last is used next, so steady work keeps one connection warm.
        engine = create_engine(
            url, pool_size=4, max_overflow=4, pool_use_lifo=True, connect_args=pg_connect_args(url)
        )
        _pg_lock_timeout(engine, busy_timeout_ms)
        _ping_when_idle(engine, PG_PING_AFTER_IDLE_S)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=4)
    return engine


def pg_connect_args(url: URL) -> dict[str, int]:
    """libpq settings for a server that stops answering (those the URL sets win): the desk then
    says so and retries, keeping its decisions meanwhile, instead of hanging.

    * ``connect_timeout``: a connection attempt nobody answers (the operating system's is ~2 min);
    * ``tcp_user_timeout``: data sent (a statement, a COMMIT) and never acknowledged — without
      it a connection opened before the network went stays blocked for ~15 minutes;
    * keepalives: nothing to send while waiting for an answer (or for notifications).
    """
    defaults = {
        "connect_timeout": PG_CONNECT_TIMEOUT_S,
        "tcp_user_timeout": PG_SILENT_SERVER_S * 1000,
        "keepalives": 1,
        "keepalives_idle": 4,
        "keepalives_interval": 2,
        "keepalives_count": 3,
    }
    return {k: v for k, v in defaults.items() if k not in url.query}


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Like ``pool_pre_ping``, but only for a connection idle for ``idle_s`` or more (the
    pre-ping costs a round trip on every checkout: one per decision)."""

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or (time.monotonic() - since < idle_s and not _server_spoke(dbapi_conn)):
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError(f"connection lost while idle: {exc}") from exc
        if not alive:
            raise DisconnectionError("connection lost while idle")


def _server_spoke(dbapi_conn: Any) -> bool:
    """Something arrived on an idle connection: the server is closing it (shutdown, restart,
    a backend terminated), or a notice. No round trip: a zero-timeout poll of its socket."""
    try:
        fd = dbapi_conn.pgconn.socket
        readable, _w, _x = select.select([fd], [], [], 0)
    except Exception:  # noqa: BLE001 - no socket to look at (closed, another driver): ping
        return True
    return bool(readable)


def _pg_lock_timeout(engine: Engine, busy_timeout_ms: int) -> None:
    """PostgreSQL waits for a lock forever by default; like SQLite's busy timeout, give up
    after ``busy_timeout_ms`` (DatabaseLockedError) so that a stuck session elsewhere
    cannot hang the reviewer's write."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
        dbapi_conn.commit()  # a session setting: keep it past the pool's rollbacks


def _sqlite_engine(url: URL, busy_timeout_ms: int) -> Engine:
    db = url.database or ""
    if db and db != ":memory:" and not db.startswith("file:"):
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        pool_size=4,
        max_overflow=4,
        pool_use_lifo=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below), so the driver must not.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys = ON")
            mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                with contextlib.suppress(Exception):  # read-only file: stays in its mode, reads still work
                    cur.execute("PRAGMA journal_mode = WAL")
            # Every commit reaches the disk before the UI says "recorded".
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA cache_size = -32768")  # 32 MiB of pages per connection (default 2 MiB)
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front: no deadlock-prone lock upgrade mid-transaction.
        if conn.get_execution_options().get("moderator_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


def describe(url: URL) -> str:
    """A URL safe to show: no password."""
    return url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class ServerTarget:
    """A ``--db`` that names a PostgreSQL server (team mode), for the desk's sign-in."""

    user: str | None
    host: str | None
    port: int | None
    database: str | None
    _url: URL

    @property
    def where(self) -> str:
        return f"{self.host or 'localhost'}{f':{self.port}' if self.port else ''}/{self.database or ''}"

    def with_password(self, password: str) -> str:
        """The target with ``password``, as the store opens it (kept in memory only)."""
        return self._url.set(password=password).render_as_string(hide_password=False)


def server_target(target: str | os.PathLike[str] | None) -> ServerTarget | None:
    """``target`` if it names a PostgreSQL server, else None (a SQLite file, or unusable: opening says why)."""
    try:
        url = resolve_target(target)
    except (ArgumentError, ValueError):
        return None
    if url.get_backend_name() != "postgresql":
        return None
    return ServerTarget(url.username, url.host, url.port, url.database, url)
