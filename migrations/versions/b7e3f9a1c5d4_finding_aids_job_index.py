"""finding_aids.job_id indexed: the last column referring to jobs.id without one (deleting a job
checked it with a scan of finding_aids per deleted job)

Revision ID: b7e3f9a1c5d4
Revises: e3a7c9d1b5f4
Create Date: 2026-12-08 01:40:00

"""

from alembic import op

revision = "b7e3f9a1c5d4"
down_revision = "e3a7c9d1b5f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_finding_aids_job_id", "finding_aids", ["job_id"])


def downgrade():
    op.drop_index("ix_finding_aids_job_id", table_name="finding_aids")
