"""Team work: claims, skip marks, settings, desks (presence), conflicts, and change delivery.

PostgreSQL also gets, for every database (solo or team):

* the item projection (``items.status`` / ``head_event``) maintained by a trigger on
  ``decisions`` (SECURITY DEFINER): a reviewer's login needs no right to update items,
  and the projection is right whoever inserts the event;
* NOTIFY ``moderator_changes`` from statement-level triggers with transition tables: one
  notification per statement, carrying the changed items and their new states (or
  ``{"k":"all"}`` when too many to list), delivered at COMMIT to every listening desk.

The roles, grants, row-level security and the triggers that name roles are not here:
``moderator-cli team init`` installs them (``core/store/team_sql.py``), because roles
belong to the whole server and only its owner may create them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from moderator_gui.core.store.models import BigIntPK, UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHANNEL = "moderator_changes"
LIST_LIMIT = 100  # items named in one notification; more: {"k":"all"} (payloads stay far below 8000 bytes)


def _pg_objects(schema: str) -> list[str]:
    path = f'SET search_path = pg_catalog, "{schema}", pg_temp'
    return [
        # -- the projection -------------------------------------------------------------------
        f"""CREATE OR REPLACE FUNCTION moderator_project() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER {path} AS $$
        DECLARE
            head_uuid varchar(36);
            head_kind varchar(16);
        BEGIN
            -- domain.derive_state: the last event still in force (not a revert, not reverted).
            SELECT d.uuid, d.kind INTO head_uuid, head_kind
              FROM decisions d
             WHERE d.item_id = NEW.item_id AND d.kind <> 'revert'
               AND NOT EXISTS (SELECT 1 FROM decisions r WHERE r.reverts = d.uuid)
             ORDER BY d.seq DESC LIMIT 1;
            UPDATE items
               SET status = CASE head_kind WHEN 'decide' THEN 'decided' WHEN 'skip' THEN 'skipped'
                                           WHEN 'escalate' THEN 'escalated' ELSE 'pending' END,
                   head_event = head_uuid
             WHERE id = NEW.item_id;
            RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS decisions_project ON decisions",
        """CREATE TRIGGER decisions_project AFTER INSERT ON decisions
           FOR EACH ROW EXECUTE FUNCTION moderator_project()""",
        # -- notifications ------------------------------------------------------------------------
        f"""CREATE OR REPLACE FUNCTION moderator_notify_events() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE body text;
        BEGIN
            IF (SELECT count(DISTINCT item_id) FROM new_rows) > {LIST_LIMIT} THEN
                body := '{{"k":"all"}}';
            ELSE
                SELECT json_build_object('k', 'e', 's',
                         coalesce(json_agg(json_build_array(i.id, i.status, i.head_event)), '[]'::json))::text
                  INTO body
                  FROM items i WHERE i.id IN (SELECT item_id FROM new_rows);
            END IF;
            PERFORM pg_notify('{CHANNEL}', body);
            RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION moderator_notify_items() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        DECLARE body text;
        BEGIN
            IF TG_TABLE_NAME = 'items' THEN
                SELECT CASE WHEN count(*) > {LIST_LIMIT}
                            THEN json_build_object('k', 'a', 'lo', min(id), 'hi', max(id))
                            ELSE json_build_object('k', 'a', 'i', coalesce(json_agg(id), '[]'::json)) END::text
                  INTO body FROM new_rows;
            ELSE  -- claims, skip marks, kept conflicts: who may work on which item, what a lead must see
                SELECT CASE WHEN count(*) > {LIST_LIMIT} THEN '{{"k":"all"}}'::json
                            ELSE json_build_object('k', 'c', 'i', coalesce(json_agg(DISTINCT item_id), '[]'::json)) END::text
                  INTO body FROM new_rows;
            END IF;
            PERFORM pg_notify('{CHANNEL}', body);
            RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION moderator_notify_gone() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}',
                (SELECT CASE WHEN count(*) > {LIST_LIMIT} THEN '{{"k":"all"}}'::json
                             ELSE json_build_object('k', 'c', 'i', coalesce(json_agg(DISTINCT item_id), '[]'::json)) END::text
                   FROM old_rows));
            RETURN NULL;
        END $$""",
        f"""CREATE OR REPLACE FUNCTION moderator_notify_media() RETURNS trigger
        LANGUAGE plpgsql {path} AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}',
                (SELECT CASE WHEN count(*) > {LIST_LIMIT} THEN '{{"k":"all"}}'::json
                             ELSE json_build_object('k', 'm', 'h', coalesce(json_agg(sha256), '[]'::json)) END::text
                   FROM new_rows));
            RETURN NULL;
        END $$""",
        *_pg_trigger("decisions_notify", "decisions", "INSERT", "NEW TABLE AS new_rows", "moderator_notify_events"),
        *_pg_trigger("items_notify", "items", "INSERT", "NEW TABLE AS new_rows", "moderator_notify_items"),
        *_pg_trigger("claims_notify_new", "claims", "INSERT", "NEW TABLE AS new_rows", "moderator_notify_items"),
        *_pg_trigger("claims_notify_changed", "claims", "UPDATE", "NEW TABLE AS new_rows", "moderator_notify_items"),
        *_pg_trigger("claims_notify_gone", "claims", "DELETE", "OLD TABLE AS old_rows", "moderator_notify_gone"),
        *_pg_trigger("skip_marks_notify_new", "skip_marks", "INSERT", "NEW TABLE AS new_rows", "moderator_notify_items"),
        *_pg_trigger("skip_marks_notify_gone", "skip_marks", "DELETE", "OLD TABLE AS old_rows", "moderator_notify_gone"),
        *_pg_trigger("conflicts_notify_new", "conflicts", "INSERT", "NEW TABLE AS new_rows", "moderator_notify_items"),
        *_pg_trigger("conflicts_notify_changed", "conflicts", "UPDATE", "NEW TABLE AS new_rows", "moderator_notify_items"),
        *_pg_trigger("media_notify_new", "media", "INSERT", "NEW TABLE AS new_rows", "moderator_notify_media"),
        *_pg_trigger("media_notify_changed", "media", "UPDATE", "NEW TABLE AS new_rows", "moderator_notify_media"),
    ]


def _pg_trigger(name: str, table: str, event: str, transition: str, function: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"""CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transition}
            FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
    ]


def upgrade() -> None:
    # Only so that a reviewer's login may lock item rows (FOR UPDATE needs UPDATE on a column).
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("claim_lock", sa.SmallInteger(), nullable=True))
    op.create_table(
        "claims",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("claimed_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_claims_item_id_items"),
        sa.PrimaryKeyConstraint("item_id", name="pk_claims"),
    )
    op.create_index("ix_claims_reviewer", "claims", ["reviewer"])
    op.create_table(
        "skip_marks",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("skipped_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_skip_marks_item_id_items"),
        sa.PrimaryKeyConstraint("item_id", "reviewer", name="pk_skip_marks"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_table(
        "desks",
        sa.Column("desk_id", sa.String(36), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("last_seen", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("desk_id", name="pk_desks"),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("time_spent_ms", sa.Integer(), nullable=True),
        sa.Column("expected_head", sa.String(36), nullable=True),
        sa.Column("found_head", sa.String(36), nullable=True),
        sa.Column("kept_at", UtcDateTime(), nullable=False),
        sa.Column("resolution", sa.String(16), nullable=True),
        sa.Column("resolved_by", sa.String(200), nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_conflicts_item_id_items"),
        sa.PrimaryKeyConstraint("id", name="pk_conflicts"),
        sa.UniqueConstraint("uuid", name="uq_conflicts_uuid"),
    )
    op.create_index("ix_conflicts_open", "conflicts", ["resolution", "kept_at"])
    op.create_table(
        "change_log",
        sa.Column("seq", BigIntPK, nullable=False),
        sa.Column("kind", sa.String(1), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_change_log"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
        for stmt in _pg_objects(schema):
            op.execute(stmt)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, table in (
            ("decisions_project", "decisions"),
            ("decisions_notify", "decisions"),
            ("items_notify", "items"),
            ("media_notify_new", "media"),
            ("media_notify_changed", "media"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        for fn in ("moderator_project", "moderator_notify_events", "moderator_notify_items", "moderator_notify_gone",
                   "moderator_notify_media"):  # fmt: skip
            op.execute(f"DROP FUNCTION IF EXISTS {fn}() CASCADE")
    for table in ("change_log", "conflicts", "desks", "settings", "skip_marks", "claims"):
        op.drop_table(table)
    with op.batch_alter_table("items") as batch:
        batch.drop_column("claim_lock")
