"""Every change of a job's status, in one place: queue, claim, wait, finish, re-queue, cancel,
kill, settle a lost job, delete.

Each change is one conditional UPDATE on a row still in the status it expects, so an
administrator's kill or a reaper's verdict written meanwhile is never overwritten. Web
views, the CLI, the middleware and the reaper call these; nothing else writes ``jobs.status``.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnDefault, ColumnElement, Select, bindparam, case, insert, literal, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql import Executable

from actors.engine import job_row, locks, notices
from actors.engine.driver import FastStatement, direct_autocommit
from actors.engine.lifecycle.outcome import MAX_ATTEMPTS, requeue_values
from actors.engine.lifecycle.outcome import finish as finish  # (callers say lifecycle.finish)
from extensions import db
from models import Job, JobStatus
from models.base import utcnow

if TYPE_CHECKING:
    from actors.registry import JobType

logger = logging.getLogger(__name__)

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
        alive_at=bindparam("now"),
        info=None,
        worker_id=bindparam("worker"),
        output_path=bindparam("path"),
    )
    # One round trip: claimed or not, what earlier attempts printed, which attempt this is, its language.
    .returning(_jobs.c.output, _jobs.c.attempt, _jobs.c.locale)
)
_FAST_CLAIM = FastStatement(_CLAIM)


@lru_cache(maxsize=16)
def _insert(columns: tuple[str, ...]) -> FastStatement:
    """INSERT of a job row with these columns given, the others' Python-side defaults as
    literals (what a Connection would fill in), RETURNING the id."""
    given = {name: bindparam(name, type_=_jobs.c[name].type) for name in columns}
    defaults = {
        column.name: column.default.arg
        for column in _jobs.columns
        if column.name not in given and isinstance(column.default, ColumnDefault) and column.default.is_scalar
    }
    return FastStatement(insert(_jobs).values({**defaults, **given}).returning(_jobs.c.id))


def queue(values: dict[str, Any]) -> Job:
    """Insert a Queued job row, committed at once; returns it, added to the session as
    written (not read back: the rest loads on first use)."""
    values = job_row.storable_values({**values, "status": JobStatus.QUEUED})
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
    attempt: int  # what every later write of this run is fenced by (see job_row.update_while_running)
    earlier_output: str  # what earlier attempts printed
    locale: str | None = None  # the language its messages are written in (None: the site's)


@contextmanager
def speaking(locale: str | None) -> Iterator[None]:
    """gettext in a job's language: the launching user's (None, from before jobs kept one: the site's)."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def in_each_language(message: Callable[[], str]) -> ColumnElement[str]:
    """A message for a set-based UPDATE, in each row's own language: one statement still writes
    jobs launched in several languages (a bulk cancel), each saying it in its launcher's."""
    said = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            said[language] = message()
    default = said[current_app.config["BABEL_DEFAULT_LOCALE"]]
    return case(said, value=Job.locale, else_=literal(default))


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
    return (
        None if earlier is None else Claim(attempt=earlier[1] or 1, earlier_output=earlier[0] or "", locale=earlier[2])
    )


def wait_for_blocker(job_id: int, job_type: JobType, locking_types: list[str]) -> bool:
    """A guarded job that could not be claimed: if it is still queued, say on its row which
    job it waits for and return True (the caller sends it again later)."""
    blocker = locks.first_blocker(job_id, job_type, locking_types)
    status, locale = db.session.execute(select(Job.status, Job.locale).where(Job.id == job_id)).one()
    if status != JobStatus.QUEUED:
        db.session.commit()
        return False
    if blocker:  # (none when it ended a moment ago: then just look again soon)
        with speaking(locale):
            waiting = (
                _("Waiting for job %(job)s on this record.", job=blocker)
                if job_type.locks_record
                else _("Waiting for job %(job)s (%(type)s) to finish.", job=blocker, type=job_type.label)
            )
        db.session.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED).values(info=waiting))
    db.session.commit()
    return True


def settle_lost(job_id: int, rerun_safe: bool, attempt: int, now: datetime, stalled: bool = False) -> str | None:
    """A running job whose worker died (or, stalled, whose worker no longer says it runs it):
    re-queued once if safe to run again, else Error. Returns "requeued", "failed", or None
    when it finished meanwhile. The caller commits."""
    stamp = f"{now:%Y-%m-%d %H:%M:%S} UTC"
    requeued = rerun_safe and attempt < MAX_ATTEMPTS
    info = in_each_language(lambda: _lost(stalled, requeued, stamp, attempt)[0])
    note = in_each_language(lambda: _lost(stalled, requeued, stamp, attempt)[1])
    if requeued:
        values = requeue_values(attempt, info)
    else:
        values = {"status": JobStatus.ERROR, "finished_at": now, "info": info}
    settled = _changed(
        update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(output=Job.output + note, **values)
    )
    if settled:
        notices.ended(Job.id == job_id)
    return ("requeued" if requeued else "failed") if settled else None


def _lost(stalled: bool, requeued: bool, stamp: str, attempt: int) -> tuple[str, str]:
    """A lost job's Info and the line its output ends with, in the current language."""
    if requeued and stalled:
        info = _("Re-queued after its worker no longer runs it.")
        note = _("Stalled; re-queued as attempt %(next)s.", next=attempt + 1)
    elif requeued:
        info = _("Re-queued after its worker was lost.")
        note = _("Worker lost; re-queued as attempt %(next)s.", next=attempt + 1)
    elif stalled:
        info = _("Stalled at %(time)s.", time=stamp)
        note = _("Stalled: its worker is alive but no longer runs this job.")
    else:
        info = _("Worker lost at %(time)s.", time=stamp)
        note = _("Worker lost: the worker running this job stopped before it finished.")
    return info, f"\n[{stamp}] {note}\n"


def cancel(job_ids: Select | list[int], username: str) -> tuple[int, int]:
    """Queued jobs -> Canceled now (they never run); running ones get a cancel request and stop
    at their next checkpoint. Set-based for one job or a bulk selection. Commits; returns
    (canceled, requested)."""
    ids = job_ids if isinstance(job_ids, Select) else list(job_ids)
    now = utcnow()
    canceled = _changed(
        update(Job)
        .where(Job.id.in_(ids), Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.CANCELED,
            finished_at=now,
            info=in_each_language(lambda: _("Canceled by %(user)s.", user=username)),
            canceled_by=username,
        )
        .execution_options(synchronize_session=False)
    )
    if canceled:  # (its owner's notice, unless the owner canceled it)
        notices.ended(Job.id.in_(ids), Job.status == JobStatus.CANCELED, Job.finished_at == now)
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
        .values(
            status=JobStatus.ERROR, finished_at=utcnow(), info=in_each_language(lambda: _("Killed by administrator."))
        )
    )
    if killed:
        notices.ended(Job.id == job_id)
    db.session.commit()
    return bool(killed)


def _changed(statement: Executable) -> int:
    """Run a conditional UPDATE in the session's transaction; how many rows it changed."""
    return typing.cast("CursorResult[Any]", db.session.execute(statement)).rowcount
