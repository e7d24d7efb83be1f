"""record ids never reused (AUTOINCREMENT on SQLite), one Undo of a job at a time, and the
vocabulary rows a job added or an Undo removed

Revision ID: e5a1c3b7d9f2
Revises: b4c0e6a8d3f5
Create Date: 2026-12-07 12:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e5a1c3b7d9f2"
down_revision = "b4c0e6a8d3f5"
branch_labels = None
depends_on = None

# Descriptions, every row that hangs from them, authority records and the vocabularies: a
# ledger names them by id, so an id must never come back for another record.
TABLES = (
    "archival_descriptions",
    "notes",
    "alternative_identifiers",
    "events",
    "authority_records",
    "rights_statements",
    "containers",
    "finding_aids",
    "levels_of_description",
    "terms",
    "repositories",
)
ACTIVE_UNDO = sa.text("undo_of_id IS NOT NULL AND status IN ('queued', 'running')")


def upgrade():
    op.create_table(
        "job_vocabulary_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.JSON(), nullable=True),
    )
    op.create_index("ix_job_vocabulary_changes_job", "job_vocabulary_changes", ["job_id", "table_name", "id"])
    # An Undo asks which containers nothing refers to any more.
    op.create_index("ix_description_containers_container_id", "description_containers", ["container_id"])
    op.create_index("ix_containers_parent_id", "containers", ["parent_id"])
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in TABLES:
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass
        # Ids an Undo deleted above today's highest are named by the ledger: the sequence starts after them.
        named = bind.scalar(sa.text("SELECT max(description_id) FROM job_changes WHERE kind IN ('created', 'deleted')"))
        if named:
            bind.execute(
                sa.text(
                    "INSERT INTO sqlite_sequence (name, seq) SELECT 'archival_descriptions', :seq"
                    " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'archival_descriptions')"
                ),
                {"seq": named},
            )
            bind.execute(
                sa.text("UPDATE sqlite_sequence SET seq = max(seq, :seq) WHERE name = 'archival_descriptions'"),
                {"seq": named},
            )
    # Two Undos of one job queued or running at once: the later ones end as errors, saying why.
    bind.execute(
        sa.text(
            "UPDATE jobs SET status = 'error', info = 'Another Undo of the same job was already queued.'"
            " WHERE undo_of_id IS NOT NULL AND status IN ('queued', 'running') AND id > ("
            "SELECT min(other.id) FROM jobs AS other WHERE other.undo_of_id = jobs.undo_of_id"
            " AND other.status IN ('queued', 'running'))"
        )
    )
    op.create_index(
        "ix_jobs_one_active_undo",
        "jobs",
        ["undo_of_id"],
        unique=True,
        sqlite_where=ACTIVE_UNDO,
        postgresql_where=ACTIVE_UNDO,
    )


def downgrade():
    op.drop_index("ix_containers_parent_id", table_name="containers")
    op.drop_index("ix_description_containers_container_id", table_name="description_containers")
    op.drop_index("ix_job_vocabulary_changes_job", table_name="job_vocabulary_changes")
    op.drop_table("job_vocabulary_changes")
    op.drop_index("ix_jobs_one_active_undo", table_name="jobs")
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": False}):
                pass
