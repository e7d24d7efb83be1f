"""jobs.locale: the language of the user who launched the job, which its messages are written in

Revision ID: c3e8a5d1f7b2
Revises: b9d3f6a2c8e4
Create Date: 2026-12-08 00:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c3e8a5d1f7b2"
down_revision = "b9d3f6a2c8e4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(8), nullable=True))


def downgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("locale")
