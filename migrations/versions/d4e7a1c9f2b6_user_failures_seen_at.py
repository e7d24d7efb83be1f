"""users.failures_seen_at: the Jobs page stops counting failures a user marked as seen

Revision ID: d4e7a1c9f2b6
Revises: a6c9e2f4b8d1
Create Date: 2026-12-20 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d4e7a1c9f2b6"
down_revision = "a6c9e2f4b8d1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("failures_seen_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("failures_seen_at")
