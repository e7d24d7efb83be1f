"""an event's date type: inclusive or bulk (EAD unitdate/@type)

Revision ID: b5e1c0d2a9f3
Revises: 7a38b70a1742
Create Date: 2026-12-03 13:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b5e1c0d2a9f3"
down_revision = "7a38b70a1742"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("date_type", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("date_type")
