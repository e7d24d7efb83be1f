"""job_changes: the ledger of what each job created, updated, moved or deleted

Revision ID: a3b9d5f7c2e4
Revises: f2a8c4e6b1d3
Create Date: 2026-12-04 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a3b9d5f7c2e4"
down_revision = "f2a8c4e6b1d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("description_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_job_changes_job", "job_changes", ["job_id", "id"])
    op.create_index("ix_job_changes_description", "job_changes", ["description_id", "id"])


def downgrade():
    op.drop_index("ix_job_changes_description", table_name="job_changes")
    op.drop_index("ix_job_changes_job", table_name="job_changes")
    op.drop_table("job_changes")
