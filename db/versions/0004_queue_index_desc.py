"""Queue indexes in the queue's own order: priority DESC, flagged_at ASC, id ASC.

With the ascending index, SQLite had to sort every open item for each page
("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY": 100-290 ms a page at 100k
items); with matching directions a page is a short index walk.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


_OPEN = sa.text("status IN ('pending', 'skipped')")


def upgrade() -> None:
    op.drop_index("ix_items_queue_priority", table_name="items")
    op.create_index(
        "ix_items_queue_priority", "items", ["status", sa.text("priority DESC"), "flagged_at", "id"]
    )
    # The default "open" queue (pending + skipped) in both orders, as partial indexes.
    op.create_index(
        "ix_items_open_priority",
        "items",
        [sa.text("priority DESC"), "flagged_at", "id"],
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )
    op.create_index("ix_items_open_age", "items", ["flagged_at", "id"], sqlite_where=_OPEN, postgresql_where=_OPEN)
    # The "all" filter (team leads) in both orders.
    op.create_index("ix_items_all_priority", "items", [sa.text("priority DESC"), "flagged_at", "id"])
    op.create_index("ix_items_all_age", "items", ["flagged_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_items_all_age", table_name="items")
    op.drop_index("ix_items_all_priority", table_name="items")
    op.drop_index("ix_items_open_age", table_name="items")
    op.drop_index("ix_items_open_priority", table_name="items")
    op.drop_index("ix_items_queue_priority", table_name="items")
    op.create_index("ix_items_queue_priority", "items", ["status", "priority", "flagged_at", "id"])
