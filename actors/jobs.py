"""Launching jobs (row first, message after commit) and what actors call while they run."""
from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from dramatiq.middleware import Shutdown
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import make_transient_to_detached

from actors.runtime import runtime
from actors.errors import JobCanceled
from actors.registry import JOB_TYPES
from extensions import autocommit, db
from models import ArchivalDescription, Job, JobStatus, User
from models.base import utcnow

logger = logging.getLogger(__name__)

_jobs = Job.__table__
# Core statements built once, run in autocommit: every launch runs them, and the ORM's unit
# of work, statement building and BEGIN/COMMIT round trips were most of its cost
# (scripts/bench throughput prints the CPU per job).
_INSERT = insert(_jobs).returning(_jobs.c.id)
_MARK_SENT = update(_jobs).where(_jobs.c.id == bindparam("job_id")).values(sent_at=bindparam("now"))


def launch(
    type_key: str,
    *,
    user: User | None = None,
    description: ArchivalDescription | None = None,
    parameters: dict[str, Any] | None = None,
    retry_of_id: int | None = None,
) -> tuple[Job, bool]:
    """Create the job row (Queued), commit, then send its message.

    Returns the job and whether the message reached the broker. When it did not, the
    job stays Queued with no ``sent_at`` and a dispatcher sends it later: nothing is lost.
    """
    if type_key not in JOB_TYPES:
        raise KeyError(f"Unknown job type {type_key!r}")
    values = {
        "type": type_key,
        "status": JobStatus.QUEUED,
        "user_id": user.id if user else None,
        "description_id": description.id if description else None,
        "parameters": parameters or {},
        "retry_of_id": retry_of_id,
        "created_at": utcnow(),
    }
    db.session.commit()  # what the caller changed first: the job may refer to it
    with autocommit() as connection:
        values["id"] = connection.execute(_INSERT, values).scalar_one()
    sent = send(values["id"], type_key)
    job = Job(**values)  # what we wrote, without reading it back; the rest loads on first use
    make_transient_to_detached(job)
    db.session.add(job)
    return job, sent


def send(job_id: int, type_key: str) -> bool:
    """Send the message for a committed, queued job and record that it was sent."""
    try:
        runtime().actors[type_key].send(job_id)
    except Exception as error:  # broker unreachable: the dispatcher will send it later
        logger.warning("Job %s saved but not sent: %s", job_id, error)
        return False
    with autocommit() as connection:
        connection.execute(_MARK_SENT, {"job_id": job_id, "now": utcnow()})
    return True


def dispatch_unsent(grace_seconds: float = 5, limit: int = 500) -> int:
    """Send queued jobs whose message never reached the broker (the outbox). Returns how many.

    The grace period leaves alone jobs whose launching request is still sending them.
    """
    pending = db.session.execute(
        select(Job.id, Job.type)
        .where(
            Job.status == JobStatus.QUEUED,
            Job.sent_at.is_(None),
            Job.created_at < utcnow() - timedelta(seconds=grace_seconds),
        )
        .order_by(Job.id)
        .limit(limit)
    ).all()
    sent = 0
    for job_id, type_key in pending:
        if type_key not in runtime().actors:
            continue  # a type no longer installed: it stays Queued, visible, until cleared or killed
        if not send(job_id, type_key):
            break  # the broker is still away: try again at the next beat
        sent += 1
    return sent


def report_progress(done: int, total: int, text: str) -> None:
    """Print a progress line into the job's output, record done/total, and checkpoint."""
    print(text, flush=True)
    running = runtime().tracking.current()
    if running is not None:
        running.output.set_progress(done, total)
    checkpoint()


def checkpoint(min_interval: float = 0.5) -> None:
    """Raise JobCanceled if someone asked to cancel this job, Shutdown if the worker is
    stopping: the job ends here, at a point its code chose. Cheap to call often.

    Reads on a fresh connection: the actor's own transaction may hold an old snapshot.
    """
    tracking = runtime().tracking
    running = tracking.current()
    if running is None:
        return
    if tracking.stopping.is_set():
        raise Shutdown("The worker is stopping.")
    if time.monotonic() - running.last_checkpoint < min_interval:
        return
    running.last_checkpoint = time.monotonic()
    with autocommit() as connection:
        row = connection.execute(
            select(Job.cancel_requested_at, Job.canceled_by).where(Job.id == running.job_id)
        ).one_or_none()
    if row is not None and row.cancel_requested_at is not None:
        raise JobCanceled(row.canceled_by)


def set_info(text: str) -> None:
    """The short message shown in the Info column when the job completes."""
    running = runtime().tracking.current()
    if running is not None:
        running.info = text
