"""jobs.undo_of_id: an Undo job names the job it reverses

Revision ID: b4c0e6a8d3f5
Revises: a3b9d5f7c2e4
Create Date: 2026-12-04 21:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b4c0e6a8d3f5"
down_revision = "a3b9d5f7c2e4"
branch_labels = None
depends_on = None


# On SQLite the foreign key rebuilds the table: it must keep AUTOINCREMENT (job ids are never
# used twice) and the sequence must not go back to the highest id left after a clear.
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade():
    sequence = _sequence()
    with op.batch_alter_table("jobs", table_kwargs=KEEP_IDS) as batch_op:
        batch_op.add_column(sa.Column("undo_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_jobs_undo_of_id", "jobs", ["undo_of_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index("ix_jobs_undo_of_id", ["undo_of_id"])
    _restore_sequence(sequence)


def downgrade():
    sequence = _sequence()
    with op.batch_alter_table("jobs", table_kwargs=KEEP_IDS) as batch_op:
        batch_op.drop_index("ix_jobs_undo_of_id")
        batch_op.drop_constraint("fk_jobs_undo_of_id", type_="foreignkey")
        batch_op.drop_column("undo_of_id")
    _restore_sequence(sequence)


def _sequence() -> int | None:
    if op.get_bind().dialect.name != "sqlite":
        return None
    return op.get_bind().scalar(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'"))


def _restore_sequence(sequence: int | None) -> None:
    if sequence is not None:
        op.get_bind().execute(
            sa.text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = 'jobs'"), {"seq": sequence}
        )
