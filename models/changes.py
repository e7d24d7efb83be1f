"""The changes ledger: what each job did to descriptions, so people can see it and undo it.

One row per description a job created, updated, moved or deleted (or, for an import, skipped), written set-based in the
job's own transaction (so it exists exactly when the change does). ``before`` holds the
values of exactly the fields the job changed, as they were; ``after`` what it wrote. A move
keeps the old parent and the sibling it followed. The rows go with their job (clearing a
job clears its ledger, ON DELETE CASCADE); ``description_id`` is not a foreign key, so the
ledger still names a record that was deleted since.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Select, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db
from models.base import BIG_ID
from models.description import ArchivalDescription


class ChangeKind(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    MOVED = "moved"
    DELETED = "deleted"
    SKIPPED = "skipped"  # an import row that matched a record and left it as it was: nothing to undo


class RecordChange(Model):
    __tablename__ = "job_changes"
    __table_args__ = (
        Index("ix_job_changes_job", "job_id", "id"),
        Index("ix_job_changes_description", "description_id", "id"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    job_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("jobs.id", ondelete="CASCADE"))
    description_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(8))  # a ChangeKind value
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<RecordChange job {self.job_id} {self.kind} {self.description_id}>"


class VocabularyChange(Model):
    """A vocabulary row (level of description, term, repository, authority record, container) a
    job added — its Undo removes it if nothing else uses it — or an Undo removed, with the row
    as it was, so undoing that Undo puts it back (before the records that refer to it)."""

    __tablename__ = "job_vocabulary_changes"
    __table_args__ = (Index("ix_job_vocabulary_changes_job", "job_id", "table_name", "id"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    job_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("jobs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # "added" or "removed"
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int]
    row: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a removed row's columns


def change_counts(job_id: int) -> dict[str, int]:
    """How many records the job changed, by kind (ChangeKind values)."""
    query = select(RecordChange.kind, func.count()).where(RecordChange.job_id == job_id).group_by(RecordChange.kind)
    return {kind: count for kind, count in db.session.execute(query)}


def changes_of(job_id: int) -> Select:
    """(change, the record's title, its slug) in the order the job made them; title and slug are
    None for a record deleted since."""
    record = ArchivalDescription
    return (
        select(RecordChange, record.title, record.slug)
        .outerjoin(record, record.id == RecordChange.description_id)
        .where(RecordChange.job_id == job_id)
        .order_by(RecordChange.id)
    )
