"""How a run ended, saved on its job's row: Completed, Canceled, Error, or Queued again after a
shutdown or a lost database connection. Part of ``lifecycle``, the one writer of a job's status.

The outcome is saved whatever happens: while the database is away, again and again up to a
deadline; when it refuses the outcome (a value it cannot store), in ever smaller shapes down to an
Error that says so. A job once stayed Running for ever, holding its locks and a worker thread,
because the output it printed could not be saved.
"""

from __future__ import annotations

import logging
import time
import traceback
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from dramatiq.middleware import Shutdown
from flask_babel import gettext as _
from sqlalchemy import ColumnElement
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from actors.engine import job_row
from actors.engine.context import BadInput, JobCanceled
from actors.engine.errors import describe_failure
from extensions import db
from models import JobStatus
from models.base import utcnow

if TYPE_CHECKING:
    from actors.engine.output.capture import JobOutput

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 2
# What is kept of a job's output when the whole of it was refused.
REDUCED_OUTPUT = 64 * 1024
# The database went away under a running job (a restart, the network): not the job's fault.
DATABASE_LOST = (OperationalError, InterfaceError)


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
    lost database connection; with the database away, for up to ``retry_seconds``."""
    with suppress(SQLAlchemyError):  # (a job that never used the session has nothing to roll back)
        if db.session.registry.has():
            db.session.rollback()  # whatever the actor left half-done is not ours to commit
    values = _outcome_values(attempt, rerun_safe, output, exception, info, time_limit_ms)
    if not _save_outcome(job_id, attempt, values, retry_seconds):  # (an ending: with its notice, job_row)
        logger.warning(
            "Job %s attempt %s ended as %s, but the job was settled meanwhile (reaper, kill or a later "
            "attempt): that outcome is not recorded.",
            job_id, attempt, values["status"].value,
        )  # fmt: skip


def _save_outcome(job_id: int, attempt: int, values: dict[str, Any], retry_seconds: float) -> bool:
    """Write the outcome; when the database refuses it (rather than being away), write it again
    reduced, then bare, then as an Error that says so: a job never stays Running, holding its
    locks, because what it printed could not be saved. Whether the row was still this attempt's."""
    deadline = time.monotonic() + retry_seconds
    refusal: SQLAlchemyError | None = None
    for shape in (_as_it_is, _reduced, _bare, _refused):
        try:
            return _write_until(deadline, job_id, attempt, shape(values, refusal))
        except DATABASE_LOST:
            raise  # away past the retries: the reaper settles the job once this worker stops listing it
        except SQLAlchemyError as error:
            logger.error("Job %s: the database refused its outcome (%s); saving less of it.", job_id, error)
            refusal = error
    assert refusal is not None
    raise refusal


def _as_it_is(values: dict[str, Any], _refusal: SQLAlchemyError | None) -> dict[str, Any]:
    return values


def _reduced(values: dict[str, Any], refusal: SQLAlchemyError | None) -> dict[str, Any]:
    """Without its progress, and only the end of its output, saying why."""
    kept = {name: value for name, value in values.items() if not name.startswith("progress_")}
    said = _("The output could not be saved whole (%(error)s); its last characters are kept above.",
             error=type(refusal).__name__)  # fmt: skip
    kept["output"] = f"{values.get('output', '')[-REDUCED_OUTPUT:]}\n[{said}]\n"
    return kept


def _bare(values: dict[str, Any], _refusal: SQLAlchemyError | None) -> dict[str, Any]:
    """Its status and message only (a re-queue keeps what makes it one)."""
    return {name: value for name, value in values.items() if name != "output" and not name.startswith("progress_")}


def _refused(_values: dict[str, Any], refusal: SQLAlchemyError | None) -> dict[str, Any]:
    return {
        "status": JobStatus.ERROR,
        "finished_at": utcnow(),
        "info": _(
            "The job ended, but the database refused to save its outcome (%(error)s).", error=type(refusal).__name__
        ),
    }


def _write_until(deadline: float, job_id: int, attempt: int, values: dict[str, Any]) -> bool:
    """The outcome written, again after growing pauses while the database is away (a restart of
    PostgreSQL leaves no job Running) until the deadline."""
    pause = 0.5
    while True:
        try:
            return job_row.update_while_running(job_id, attempt, values)
        except DATABASE_LOST as error:
            if time.monotonic() + pause > deadline:
                raise
            logger.warning("Job %s ended; its outcome cannot be saved yet (%s); trying again.", job_id, error)
            time.sleep(pause)
            pause = min(pause * 2, 10)


def _outcome_values(
    attempt: int,
    rerun_safe: bool,
    output: JobOutput,
    exception: BaseException | None,
    info: str | None,
    time_limit_ms: int | None,
) -> dict[str, Any]:
    """The values of the job's row once this run ended (the output closed, what it printed in them),
    its messages in the job's language (the middleware runs it in it)."""
    if exception is None:
        values: dict[str, Any] = {"status": JobStatus.COMPLETED, "info": info or _("Completed.")}
    elif isinstance(exception, JobCanceled):
        output.write(f"\n{exception}\n")
        values = {"status": JobStatus.CANCELED, "info": str(exception)}
    elif isinstance(exception, Shutdown):
        values = _interrupted(attempt, rerun_safe, output, database=False)
    elif isinstance(exception, DATABASE_LOST):
        values = _interrupted(attempt, rerun_safe, output, database=True)
    else:
        output.write(
            f"\n{exception}\n" if isinstance(exception, BadInput) else "".join(traceback.format_exception(exception))
        )
        values = {"status": JobStatus.ERROR, "info": describe_failure(exception, time_limit_ms)}
    output.close()
    values["output"] = output.text()
    if output.progress and values["status"] != JobStatus.QUEUED:
        values["progress_done"], values["progress_total"], _line, values["progress_unit"] = output.progress
    if values["status"] != JobStatus.QUEUED:
        values["finished_at"] = utcnow()
    values["info"] = values["info"][:1024]
    return values


def _interrupted(attempt: int, rerun_safe: bool, output: JobOutput, *, database: bool) -> dict[str, Any]:
    """Stopped mid-run by something outside the job (the worker's shutdown, the database lost):
    run it again if that is safe, else say what happened."""
    if rerun_safe and attempt < MAX_ATTEMPTS:
        if database:
            note = _("The database connection was lost; re-queued as attempt %(next)s.", next=attempt + 1)
            info = _("Re-queued after a database outage.")
        else:
            note = _("The worker shut down; re-queued as attempt %(next)s.", next=attempt + 1)
            info = _("Re-queued after a worker shutdown.")
        output.write(f"\n[{utcnow():%Y-%m-%d %H:%M:%S} UTC] {note}\n")
        return requeue_values(attempt, info)
    if database:
        output.write("\n" + _("The database connection was lost before this job finished.") + "\n")
        info = _("Interrupted: the database connection was lost before the job finished.")
    else:
        output.write("\n" + _("The worker shut down before this job finished.") + "\n")
        info = _("Interrupted: the worker shut down before the job finished.")
    return {"status": JobStatus.ERROR, "info": info}


def requeue_values(attempt: int, info: str | ColumnElement[str]) -> dict[str, Any]:
    """Back to Queued as the next attempt; the dispatcher sends it again."""
    return {
        "status": JobStatus.QUEUED,
        "attempt": attempt + 1,
        "info": info,
        "sent_at": None,
        "started_at": None,
        "worker_id": None,
    }
