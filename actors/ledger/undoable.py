"""Whether a job can be undone now: one question for the web, the CLI and the worker, so they
refuse with the same words.

A job is undone once: after a completed Undo it is closed ("Job 3 was already undone by job
4"), and what is offered instead is to undo that Undo (which applies the job again). One Undo
of a job is queued or running at a time; the database enforces it too (a unique index on
``jobs.undo_of_id`` over active jobs: ``launching.LaunchConflict``), so simultaneous launches
cannot both win."""

from __future__ import annotations

from sqlalchemy import func, select

from actors.engine.context import BadInput
from extensions import db
from models import ChangeKind, Job, JobStatus, RecordChange


class UndoRefused(BadInput):
    """The job cannot be undone (as a whole): the message says why."""


def undone_by(job_id: int, *, besides: int | None = None) -> Job | None:
    """The Undo that closed the job (completed) or is undoing it now (queued, running)."""
    query = select(Job).where(
        Job.undo_of_id == job_id,
        Job.status.in_((JobStatus.COMPLETED, JobStatus.QUEUED, JobStatus.RUNNING)),
    )
    if besides is not None:
        query = query.where(Job.id != besides)
    return db.session.scalars(query.order_by(Job.id).limit(1)).first()


def undone_among(job_ids: list[int]) -> dict[int, int]:
    """job id -> the completed Undo that closed it, for a page of the Jobs list (one query)."""
    if not job_ids:
        return {}
    query = select(Job.undo_of_id, func.min(Job.id)).where(
        Job.undo_of_id.in_(job_ids), Job.status == JobStatus.COMPLETED
    )
    rows = db.session.execute(query.group_by(Job.undo_of_id))
    return {undone: undo for undone, undo in rows if undone is not None}  # (always: IN job_ids)


def refusal(original: Job | None, *, besides: int | None = None) -> str | None:
    """Why this job cannot be undone now, or None (``besides``: the Undo asking, itself)."""
    if original is None:
        return "The job to undo no longer exists."
    if original.status != JobStatus.COMPLETED:
        return f"Job {original.id} did not complete: only a completed job can be undone."
    undo = undone_by(original.id, besides=besides)
    if undo is not None and undo.status == JobStatus.COMPLETED:
        return f"Job {original.id} was already undone by job {undo.id}."
    if undo is not None:
        return f"Job {original.id} is already being undone by job {undo.id}."
    if ledger_size(original.id) == 0:
        return f"Job {original.id} has no record of changes (it changed nothing, or its record was cleared)."
    return None


def ledger_size(job_id: int) -> int:
    """Ledger rows an Undo goes through (a skipped row changed nothing)."""
    query = select(func.count()).where(RecordChange.job_id == job_id, RecordChange.kind != ChangeKind.SKIPPED.value)
    return db.session.scalar(query.select_from(RecordChange)) or 0
