"""Run the Alembic migrations in ``db/`` on start."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from moderator_gui.core.paths import migrations_dir
from moderator_gui.core.store.engine import WRITE
from moderator_gui.core.store.errors import SchemaError

# Arbitrary constant naming the migration lock of moderator_gui on a PostgreSQL server.
_PG_MIGRATION_LOCK = 0x6D6F6447  # "modG"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise SchemaError("schema.heads", count=len(heads))
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest). Cheap when already there."""
    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return
    if current is not None and current not in {s.revision for s in script.walk_revisions()}:
        raise SchemaError("schema.newer", revision=current)
    # One writer at a time: two instances starting together serialise here (BEGIN
    # IMMEDIATE on SQLite; a transaction-scoped advisory lock on PostgreSQL, where the
    # second one would otherwise fail on CREATE TABLE). Alembic re-reads the revision
    # under the lock, so the one that waited finds the work done.
    with engine.execution_options(**WRITE).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
