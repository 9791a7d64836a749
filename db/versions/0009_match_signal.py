"""List matches name the list signal they match, so that a team server can check them.

``media_matches.signal_id``: the ``hash_list_signals`` row a content matched. On a team
server set up before this revision, the checks ``team init`` now installs are installed
here too (``core/store/team_dupes_sql.py``: a reviewer's list matches and cluster links
must be true of the signatures stored).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media_matches") as batch:
        batch.add_column(sa.Column("signal_id", sa.BigInteger(), nullable=True))
    from moderator_gui.core.store.team_sql import install_dupes_checks

    install_dupes_checks(op.get_bind(), op.execute)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (
            ("media_matches_check", "media_matches"),
            ("media_clusters_check", "media_clusters"),
            ("media_clusters_merge", "media_clusters"),
        ):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS moderator_check_match(), moderator_check_cluster(), moderator_check_merge()")
        op.execute(
            """DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'moderator_reviewer') THEN
                    GRANT UPDATE ON media_clusters, media_matches TO moderator_reviewer;  -- as 0007 left it
                END IF;
            END $$"""
        )
    with op.batch_alter_table("media_matches") as batch:
        batch.drop_column("signal_id")
