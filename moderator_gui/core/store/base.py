"""What every part of the store shares: the engine, the policy, transactions, change events.

Thread-safe: every call takes its own connection from the pool, so the UI's
worker threads can share one store. Writes run in ``BEGIN IMMEDIATE``
transactions (SQLite) and a call returns only after its COMMIT has succeeded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, func, literal
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from moderator_gui.core.changes import ChangeHub, Changes
from moderator_gui.core.domain import utcnow
from moderator_gui.core.messages import Message
from moderator_gui.core.policy import Policy, PolicyError, load_policy
from moderator_gui.core.store import migrate
from moderator_gui.core.store.dupes_index import DupesCache
from moderator_gui.core.store.engine import DEFAULT_BUSY_TIMEOUT_MS, WRITE, describe, make_engine, resolve_target
from moderator_gui.core.store.errors import (
    PermissionDeniedError,
    SchemaError,
    StorageUnavailableError,
    StoreError,
    translate,
)
from moderator_gui.core.store.models import Base, UtcDateTime
from moderator_gui.core.store.watch_log import log_for_watchers


@contextmanager
def storage_errors() -> Iterator[None]:
    """Driver errors about the storage (locked, full, read-only...) become StoreErrors.

    Only database errors: an OSError from the caller's own work inside the block
    (say, writing an export file) stays what it is.
    """
    try:
        yield
    except StoreError:
        raise
    except DBAPIError as exc:
        err = translate(exc)
        if err is None:
            raise
        raise err from exc


_NOTED = "moderator_changes"
_ANALYZED = tuple(Base.metadata.tables)  # unqualified: the search path picks the team's schema


@dataclass
class StoreBase:
    engine: Engine
    url: URL
    policy: Policy
    changes: ChangeHub = field(default_factory=ChangeHub)
    _reviewer_ids: dict[str, int] = field(default_factory=dict)
    dupes: DupesCache = field(default_factory=DupesCache)  # PDQ indexes (core/store/dupes.py)

    # -- opening -----------------------------------------------------------------
    @classmethod
    def open(
        cls,
        target: str | os.PathLike[str] | None = None,
        *,
        policy: Policy | None = None,
        migrate_schema: bool = True,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        create: bool = True,
    ) -> Self:
        """Open (creating if needed) the database and bring its schema up to date.

        With ``create=False`` a SQLite file that does not exist is an error rather
        than a new empty database: commands that only read (export, stats, queue)
        must not answer "nothing" for a mistyped ``--db``.

        Every failure is a StoreError naming the database (without its password);
        nothing is left open behind a failed open.
        """
        try:
            pol = policy or load_policy()
        except PolicyError as exc:
            raise StoreError("store.policy_file", detail=str(exc)) from exc
        try:
            url = resolve_target(target)
        except (ArgumentError, ValueError) as exc:  # make_url: unparsable URL, or a port that is no number
            raise StorageUnavailableError("store.bad_target", detail=str(exc)) from None
        if not create and url.get_backend_name() == "sqlite":
            db = url.database or ""
            if db and db != ":memory:" and not db.startswith("file:") and not Path(db).exists():
                raise StorageUnavailableError("store.no_database", path=db)
        engine: Engine | None = None
        try:
            engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
            if migrate_schema:
                with storage_errors():
                    migrate.upgrade(engine)
        except SchemaError:
            if engine is not None:
                engine.dispose()
            raise
        except PermissionDeniedError as exc:  # a reviewer's login on a team database that is behind
            if engine is not None:
                engine.dispose()
            raise SchemaError("team.schema_behind") from exc
        except StoreError as exc:
            if engine is not None:
                engine.dispose()
            raise type(exc)(Message.of("store.open_failed", db=describe(url), reason=exc.msg)) from exc
        except (SQLAlchemyError, OSError) as exc:
            if engine is not None:
                engine.dispose()
            err = translate(exc)
            reason = err.msg if err is not None else Message.of("store.unexpected", detail=str(exc))
            wrapped = Message.of("store.open_failed", db=describe(url), reason=reason)
            raise (type(err) if err is not None else StoreError)(wrapped) from exc
        return cls(engine=engine, url=url, policy=pol)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        return describe(self.url)

    @property
    def projects_in_python(self) -> bool:
        """Whether the store writes the item projection itself (SQLite). On PostgreSQL a trigger
        on ``decisions`` does (migration 0005): a reviewer's login has no right to update items."""
        return self.dialect != "postgresql"

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (BEGIN IMMEDIATE on SQLite). Storage failures become StoreErrors.

        Store-internal: the rest of the program writes through the store's methods,
        which apply the same checks and say what they changed with :meth:`note`. What
        was noted is published once the COMMIT succeeded — never for a write that failed
        — and, on SQLite, logged in the same transaction for other processes' watchers.
        """
        noted: Changes | None = None
        with storage_errors(), self.engine.execution_options(**WRITE).begin() as conn:
            yield conn
            noted = conn.info.pop(_NOTED, None)
            if noted is not None and self.dialect == "sqlite":
                log_for_watchers(conn, noted)
        if noted is not None:
            self.changes.publish(noted)

    @staticmethod
    def note(conn: Connection, changes: Changes) -> None:
        """What this write transaction changed (merged with what it noted before)."""
        before = conn.info.get(_NOTED)
        conn.info[_NOTED] = changes if before is None else before.merged(changes)

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """PostgreSQL: a connection whose every statement is its own transaction — no BEGIN and
        no COMMIT sent apart (two round trips fewer than :meth:`write`). For a write that is
        one statement. What was noted is published once the statement returned."""
        noted: Changes | None = None
        with storage_errors(), self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            yield conn
            noted = conn.info.pop(_NOTED, None)
        if noted is not None:
            self.changes.publish(noted)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with storage_errors(), self.engine.connect() as conn:
            yield conn

    def now_sql(self) -> Any:
        """The database's time, for statements: PostgreSQL's ``now()`` (desks' clocks may
        disagree), the local clock on SQLite (one machine)."""
        if self.dialect == "postgresql":
            return func.now()
        return literal(utcnow(), UtcDateTime())

    def later_sql(self, seconds: int) -> Any:
        """The database's time plus ``seconds``."""
        if self.dialect == "postgresql":
            return func.now() + func.make_interval(0, 0, 0, 0, 0, 0, seconds)
        return literal(utcnow() + timedelta(seconds=seconds), UtcDateTime())

    def publish(self, changes: Changes) -> None:
        """Tell the subscribers about changes made elsewhere (watchers; a refused write that
        revealed one). The store's own writes use :meth:`note`."""
        self.changes.publish(changes)

    def refresh_statistics(self) -> None:
        """ANALYZE after bulk changes: the planner needs row counts to read the default
        "open" queue off its partial index instead of sorting every open item
        (93 ms vs 4 ms a page at 100k items).

        On PostgreSQL only the store's own tables: a bare ANALYZE walks every table of the
        database, other teams' schemas too, and fails if one of them is dropped meanwhile."""
        with self.write() as conn:
            if self.dialect == "postgresql":
                conn.exec_driver_sql(f"ANALYZE {', '.join(_ANALYZED)}")
            else:
                conn.exec_driver_sql("ANALYZE")
