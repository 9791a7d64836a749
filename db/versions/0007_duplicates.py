"""Duplicates and hash lists: signatures per content, near-duplicate clusters, imported lists.

* ``media_signatures``: PDQ hashes per content (one per variant: the picture, its borders
  trimmed, central crops), computed by the media workers, and the MD5 taken at import;
* ``media_clusters``: contents linked to at least one near duplicate, with their cluster key
  (exact duplicates share a SHA-256 and need no table);
* ``hash_lists``, ``hash_list_signals``: lists exchanged between teams (CSV
  ``signal_type,signal,category,note``); re-importing a list under its name replaces it;
* ``media_matches``: contents that match a list, with the list's category and the distance.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from moderator_gui.core.store.models import BigIntPK, UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_signatures",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("signal_type", sa.String(16), nullable=False),
        sa.Column("variant", sa.String(16), nullable=False),
        sa.Column("signal", sa.String(64), nullable=False),
        sa.Column("quality", sa.SmallInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_media_signatures"),
        sa.UniqueConstraint("sha256", "signal_type", "variant", name="uq_media_signatures_sha256_signal_type_variant"),
    )
    op.create_index("ix_media_signatures_signal", "media_signatures", ["signal_type", "signal"])
    op.create_table(
        "media_clusters",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("cluster", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_media_clusters"),
    )
    op.create_index("ix_media_clusters_cluster", "media_clusters", ["cluster"])
    op.create_table(
        "hash_lists",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.Column("signals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hash_lists"),
        sa.UniqueConstraint("name", name="uq_hash_lists_name"),
    )
    op.create_table(
        "hash_list_signals",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("list_id", sa.BigInteger(), nullable=False),
        sa.Column("signal_type", sa.String(16), nullable=False),
        sa.Column("signal", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["hash_lists.id"], name="fk_hash_list_signals_list_id_hash_lists", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_hash_list_signals"),
    )
    op.create_index("ix_hash_list_signals_list_id", "hash_list_signals", ["list_id"])
    op.create_index("ix_hash_list_signals_signal", "hash_list_signals", ["signal_type", "signal"])
    op.create_table(
        "media_matches",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("list_id", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("distance", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["list_id"], ["hash_lists.id"], name="fk_media_matches_list_id_hash_lists", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("sha256", "list_id", name="pk_media_matches"),
    )
    op.create_index("ix_media_matches_list_id", "media_matches", ["list_id"])
    if op.get_bind().dialect.name == "postgresql":
        # Other desks hear of new links and list matches (LISTEN/NOTIFY, as for media rows: 0005).
        schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
        op.execute(
            f"""CREATE OR REPLACE FUNCTION moderator_notify_media_gone() RETURNS trigger
            LANGUAGE plpgsql SET search_path = pg_catalog, "{schema}", pg_temp AS $$
            BEGIN
                PERFORM pg_notify('moderator_changes',
                    (SELECT CASE WHEN count(*) > 100 THEN '{{"k":"all"}}'::json
                                 ELSE json_build_object('k', 'm', 'h', coalesce(json_agg(sha256), '[]'::json)) END::text
                       FROM old_rows));
                RETURN NULL;
            END $$"""
        )
        for name, table, event, function in (
            ("media_clusters_notify_new", "media_clusters", "INSERT", "moderator_notify_media"),
            ("media_clusters_notify_changed", "media_clusters", "UPDATE", "moderator_notify_media"),
            ("media_matches_notify_new", "media_matches", "INSERT", "moderator_notify_media"),
            ("media_matches_notify_changed", "media_matches", "UPDATE", "moderator_notify_media"),
            ("media_matches_notify_gone", "media_matches", "DELETE", "moderator_notify_media_gone"),
        ):
            rows = "OLD TABLE AS old_rows" if event == "DELETE" else "NEW TABLE AS new_rows"
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {rows} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        # A team set up before this revision gets the grants ``team init`` gives (team_sql.py).
        op.execute(
            """DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'moderator_reviewer')
                   AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'moderator_lead')
                   AND EXISTS (SELECT 1 FROM settings WHERE key = 'team' AND value = '1') THEN
                    GRANT SELECT ON media_signatures, media_clusters, hash_lists, hash_list_signals,
                        media_matches TO moderator_reviewer;
                    GRANT INSERT ON media_signatures TO moderator_reviewer;
                    GRANT INSERT, UPDATE ON media_clusters, media_matches TO moderator_reviewer;
                    GRANT INSERT, DELETE ON hash_lists, hash_list_signals, media_matches TO moderator_lead;
                    GRANT UPDATE (signals) ON hash_lists TO moderator_lead;
                    EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA ' || quote_ident(current_schema())
                         || ' TO moderator_reviewer';
                END IF;
            END $$"""
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS moderator_notify_media_gone() CASCADE")
    for table in ("media_matches", "hash_list_signals", "hash_lists", "media_clusters", "media_signatures"):
        op.drop_table(table)
