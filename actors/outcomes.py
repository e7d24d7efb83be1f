"""How a job that ran ends: Completed, Canceled, Error, or back to Queued for another attempt.

Each outcome is one conditional UPDATE on a row that is still Running, so an
administrator's kill or a reaper's verdict written meanwhile is never overwritten.
"""
from __future__ import annotations

import traceback
from typing import Any

from dramatiq.middleware import Shutdown, TimeLimitExceeded
from sqlalchemy import Engine, bindparam, update

from actors.capture import JobOutput
from actors.errors import JobCanceled
from actors.registry import JOB_TYPES
from extensions import autocommit, db
from models import Job, JobStatus
from models.base import utcnow

_jobs = Job.__table__
_WHILE_RUNNING = update(_jobs).where(_jobs.c.id == bindparam("job_id"), _jobs.c.status == JobStatus.RUNNING)

MAX_ATTEMPTS = 2
# By convention job code raises these, with a message for the user, on bad input.
USER_FACING = (ValueError, LookupError)


def finish(job_id: int, job_type: str, output: JobOutput, exception: BaseException | None, info: str | None, time_limit_ms: int | None) -> None:
    db.session.rollback()  # whatever the actor left half-done is not ours to commit
    if exception is None:
        values = {"status": JobStatus.COMPLETED, "info": info or "Completed."}
    elif isinstance(exception, JobCanceled):
        output.write(f"\n{exception}\n")
        values = {"status": JobStatus.CANCELED, "info": str(exception)}
    elif isinstance(exception, Shutdown):
        values = _after_shutdown(job_id, job_type, output)
    else:
        output.write("".join(traceback.format_exception(exception)))
        values = {"status": JobStatus.ERROR, "info": describe_failure(exception, time_limit_ms)}
    output.close()
    values["output"] = output.text()
    if output.progress and values["status"] != JobStatus.QUEUED:
        values["progress_done"], values["progress_total"] = output.progress
    if values["status"] != JobStatus.QUEUED:
        values["finished_at"] = utcnow()
    values["info"] = values["info"][:1024]
    update_while_running(job_id, values)


def update_while_running(job_id: int, values: dict[str, Any], engine: Engine | None = None) -> None:
    """Write values on the job's row only while it is still Running, in autocommit.

    engine: where there is no app context (the output flusher's thread)."""
    with autocommit(engine) as connection:
        connection.execute(_WHILE_RUNNING.values(**values), {"job_id": job_id})


def _after_shutdown(job_id: int, job_type: str, output: JobOutput) -> dict[str, Any]:
    """A worker stopping mid-job: run it again if that is safe, else say what happened."""
    attempt = db.session.get(Job, job_id).attempt
    if rerun_safe(job_type) and attempt < MAX_ATTEMPTS:
        note = f"\n[{utcnow():%Y-%m-%d %H:%M:%S} UTC] The worker shut down; re-queued as attempt {attempt + 1}.\n"
        output.write(note)
        return requeue_values(attempt, "Re-queued after a worker shutdown.")
    output.write("\nThe worker shut down before this job finished.\n")
    return {"status": JobStatus.ERROR, "info": "Interrupted: the worker shut down before the job finished."}


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


def rerun_safe(job_type: str) -> bool:
    spec = JOB_TYPES.get(job_type)
    return bool(spec and spec.rerun_safe)


def describe_failure(exception: BaseException, time_limit_ms: int | None) -> str:
    """The Info column's one line: the exception's message, or the time limit that was hit."""
    if isinstance(exception, TimeLimitExceeded):
        return f"Timed out after {(time_limit_ms or 0) // 1000} s."
    text = str(exception).strip()
    name = type(exception).__name__
    if text and isinstance(exception, USER_FACING):
        return text  # a message written for the user (bad input); the traceback is in the output
    return f"{name}: {text}" if text and text != name else name
