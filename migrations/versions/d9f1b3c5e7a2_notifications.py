"""notifications (a job's end told to its owner) and users.notify_on (which endings e-mail them)

Revision ID: d9f1b3c5e7a2
Revises: c3e8a5d1f7b2
Create Date: 2026-12-08 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d9f1b3c5e7a2"
down_revision = "c3e8a5d1f7b2"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("job_id", BIG_ID, nullable=True),
        sa.Column(
            "kind",
            sa.Enum("completed", "error", "canceled", "requeued", name="noticekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("job_number", BIG_ID, nullable=False),
        sa.Column("job_type", sa.String(64), nullable=False),
        sa.Column("record_title", sa.String(1024), nullable=True),
        sa.Column("info", sa.String(1024), nullable=True),
        sa.Column("job_started_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("mailed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notifications_user_id_id", "notifications", ["user_id", "id"])
    op.create_index("ix_notifications_job_id", "notifications", ["job_id"])
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column(
                "notify_on",
                sa.Enum("all", "errors", "none", name="notifyon", native_enum=False, length=8),
                server_default="errors",
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("notify_on")
    op.drop_index("ix_notifications_job_id", table_name="notifications")
    op.drop_index("ix_notifications_user_id_id", table_name="notifications")
    op.drop_table("notifications")
