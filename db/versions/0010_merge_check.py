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


def _install(verify_merges: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    team = bind.exec_driver_sql(
        "SELECT 1 FROM settings WHERE key = 'team' AND value = '1' "
        "AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'moderator_lead')"
    ).first()
    if team is not None:
        from moderator_gui.core.store.team_sql import dupes_sql

        schema = bind.exec_driver_sql("SELECT current_schema()").scalar_one()
        for stmt in dupes_sql(schema, verify_merges=verify_merges):
            op.execute(stmt)


def upgrade() -> None:
    _install(verify_merges=True)


def downgrade() -> None:
    _install(verify_merges=False)  # revision 0009's checks (its desks merge before they bridge)
