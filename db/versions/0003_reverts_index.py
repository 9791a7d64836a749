"""Index decisions.reverts: "has this event been undone?" is asked for every history row.

Without it, history and undo checks scan the whole decisions table (0.47 s per
item history on 100k decisions).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_decisions_reverts", "decisions", ["reverts"])


def downgrade() -> None:
    op.drop_index("ix_decisions_reverts", table_name="decisions")
