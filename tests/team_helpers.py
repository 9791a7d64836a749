"""A team database on the shared PostgreSQL server: a fresh schema, ``team init``, and users
with unique names (roles are server-wide and the tests run in parallel), all dropped after.

``TeamDB.url(user)`` is a store URL logging in as ``user``; ``TeamDB.sql(user)`` a plain
psycopg connection as ``user`` (autocommit), for proving what the server itself refuses;
``insert_event`` writes an event on such a connection as a desk that does not play by the rules would.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from moderator_gui.core.store import Store

PG_ENV = "MODERATOR_TEST_PG_URL"


@dataclass
class TeamDB:
    base: str  # the admin URL (the server's superuser, as the owner who ran team init)
    schema: str
    users: dict[str, str] = field(default_factory=dict)  # short name -> real login (unique)

    def login(self, short: str) -> str:
        return self.users[short]

    def url(self, user: str | None = None) -> str:
        u = make_url(self.base)
        if user is not None:
            u = u.set(username=self.users.get(user, user), password=None)
        rendered = u.render_as_string(hide_password=False)
        sep = "&" if "?" in rendered else "?"
        return f"{rendered}{sep}options={quote('-csearch_path=' + self.schema)}"

    @contextmanager
    def sql(self, user: str) -> Iterator[psycopg.Connection[Any]]:
        u = make_url(self.base)
        conn = psycopg.connect(
            host=u.host or "127.0.0.1",
            port=u.port or 5432,
            dbname=u.database,
            user=self.users.get(user, user),
            options=f"-csearch_path={self.schema}",
            autocommit=True,
        )
        try:
            yield conn
        finally:
            conn.close()

    def store(self, user: str | None = None) -> Store:
        return Store.open(self.url(user))


def pg_base_url() -> str:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); .ci/run sets it")
    return base


@contextmanager
def team_database(users: dict[str, str], *, lease_seconds: int = 120) -> Iterator[TeamDB]:
    """``users``: short name -> role ("reviewer" | "lead")."""
    base = pg_base_url()
    tag = uuid.uuid4().hex[:8]
    db = TeamDB(base, f"team_{tag}", {name: f"{name}_{tag}" for name in users})
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{db.schema}"'))
    try:
        with Store.open(db.url()) as owner:
            owner.team_init(lease_seconds=lease_seconds)
            for short, role in users.items():
                owner.add_user(db.users[short], role)
        yield db
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{db.schema}" CASCADE'))
            for login in db.users.values():
                conn.execute(text(f'DROP OWNED BY "{login}"'))
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()


def downgrade_team(team: TeamDB, revision: str) -> None:
    """The owner takes the team's schema down to ``revision`` (``migrate.upgrade`` brings it back)."""
    from alembic import command

    from moderator_gui.core.store import migrate

    engine = create_engine(team.url())
    try:
        with engine.begin() as conn:
            cfg = migrate.alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, revision)
    finally:
        engine.dispose()


def one(conn: psycopg.Connection[Any], query: str, *args: Any) -> Any:
    row = conn.execute(query, args).fetchone()
    return None if row is None else row[0]


def reviewer_id(conn: psycopg.Connection[Any], login: str) -> int:
    return int(one(conn, "SELECT id FROM reviewers WHERE name = %s", login))


def team_policy_version(conn: psycopg.Connection[Any]) -> str:
    """The policy version the server enforces (``team init`` stored it; everyone may read it)."""
    return str(one(conn, "SELECT value::jsonb ->> 'current' FROM settings WHERE key = 'policy'"))


def insert_event(
    conn: psycopg.Connection[Any], item: int, reviewer: int, kind: str = "decide", *, decided_at: Any = None, **extra: Any
) -> None:
    """A valid event by plain SQL (a no-violation decision, or a bare skip/escalation/undo), ``extra``
    overriding its columns; ``decided_at`` None is the server's now()."""
    values = {"uuid": extra.pop("uuid", None) or str(uuid.uuid4()), "item_id": item, "kind": kind,
              "category": "no_violation" if kind == "decide" else None,
              "actions": json.dumps(["no_action"]) if kind == "decide" else "[]",
              "note": "", "reviewer_id": reviewer, "policy_version": team_policy_version(conn), **extra}  # fmt: skip
    if decided_at is not None:
        values["decided_at"] = decided_at
    cols = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    now = "" if decided_at is not None else ", now()"
    conn.execute(f"INSERT INTO decisions ({cols}{', decided_at' if now else ''}) VALUES ({marks}{now})", list(values.values()))
