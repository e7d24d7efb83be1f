"""Who may start now: per-record locks and one-at-a-time job types.

A job type that rewrites its record's sub-tree (``locks_record``) never runs while
another such job runs on an overlapping sub-tree (the record, an ancestor or a
descendant); a type with ``run_concurrently=False`` waits while another job of the
same type runs. The check is part of the claiming UPDATE itself, and on PostgreSQL
claims of such jobs are serialized by an advisory lock, so two workers can never
both decide that the way is clear.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Select, and_, exists, or_, select, text
from sqlalchemy.orm import aliased

from extensions import db
from models import ArchivalDescription, Job, JobStatus

if TYPE_CHECKING:
    from actors.registry import JobType

CLAIM_LOCK_KEY = 0x41_4A_4C_4B  # "AJLK": one advisory lock for all guarded claims


def is_guarded(job_type: JobType | None) -> bool:
    return bool(job_type and (job_type.locks_record or not job_type.run_concurrently))


def _blockers(job_id: int, job_type: JobType, locking_types: list[str]) -> Select:
    """Running jobs that must end before ``job_id`` may start (locking_types: the keys of the
    types that lock their record)."""
    running, me = aliased(Job), aliased(Job)  # aliases: never correlated with the claiming UPDATE
    conditions = []
    if not job_type.run_concurrently:
        conditions.append(running.type == job_type.key)
    if job_type.locks_record:
        mine, theirs = aliased(ArchivalDescription), aliased(ArchivalDescription)
        overlapping = (
            select(theirs.id)
            .join(mine, and_(theirs.lft <= mine.rgt, mine.lft <= theirs.rgt))
            .join(me, me.description_id == mine.id)
            .where(me.id == job_id)
        )
        conditions.append(and_(running.type.in_(locking_types), running.description_id.in_(overlapping)))
    return select(running.id).where(running.status == JobStatus.RUNNING, running.id != job_id, or_(*conditions))


def serialize_guarded_claims() -> None:
    """On PostgreSQL, take the claim lock for the rest of this transaction."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK_KEY})


def way_is_clear(job_id: int, job_type: JobType, locking_types: list[str]):
    """A condition for the claiming UPDATE: no blocking job runs."""
    return ~exists(_blockers(job_id, job_type, locking_types))


def first_blocker(job_id: int, job_type: JobType, locking_types: list[str]) -> int | None:
    return db.session.scalar(_blockers(job_id, job_type, locking_types).limit(1))
