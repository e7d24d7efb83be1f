"""users.must_change_password: a temporary password is changed at the next login

Revision ID: e1f4a7c3d9b2
Revises: d8e3f5a2b7c9
Create Date: 2026-12-03 19:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e1f4a7c3d9b2"
down_revision = "d8e3f5a2b7c9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("must_change_password")
