"""jobs.progress_unit: what a job's progress counts (descriptions, rows, bytes)

Revision ID: f2a8c4e6b1d3
Revises: e1f4a7c3d9b2
Create Date: 2026-12-04 20:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f2a8c4e6b1d3"
down_revision = "e1f4a7c3d9b2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("progress_unit", sa.String(16), nullable=True))


def downgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_column("progress_unit")
