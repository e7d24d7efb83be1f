"""notes.element and notes.attributes (an EAD element kept as it came), containers.label

Revision ID: a6c9e2f4b8d1
Revises: f7b2d4a9c1e3
Create Date: 2026-12-07 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a6c9e2f4b8d1"
down_revision = "f7b2d4a9c1e3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notes") as batch_op:
        batch_op.add_column(sa.Column("element", sa.String(255), nullable=True))
        batch_op.add_column(sa.Column("attributes", sa.JSON(), nullable=True))
    with op.batch_alter_table("containers") as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(255), nullable=True))


def downgrade():
    # The code before this keeps no element: what was kept stays readable as a general note.
    op.execute("UPDATE notes SET note_type = 'general' WHERE note_type = 'kept'")
    with op.batch_alter_table("containers") as batch_op:
        batch_op.drop_column("label")
    with op.batch_alter_table("notes") as batch_op:
        batch_op.drop_column("attributes")
        batch_op.drop_column("element")
