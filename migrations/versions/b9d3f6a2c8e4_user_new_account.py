"""users.new_account: a new user's first login asks them to finish setting up their account
(not "your password was reset"); accounts there are were not just created

Revision ID: b9d3f6a2c8e4
Revises: d4e7a1c9f2b6
Create Date: 2026-12-20 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b9d3f6a2c8e4"
down_revision = "d4e7a1c9f2b6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("new_account", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("new_account")
