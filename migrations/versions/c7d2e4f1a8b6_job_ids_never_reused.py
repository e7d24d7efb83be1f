"""job ids never reused: AUTOINCREMENT on SQLite (PostgreSQL's sequence never goes back)

Revision ID: c7d2e4f1a8b6
Revises: b5e1c0d2a9f3
Create Date: 2026-12-03 14:50:00

"""

from alembic import op

revision = "c7d2e4f1a8b6"
down_revision = "b5e1c0d2a9f3"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    # The table is rebuilt with AUTOINCREMENT; its rows keep their ids, and SQLite's sequence
    # starts after the highest one.
    with op.batch_alter_table("jobs", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("jobs", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
