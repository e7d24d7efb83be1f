"""Which of the records a job created an Undo may delete: not one a later job changed, nor one
holding a record the job did not create, nor an ancestor of one of those."""

from __future__ import annotations

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import aliased

from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, RecordChange


def created_ids(job_id: int) -> Select:
    return select(RecordChange.description_id).where(
        RecordChange.job_id == job_id, RecordChange.kind == ChangeKind.CREATED.value
    )


def blocked_creations(job_id: int) -> tuple[list[tuple[int, str]], set[int]]:
    """(conflicts: (id, why), every created record that stays) — set-based over the ledger.

    "Changed since" is read from the ledger (a later job's row about the record), not from
    updated_at, which every renumbering of the tree touches."""
    created = created_ids(job_id)
    later = aliased(RecordChange)
    mine = aliased(RecordChange)
    changed = db.session.scalars(
        select(mine.description_id)
        .where(mine.job_id == job_id, mine.kind == ChangeKind.CREATED.value)
        .where(
            exists().where(later.description_id == mine.description_id, later.id > mine.id, later.job_id != job_id)
        )  # fmt: skip
    ).all()
    conflicts = [(record_id, "changed since by another job") for record_id in changed]
    child = aliased(D)
    holders = db.session.execute(
        select(D.id, child.title)
        .join(child, child.parent_id == D.id)
        .where(D.id.in_(created), child.id.not_in(created))
    ).all()
    conflicts += [(record_id, f"holds “{title}”, which the job did not create") for record_id, title in holders]
    kept = {record_id for record_id, _why in conflicts}
    if kept:
        held = aliased(D)
        ancestors = select(D.id).where(
            D.id.in_(created),
            exists().where(and_(held.id.in_(kept), held.lft > D.lft, held.rgt < D.rgt)),
        )
        kept |= set(db.session.scalars(ancestors))
    return conflicts, kept
