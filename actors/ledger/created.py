"""Which of the records a job created an Undo may delete: only one still as the job left it (by
value, whoever changed it since: a later change that was itself undone is no conflict), holding
no record the job did not create, and no ancestor of a record that stays."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import aliased

from actors.ledger.recording import jsonable
from actors.ledger.snapshots import differing_creations
from actors.ledger.values import SHOWN
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, RecordChange

BATCH = 1000


def created_ids(job_id: int) -> Select:
    return select(RecordChange.description_id).where(
        RecordChange.job_id == job_id, RecordChange.kind == ChangeKind.CREATED.value
    )


def blocked_creations(job_id: int) -> tuple[list[tuple[int, str]], set[int]]:
    """(conflicts: (id, why), every created record that stays)."""
    conflicts = list(_changed_since(job_id))
    created = created_ids(job_id)
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


def _changed_since(job_id: int) -> Iterator[tuple[int, str]]:
    """Created records that no longer hold what the job left (the database digests them),
    naming the fields people read that changed."""
    differing = differing_creations(job_id, BATCH)
    while batch := dict(itertools.islice(differing, BATCH)):
        query = select(D.id, *(getattr(D, name) for name in SHOWN)).where(D.id.in_(list(batch)))
        for row in db.session.execute(query).mappings():
            fields = [name for name in SHOWN if jsonable(row[name]) != batch[row["id"]].get(name)]
            yield row["id"], f"changed since ({', '.join(fields)})" if fields else "changed since"
