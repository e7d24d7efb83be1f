"""What the jobs that rewrite the description tree share: the tree lock, their record, their range.

Per-record locks (actors.engine.locks) keep two such jobs off overlapping sub-trees, but a
move renumbers lft/rgt far beyond its own sub-tree. So every tree job also takes the
tree lock in its own transaction before it reads any lft/rgt: a move takes it
exclusively, the others shared. On PostgreSQL that is a transaction-scoped advisory
lock; on SQLite, where writers are serialized anyway, a no-op UPDATE takes the write
lock first, so what the job reads next is what it writes against.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import text, update
from wtforms.validators import ValidationError

from extensions import db
from models import ArchivalDescription, Job

TREE_LOCK_KEY = 0x41_4A_54_52  # "AJTR"


def lock_tree(description_id: int, *, exclusive: bool = False) -> None:
    """Hold the tree lock until this transaction ends (commit or rollback)."""
    if db.engine.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        db.session.execute(text(f"SELECT {function}(:key)"), {"key": TREE_LOCK_KEY})
    else:
        db.session.execute(
            update(ArchivalDescription)
            .where(ArchivalDescription.id == description_id)
            .values(updated_at=ArchivalDescription.updated_at)  # changes nothing, not even updated_at
        )
    db.session.expire_all()  # anything read before the lock may be stale


def job_and_record(job_id: int, *, exclusive: bool = False) -> tuple[Job, dict[str, Any], ArchivalDescription]:
    """(the job, its parameters, its description, read under the tree lock); a clear error if gone."""
    job = db.session.get(Job, job_id)
    parameters, description_id = dict(job.parameters or {}), job.description_id
    lock_tree(description_id or 0, exclusive=exclusive)
    # A deleted description leaves description_id NULL (ON DELETE SET NULL): the same story.
    record = db.session.get(ArchivalDescription, description_id) if description_id else None
    if record is None:
        raise LookupError("The description of this job no longer exists.")
    return job, parameters, record


def strictly_below(record: ArchivalDescription):
    """The WHERE clause of the record's descendants (not the record itself): one lft range."""
    lft = ArchivalDescription.lft
    return (lft > record.lft) & (lft < record.rgt)


def within(record: ArchivalDescription, include_descendants: bool = True):
    """The record alone, or the record and its descendants."""
    if not include_descendants:
        return ArchivalDescription.id == record.id
    return ArchivalDescription.lft.between(record.lft, record.rgt)


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 description', '12,345 descriptions': the numbers users read in the output."""
    return f"{count:,} {word if count == 1 else (many or word + 's')}"


def require_descendants(form, field) -> None:
    """Form validator (after the record resolved): the job needs a record that has descendants."""
    record = getattr(form, "description", None)
    if record is not None and record.descendant_count == 0:
        raise ValidationError(_("“%(title)s” has no descendants.", title=record.title))


def no_descendants_error(record: ArchivalDescription) -> ValueError:
    return ValueError(f"“{record.title}” has no descendants.")
