"""PDQ signatures are hashed at 64×64 now (media pipeline version 3): drop the older ones.

The media pipeline hashed its 256 px pictures as they were; it now resamples each variant to
64×64 first (``core/dupes/pdq.py``: ``HASH_SIDE``), which puts hashes much nearer to those of
the full-resolution files that shared lists hold. Hashes of
the two kinds are ~20 bits apart on the same picture: kept side by side, they would eat most
of the 31-bit threshold between old and new media. The PDQ rows are deleted (MD5s stay); the
next prefetch (its cache is per pipeline version) stores the new ones. Clusters and list
matches already made stay.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM media_signatures WHERE signal_type = 'pdq'"))


def downgrade() -> None:
    pass  # the hashes of the older pipeline are not made again
