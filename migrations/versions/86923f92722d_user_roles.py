"""user roles

Revision ID: 86923f92722d
Revises: 5fcd74d2fcb5
Create Date: 2026-11-25 20:57:38.016334

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "86923f92722d"
down_revision = "5fcd74d2fcb5"
branch_labels = None
depends_on = None


ROLE = sa.Enum("administrator", "editor", "contributor", "viewer", name="role", native_enum=False, length=16)


def upgrade():
    """Administrators stay administrators; every other existing user becomes an editor."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", ROLE, nullable=False, server_default="editor"))
    op.execute("UPDATE users SET role = 'administrator' WHERE is_admin")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("is_admin")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_admin", sa.BOOLEAN(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE users SET is_admin = (role = 'administrator')")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("role")
