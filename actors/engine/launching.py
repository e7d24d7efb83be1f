"""Launching jobs: the row first (Queued, committed), the message after; the outbox sends
what the broker could not take."""
from __future__ import annotations

import logging
from contextlib import nullcontext
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from actors.engine import lifecycle
from actors.engine.runtime import runtime
from extensions import DirectAutocommit, FastStatement, db, direct_autocommit
from models import ArchivalDescription, Job, JobStatus, User
from models.base import utcnow

logger = logging.getLogger(__name__)

_jobs = Job.__table__
_MARK_SENT = FastStatement(update(_jobs).where(_jobs.c.id == bindparam("job_id")).values(sent_at=bindparam("now")))


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
    if type_key not in runtime().actors:
        raise KeyError(f"Unknown job type {type_key!r}")
    values = {
        "type": type_key,
        "user_id": user.id if user else None,
        "description_id": description.id if description else None,
        "parameters": parameters or {},
        "retry_of_id": retry_of_id,
        "created_at": utcnow(),
    }
    if db.session.registry.has():  # (no session yet, or one with nothing begun: nothing to commit)
        session = db.session()
        if session.in_transaction() or session.new or session.dirty or session.deleted:
            session.commit()  # what the caller changed first: the job may refer to it
    with direct_autocommit() as connection:  # one checkout for the row and the mark that it was sent
        job = lifecycle.queue(values, connection)
        return job, send(job.id, type_key, connection)


def send(job_id: int, type_key: str, connection: DirectAutocommit | None = None) -> bool:
    """Send the message for a committed, queued job and record that it was sent.

    connection: an autocommit connection the caller holds, for the mark."""
    try:
        runtime().actors[type_key].send(job_id)
    except Exception as error:  # broker unreachable: the dispatcher will send it later
        logger.warning("Job %s saved but not sent: %s", job_id, error)
        return False
    with direct_autocommit() if connection is None else nullcontext(connection) as connection:
        connection.run(_MARK_SENT, {"job_id": job_id, "now": utcnow()})
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
