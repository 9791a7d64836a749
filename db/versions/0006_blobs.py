"""Team media: files stored in the database, keyed by SHA-256, in 1 MiB chunks; retention purges.

* ``blobs``: one row per stored content, inserted LAST in the transaction that streamed its
  chunks, so a blob whose row exists is complete (a half-stored one is never visible);
* ``blob_chunks``: the bytes, ``(sha256, seq)``; on PostgreSQL the column is stored
  EXTERNAL (out of line, not compressed: media are compressed already, and fetching a
  chunk then costs no decompression);
* ``media_purges``: each retention purge (who, when, the cut-off, items, bytes);
* ``media_retired``: contents whose stored bytes a purge removed (the desk says so, with
  the date, instead of "file not found"). Hashes, signatures and decisions stay.

SQLite (solo mode) gets the tables too, unused: it keeps referring to files where they are.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from moderator_gui.core.store.models import BigIntPK, UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("chunks", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(64), nullable=True),
        sa.Column("stored_at", UtcDateTime(), nullable=False),
        sa.Column("stored_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blobs"),
    )
    op.create_table(
        "blob_chunks",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "seq", name="pk_blob_chunks"),
    )
    op.create_table(
        "media_purges",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("purged_by", sa.String(200), nullable=False),
        sa.Column("purged_at", UtcDateTime(), nullable=False),
        sa.Column("decided_before", UtcDateTime(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("blobs", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_media_purges"),
    )
    op.create_table(
        "media_retired",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("purge_id", sa.BigInteger(), nullable=False),
        sa.Column("retired_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["purge_id"], ["media_purges.id"], name="fk_media_retired_purge_id_media_purges"),
        sa.PrimaryKeyConstraint("sha256", name="pk_media_retired"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL")
        # A team set up before this revision: its desks may use the new tables at once, with the
        # same grants ``team init`` gives (team_sql.py; running it again changes nothing).
        op.execute(
            """DO $$ BEGIN
                IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'moderator_reviewer')
                   AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'moderator_lead')
                   AND EXISTS (SELECT 1 FROM settings WHERE key = 'team' AND value = '1') THEN
                    GRANT SELECT ON blobs, blob_chunks, media_purges, media_retired TO moderator_reviewer;
                    GRANT INSERT, DELETE ON blobs, blob_chunks, media_retired TO moderator_lead;
                    GRANT INSERT ON media_purges TO moderator_lead;
                    EXECUTE 'GRANT USAGE ON ALL SEQUENCES IN SCHEMA ' || quote_ident(current_schema())
                         || ' TO moderator_reviewer';
                END IF;
            END $$"""
        )


def downgrade() -> None:
    for table in ("media_retired", "media_purges", "blob_chunks", "blobs"):
        op.drop_table(table)
