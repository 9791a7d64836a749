"""Claims notify other desks after their commit, from the store (core/store/notifier.py), not
from triggers in the claiming transaction: PostgreSQL serialises the commits of transactions
that NOTIFY, which made every claim wait for the other desks' commits. Releases (DELETE)
keep their trigger.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS claims_notify_new ON claims")
        op.execute("DROP TRIGGER IF EXISTS claims_notify_changed ON claims")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, event in (("claims_notify_new", "INSERT"), ("claims_notify_changed", "UPDATE")):
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON claims REFERENCING NEW TABLE AS new_rows "
                "FOR EACH STATEMENT EXECUTE FUNCTION moderator_notify_items()"
            )
