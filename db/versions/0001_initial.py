"""Initial schema: reviewers, items, append-only decision events.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

from moderator_gui.core.store.models import BigIntPK, UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = [
    """CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new event instead'); END""",
    """CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new event instead'); END""",
]
_PG_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION decisions_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'decisions are append-only: record a new event instead'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER decisions_no_update BEFORE UPDATE OR DELETE ON decisions
       FOR EACH ROW EXECUTE FUNCTION decisions_append_only()""",
]


def upgrade() -> None:
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviewers"),
        sa.UniqueConstraint("name", name="uq_reviewers_name"),
    )
    op.create_table(
        "items",
        sa.Column("id", BigIntPK, nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("platform", sa.String(64), nullable=False),
        sa.Column("import_source", sa.Text(), nullable=False),
        sa.Column("content_type", sa.String(16), nullable=False),
        sa.Column("media_path", sa.LargeBinary(), nullable=True),
        sa.Column("media_type", sa.String(64), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("text_body", sa.Text(), nullable=True),
        sa.Column("uploader", sa.String(200), nullable=True),
        sa.Column("flagged_at", UtcDateTime(), nullable=False),
        sa.Column("flag_source", sa.String(64), nullable=True),
        sa.Column("flag_reason", sa.Text(), nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("classifier_score", sa.Float(), nullable=True),
        sa.Column("suspected_category", sa.String(40), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("head_event", sa.String(36), nullable=True),
        sa.Column("imported_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.UniqueConstraint("platform", "external_id", name="uq_items_platform_external_id"),
    )
    op.create_index("ix_items_queue_priority", "items", ["status", "priority", "flagged_at", "id"])
    op.create_index("ix_items_queue_age", "items", ["status", "flagged_at", "id"])
    op.create_index("ix_items_source_sha", "items", ["import_source", "sha256"])
    op.create_index("ix_items_sha256", "items", ["sha256"])
    op.create_index("ix_items_uploader", "items", ["uploader"])
    op.create_table(
        "decisions",
        sa.Column("seq", BigIntPK, nullable=False),
        sa.Column("uuid", sa.String(36), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("time_spent_ms", sa.Integer(), nullable=True),
        sa.Column("policy_version", sa.String(64), nullable=False),
        sa.Column("reverts", sa.String(36), nullable=True),
        sa.Column("supersedes", sa.String(36), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_decisions_item_id_items"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["reviewers.id"], name="fk_decisions_reviewer_id_reviewers"),
        sa.PrimaryKeyConstraint("seq", name="pk_decisions"),
        sa.UniqueConstraint("uuid", name="uq_decisions_uuid"),
    )
    op.create_index("ix_decisions_item", "decisions", ["item_id", "seq"])
    op.create_index("ix_decisions_reviewer", "decisions", ["reviewer_id", "decided_at"])
    op.create_index("ix_decisions_decided_at", "decisions", ["decided_at"])
    bind = op.get_bind()
    for stmt in _PG_TRIGGERS if bind.dialect.name == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(stmt)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS decisions_no_update ON decisions")
        op.execute("DROP FUNCTION IF EXISTS decisions_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS decisions_no_update")
        op.execute("DROP TRIGGER IF EXISTS decisions_no_delete")
    op.drop_table("decisions")
    op.drop_table("items")
    op.drop_table("reviewers")
