"""users.session_version: logout, a password change and deactivation end every session

Revision ID: d8e3f5a2b7c9
Revises: c7d2e4f1a8b6
Create Date: 2026-12-03 18:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d8e3f5a2b7c9"
down_revision = "c7d2e4f1a8b6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("session_version")
