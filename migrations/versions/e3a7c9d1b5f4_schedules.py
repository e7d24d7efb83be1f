"""schedules (recurring jobs launched by the worker) and jobs.schedule_id (the schedule that launched one)

Revision ID: e3a7c9d1b5f4
Revises: d9f1b3c5e7a2
Create Date: 2026-12-08 01:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e3a7c9d1b5f4"
down_revision = "d9f1b3c5e7a2"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# On SQLite the foreign key rebuilds the jobs table: it must keep AUTOINCREMENT and its sequence
# (job ids are never used twice), as b4c0e6a8d3f5 does.
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    op.create_table(
        "schedules",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("description_id", sa.Integer(), nullable=True),
        sa.Column("cron", sa.String(120), nullable=False),
        sa.Column("user_id", BIG_ID, nullable=True),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("overlap", sa.Enum("wait", "skip", name="overlap", native_enum=False, length=8), nullable=False),
        sa.Column("next_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["description_id"], ["archival_descriptions.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_schedules_user_id", "schedules", ["user_id"])
    op.create_index("ix_schedules_next_run_at", "schedules", ["next_run_at"])
    sequence = _sequence()
    with op.batch_alter_table("jobs", table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column("schedule_id", BIG_ID, nullable=True))
        batch_op.create_foreign_key("fk_jobs_schedule_id", "schedules", ["schedule_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_jobs_schedule_id_id", ["schedule_id", "id"])
    _restore_sequence(sequence)


def downgrade():
    sequence = _sequence()
    with op.batch_alter_table("jobs", table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_index("ix_jobs_schedule_id_id")
        batch_op.drop_constraint("fk_jobs_schedule_id", type_="foreignkey")
        batch_op.drop_column("schedule_id")
    _restore_sequence(sequence)
    op.drop_index("ix_schedules_next_run_at", table_name="schedules")
    op.drop_index("ix_schedules_user_id", table_name="schedules")
    op.drop_table("schedules")


def _sequence() -> int | None:
    if op.get_bind().dialect.name != "sqlite":
        return None
    return op.get_bind().scalar(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'"))


def _restore_sequence(sequence: int | None) -> None:
    if sequence is not None:
        op.get_bind().execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = 'jobs'"), {"seq": sequence}
        )
