"""A team server checks that a cluster merge is true (``core/store/team_dupes_sql.py``).

Each cluster a reviewer's desk merges into another must be near a member of the one it
joins; desks now put the content that bridges them into the cluster before merging. On a
team server the checks are installed again (``CREATE OR REPLACE``); nothing else changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from moderator_gui.core.store.team_sql import install_dupes_checks

    install_dupes_checks(op.get_bind(), op.execute, verify_merges=True)


def downgrade() -> None:
    from moderator_gui.core.store.team_sql import install_dupes_checks

    install_dupes_checks(op.get_bind(), op.execute, verify_merges=False)  # 0009's (its desks merge, then bridge)
