"""Every change of a job's status, in one place: queue, claim, wait, finish, re-queue, cancel,
kill, settle a lost job, delete.

Each change is one conditional UPDATE on a row still in the status it expects, so an
administrator's kill or a reaper's verdict written meanwhile is never overwritten. Web
views, the CLI, the middleware and the reaper call these; nothing else writes ``jobs.status``.
"""

from __future__ import annotations

import logging
import time
import traceback
import typing
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dramatiq.middleware import Shutdown
from sqlalchemy import Engine, Select, bindparam, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql import Executable

from actors.engine import locks
from actors.engine.context import BadInput, JobCanceled
from actors.engine.driver import FastStatement, direct_autocommit
from actors.engine.errors import describe_failure
from extensions import db
from models import Job, JobStatus
from models.base import utcnow

if TYPE_CHECKING:
    from actors.engine.output.capture import JobOutput
    from actors.registry import JobType

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 2
# The database went away under a running job (a restart, the network): not the job's fault.
DATABASE_LOST = (OperationalError, InterfaceError)

_jobs = Job.__table__
# Core statements built once, run in autocommit on the driver (actors.engine.driver.FastStatement):
# every job runs them, and the ORM's unit of work, statement building, BEGIN/COMMIT round
# trips and then SQLAlchemy's per-execution work were most of their cost
# (scripts/bench throughput prints the CPU per job).
_CLAIM = (
    update(_jobs)
    .where(_jobs.c.id == bindparam("job_id"), _jobs.c.status == JobStatus.QUEUED)
    .values(
        status=JobStatus.RUNNING,
        started_at=bindparam("now"),
        info=None,
        worker_id=bindparam("worker"),
        output_path=bindparam("path"),
    )
    # One round trip: claimed or not, what earlier attempts printed, and which attempt this is.
    .returning(_jobs.c.output, _jobs.c.attempt)
)
_FAST_CLAIM = FastStatement(_CLAIM)


@lru_cache(maxsize=64)
def _while_running(columns: tuple[str, ...]) -> FastStatement:
    """UPDATE of these columns while the job is Running as the same attempt, built once per set
    of columns: a new statement per call cost more than its round trip (its cache key, its SET
    clause). The attempt fences a worker that was cut off: once the reaper re-queued its job and
    another worker runs the next attempt, its late output or "finished" changes nothing."""
    return FastStatement(
        update(_jobs)
        .where(
            _jobs.c.id == bindparam("job_id"),
            _jobs.c.status == JobStatus.RUNNING,
            _jobs.c.attempt == bindparam("attempt"),
        )
        .values({name: bindparam(f"new_{name}", type_=_jobs.c[name].type) for name in columns})
        .returning(_jobs.c.id)  # a row: it was still this attempt's to write
    )


@lru_cache(maxsize=16)
def _insert(columns: tuple[str, ...]) -> FastStatement:
    """INSERT of a job row with these columns given, the others' Python-side defaults as
    literals (what a Connection would fill in), RETURNING the id."""
    given = {name: bindparam(name, type_=_jobs.c[name].type) for name in columns}
    defaults = {
        column.name: column.default.arg
        for column in _jobs.columns
        if column.name not in given and column.default is not None and column.default.is_scalar
    }
    return FastStatement(insert(_jobs).values({**defaults, **given}).returning(_jobs.c.id))


def queue(values: dict[str, Any]) -> Job:
    """Insert a Queued job row, committed at once; returns it, added to the session as
    written (not read back: the rest loads on first use)."""
    values = {**values, "status": JobStatus.QUEUED}
    with direct_autocommit() as connection:
        inserted = connection.run(_insert(tuple(sorted(values))), values)
    assert inserted is not None  # (RETURNING id)
    values["id"] = inserted[0]
    job = Job(**values)
    make_transient_to_detached(job)
    db.session.add(job)
    return job


@dataclass(frozen=True)
class Claim:
    attempt: int  # what every later write of this run is fenced by (see _while_running)
    earlier_output: str  # what earlier attempts printed


def claim(
    job_id: int, job_type: JobType, worker_id: str | None, output_path: str, locking_types: list[str]
) -> Claim | None:
    """Queued -> Running in one conditional UPDATE; None when the job is no longer queued or
    another job holds its way (see ``locks``)."""
    values = {"job_id": job_id, "now": utcnow(), "worker": worker_id, "path": output_path}
    if locks.is_guarded(job_type):  # the lock check and the claim share one locked transaction
        locks.serialize_guarded_claims()
        row = db.session.execute(_CLAIM.where(locks.way_is_clear(job_id, job_type, locking_types)), values).first()
        db.session.commit()
        earlier = None if row is None else tuple(row)
    else:
        with direct_autocommit() as connection:
            earlier = connection.run(_FAST_CLAIM, values)
    return None if earlier is None else Claim(attempt=earlier[1] or 1, earlier_output=earlier[0] or "")


def wait_for_blocker(job_id: int, job_type: JobType, locking_types: list[str]) -> bool:
    """A guarded job that could not be claimed: if it is still queued, say on its row which
    job it waits for and return True (the caller sends it again later)."""
    blocker = locks.first_blocker(job_id, job_type, locking_types)
    if db.session.scalar(select(Job.status).where(Job.id == job_id)) != JobStatus.QUEUED:
        db.session.commit()
        return False
    if blocker:  # (none when it ended a moment ago: then just look again soon)
        waiting = (
            f"Waiting for job {blocker} on this record."
            if job_type.locks_record
            else f"Waiting for job {blocker} ({job_type.label}) to finish."
        )
        db.session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED).values(info=waiting))
    db.session.commit()
    return True


def finish(
    job_id: int,
    attempt: int,
    rerun_safe: bool,
    output: JobOutput,
    exception: BaseException | None,
    info: str | None,
    time_limit_ms: int | None,
    retry_seconds: float = 0,
) -> None:
    """Record how a run ended: Completed, Canceled, Error, or Queued again after a shutdown or a
    lost database connection. With the database away, the outcome is written again (growing
    pauses) for up to ``retry_seconds``: a restart of PostgreSQL leaves no job Running."""
    with suppress(SQLAlchemyError):  # (a job that never used the session has nothing to roll back)
        if db.session.registry.has():
            db.session.rollback()  # whatever the actor left half-done is not ours to commit
    values = _outcome_values(attempt, rerun_safe, output, exception, info, time_limit_ms)
    pause, deadline = 0.5, time.monotonic() + retry_seconds
    while True:
        try:
            written = update_while_running(job_id, attempt, values)
            break
        except SQLAlchemyError as error:
            if time.monotonic() + pause > deadline:
                raise
            logger.warning("Job %s ended; its outcome cannot be saved yet (%s); trying again.", job_id, error)
            time.sleep(pause)
            pause = min(pause * 2, 10)
    if not written:
        logger.warning(
            "Job %s attempt %s ended as %s, but the job was settled meanwhile (reaper, kill or a later "
            "attempt): that outcome is not recorded.",
            job_id, attempt, values["status"].value,
        )  # fmt: skip


def _outcome_values(
    attempt: int,
    rerun_safe: bool,
    output: JobOutput,
    exception: BaseException | None,
    info: str | None,
    time_limit_ms: int | None,
) -> dict[str, Any]:
    """The values of the job's row once this run ended (the output closed, what it printed in them)."""
    if exception is None:
        values: dict[str, Any] = {"status": JobStatus.COMPLETED, "info": info or "Completed."}
    elif isinstance(exception, JobCanceled):
        output.write(f"\n{exception}\n")
        values = {"status": JobStatus.CANCELED, "info": str(exception)}
    elif isinstance(exception, Shutdown):
        values = _interrupted(attempt, rerun_safe, output, "The worker shut down", "a worker shutdown")
    elif isinstance(exception, DATABASE_LOST):
        values = _interrupted(attempt, rerun_safe, output, "The database connection was lost", "a database outage")
    else:
        output.write(
            f"\n{exception}\n" if isinstance(exception, BadInput) else "".join(traceback.format_exception(exception))
        )
        values = {"status": JobStatus.ERROR, "info": describe_failure(exception, time_limit_ms)}
    output.close()
    values["output"] = output.text()
    if output.progress and values["status"] != JobStatus.QUEUED:
        values["progress_done"], values["progress_total"], _, values["progress_unit"] = output.progress
    if values["status"] != JobStatus.QUEUED:
        values["finished_at"] = utcnow()
    values["info"] = values["info"][:1024]
    return values


def _interrupted(attempt: int, rerun_safe: bool, output: JobOutput, what: str, after: str) -> dict[str, Any]:
    """Stopped mid-run by something outside the job: run it again if that is safe, else say what happened."""
    if rerun_safe and attempt < MAX_ATTEMPTS:
        output.write(f"\n[{utcnow():%Y-%m-%d %H:%M:%S} UTC] {what}; re-queued as attempt {attempt + 1}.\n")
        return requeue_values(attempt, f"Re-queued after {after}.")
    output.write(f"\n{what} before this job finished.\n")
    return {"status": JobStatus.ERROR, "info": f"Interrupted: {what[0].lower()}{what[1:]} before the job finished."}


def requeue_values(attempt: int, info: str) -> dict[str, Any]:
    """Back to Queued as the next attempt; the dispatcher sends it again."""
    return {
        "status": JobStatus.QUEUED,
        "attempt": attempt + 1,
        "info": info,
        "sent_at": None,
        "started_at": None,
        "worker_id": None,
    }


def update_while_running(job_id: int, attempt: int, values: dict[str, Any], engine: Engine | None = None) -> bool:
    """Write values on the job's row only while it is still Running as this attempt, in
    autocommit; whether it was. engine: where there is no app context (the output flusher's thread)."""
    params = {f"new_{name}": value for name, value in values.items()}
    params["job_id"], params["attempt"] = job_id, attempt
    with direct_autocommit(engine) as connection:
        return connection.run(_while_running(tuple(sorted(values))), params) is not None


def settle_lost(job_id: int, rerun_safe: bool, attempt: int, now: datetime) -> str | None:
    """A running job whose worker died: re-queued once if safe to run again, else Error.
    Returns "requeued", "failed", or None when it finished meanwhile. The caller commits."""
    stamp = f"{now:%Y-%m-%d %H:%M:%S} UTC"
    if rerun_safe and attempt < MAX_ATTEMPTS:
        outcome, note = "requeued", f"\n[{stamp}] Worker lost; re-queued as attempt {attempt + 1}.\n"
        values = requeue_values(attempt, "Re-queued after its worker was lost.")
    else:
        outcome = "failed"
        note = f"\n[{stamp}] Worker lost: the worker running this job stopped before it finished.\n"
        values = {"status": JobStatus.ERROR, "finished_at": now, "info": f"Worker lost at {stamp}."}
    settled = _changed(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(output=Job.output + note, **values)
    )
    return outcome if settled else None


def cancel(job_ids: Select | list[int], username: str) -> tuple[int, int]:
    """Queued jobs -> Canceled now (they never run); running ones get a cancel request and stop
    at their next checkpoint. Set-based for one job or a bulk selection. Commits; returns
    (canceled, requested)."""
    ids = job_ids if isinstance(job_ids, Select) else list(job_ids)
    now = utcnow()
    canceled = _changed(
        update(Job)
        .where(Job.id.in_(ids), Job.status == JobStatus.QUEUED)
        .values(status=JobStatus.CANCELED, finished_at=now, info=f"Canceled by {username}.", canceled_by=username)
        .execution_options(synchronize_session=False)
    )
    requested = _changed(
        update(Job)
        .where(Job.id.in_(ids), Job.status == JobStatus.RUNNING, Job.cancel_requested_at.is_(None))
        .values(cancel_requested_at=now, canceled_by=username)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return canceled, requested


def kill(job_id: int) -> bool:
    """An administrator stops a stalled or queued job: Error, never run again. Commits."""
    killed = _changed(
        update(Job)
        .where(Job.id == job_id, Job.status.in_(JobStatus.active()))
        .values(status=JobStatus.ERROR, finished_at=utcnow(), info="Killed by administrator.")
    )
    db.session.commit()
    return bool(killed)


def _changed(statement: Executable) -> int:
    """Run a conditional UPDATE in the session's transaction; how many rows it changed."""
    return typing.cast("CursorResult[Any]", db.session.execute(statement)).rowcount
