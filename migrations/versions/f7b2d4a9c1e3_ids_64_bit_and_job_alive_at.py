"""job and user ids 64-bit on PostgreSQL; jobs.alive_at, when a worker last said it runs the job

Revision ID: f7b2d4a9c1e3
Revises: e5a1c3b7d9f2
Create Date: 2026-12-07 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f7b2d4a9c1e3"
down_revision = "e5a1c3b7d9f2"
branch_labels = None
depends_on = None

# (table, its id columns that name a job or a user) on PostgreSQL, whose INTEGER stops at 2**31 - 1.
# SQLite's INTEGER is 64-bit already.
ID_COLUMNS = {
    "users": ("id",),
    "jobs": ("id", "user_id", "retry_of_id", "undo_of_id"),
    "job_changes": ("job_id",),
    "job_vocabulary_changes": ("job_id",),
    "finding_aids": ("job_id",),
}
SEQUENCES = ("users", "jobs")


def upgrade():
    op.add_column("jobs", sa.Column("alive_at", sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    _retype("BIGINT")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _retype("INTEGER")  # (fails, as it should, once an id is past 2**31 - 1)
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("alive_at")


def _retype(sql_type: str) -> None:
    for table, columns in ID_COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {column} TYPE {sql_type}" for column in columns)
        op.execute(f"ALTER TABLE {table} {changes}")
    for table in SEQUENCES:
        sequence = op.get_bind().scalar(sa.text(f"SELECT pg_get_serial_sequence('{table}', 'id')"))
        op.execute(f"ALTER SEQUENCE {sequence} AS {sql_type}")
