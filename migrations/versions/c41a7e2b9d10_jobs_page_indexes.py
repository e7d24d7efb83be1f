"""jobs page indexes: failed-in-24h counts, bulk retry

Revision ID: c41a7e2b9d10
Revises: 86923f92722d
Create Date: 2026-11-26 10:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c41a7e2b9d10"
down_revision = "86923f92722d"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        # "failed in the last 24 h" for admins / for one user: a range scan, not a filter over every Error row
        batch_op.create_index("ix_jobs_status_finished_at", ["status", "finished_at"], unique=False)
        batch_op.create_index("ix_jobs_user_status_finished_at", ["user_id", "status", "finished_at"], unique=False)
        # bulk retry skips jobs already retried (NOT EXISTS on retry_of_id)
        batch_op.create_index("ix_jobs_retry_of_id", ["retry_of_id"], unique=False)


def downgrade():
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_retry_of_id")
        batch_op.drop_index("ix_jobs_user_status_finished_at")
        batch_op.drop_index("ix_jobs_status_finished_at")
