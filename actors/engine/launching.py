"""Launching jobs: the row first (Queued, committed), the message after; the outbox sends
what the broker could not take."""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context
from flask_babel import get_locale
from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.exc import IntegrityError

from actors.engine import lifecycle
from actors.engine.driver import FastStatement, direct_autocommit
from actors.engine.runtime import runtime
from extensions import autocommit, db
from models import ArchivalDescription, Job, JobStatus, Schedule, User
from models.base import utcnow

logger = logging.getLogger(__name__)


class LaunchConflict(Exception):
    """The database refused the job row: a rule such as "one Undo of a job at a time" (a unique
    index) holds against a launch made at the same moment. Nothing was launched."""


_jobs = Job.__table__
_MARK_SENT = FastStatement(update(_jobs).where(_jobs.c.id == bindparam("job_id")).values(sent_at=bindparam("now")))
# A launch's mark, in batches: still unsent (the dispatcher may have been quicker), still the
# first attempt (a worker that stopped meanwhile re-queued it as the next one, to send again).
_MARK_LAUNCHED_SENT = (
    update(_jobs)
    .where(_jobs.c.id.in_(bindparam("ids", expanding=True)), _jobs.c.sent_at.is_(None), _jobs.c.attempt == 1)
    .values(sent_at=bindparam("now"))
)


def launch(
    type_key: str,
    *,
    user: User | None = None,
    description: ArchivalDescription | None = None,
    parameters: dict[str, Any] | None = None,
    retry_of_id: int | None = None,
    undo_of_id: int | None = None,
    locale: str | None = None,
    schedule_id: int | None = None,
) -> tuple[Job, bool]:
    """Create the job row (Queued), commit, then send its message (``sent_at`` is written
    moments later, in a batch: ``_SentMarks``).

    Returns the job and whether the message reached the broker. When it did not, the
    job stays Queued with no ``sent_at`` and a dispatcher sends it later: nothing is lost.
    Its messages are written in ``locale``, by default the language the launching user reads.
    """
    if type_key not in runtime().actors:
        raise KeyError(f"Unknown job type {type_key!r}")
    values = {
        "type": type_key,
        "user_id": user.id if user else None,
        "description_id": description.id if description else None,
        "parameters": parameters or {},
        "retry_of_id": retry_of_id,
        "undo_of_id": undo_of_id,
        "created_at": utcnow(),
        "locale": locale or launching_language(user),
        "schedule_id": schedule_id,
    }
    db.session.commit()  # what the caller changed first: the job may refer to it
    try:
        job = lifecycle.queue(values)
    except IntegrityError as error:
        raise LaunchConflict(str(error.orig)) from error
    if not _send_message(job.id, type_key):
        return job, False
    _sent_marks.add(db.engine, job.id)
    return job, True


def retry(job: Job, user: User | None) -> tuple[Job, bool]:
    """A new job with the original's type, record and parameters, linked to it (Retry)."""
    return launch(
        job.type,
        user=user,
        description=job.description,
        parameters=dict(job.parameters),
        retry_of_id=job.id,
        undo_of_id=job.undo_of_id,  # a retried Undo undoes the same job
        # It speaks as the job it runs again (one from before jobs kept a language: the site's).
        locale=job.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
    )


def launch_scheduled(schedule: Schedule, now: datetime) -> tuple[Job, bool]:
    """A schedule's job, as its owner launching its form would (``flask schedules run``, Run now,
    and the worker's tick when it is due); its last run is ``now``, committed with the job."""
    schedule.last_run_at = now
    return launch(
        schedule.type,
        user=schedule.user,
        description=schedule.description,
        parameters=dict(schedule.parameters),
        schedule_id=schedule.id,
    )


def launching_language(user: User | None) -> str:
    """The language the launching user reads: the page's in a request (their choice, else their
    browser's), else (the CLI) their saved one, else the site's."""
    if has_request_context():
        return str(get_locale())
    languages = current_app.config["LANGUAGES"]
    if user is not None and user.locale in languages:
        return str(user.locale)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def send(job_id: int, type_key: str) -> bool:
    """Send the message for a committed, queued job and record that it was sent (the
    dispatcher's; a launch's mark is written in a batch: ``_SentMarks``)."""
    if not _send_message(job_id, type_key):
        return False
    with direct_autocommit() as connection:
        connection.run(_MARK_SENT, {"job_id": job_id, "now": utcnow()})
    return True


def _send_message(job_id: int, type_key: str) -> bool:
    try:
        runtime().actors[type_key].send(job_id)
    except Exception as error:  # broker unreachable: the dispatcher will send it later
        logger.warning("Job %s saved but not sent: %s", job_id, error)
        return False
    return True


class _SentMarks:
    """Marks launched jobs sent in batches, on a thread of the process's own: the launching
    request does not wait for that write, and one UPDATE marks every job launched meanwhile
    (on PostgreSQL a write per launch cost a fifth of a tracked job's CPU, mostly the
    database's). Usually within milliseconds, well inside the dispatcher's grace period.

    A mark that comes too late, or never (the process died first, or the database refused
    it), only makes the dispatcher send the job again: a job's second message is skipped by
    the conditional claim (or runs it, and the first one is skipped), so it runs once."""

    BATCH = 500

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # (a lock held by a thread that is not there)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)
        self._pending = 0
        self._pid = -1
        self._queue: queue.SimpleQueue[tuple[Engine, int]] = queue.SimpleQueue()

    def add(self, engine: Engine, job_id: int) -> None:
        with self._lock:
            if self._pid != os.getpid():  # first use (in this process: a forked child starts again)
                self._pid = os.getpid()
                threading.Thread(target=self._run, args=(self._queue,), name="job-sent-marks", daemon=True).start()
            self._pending += 1
            self._queue.put((engine, job_id))

    def flush(self, timeout: float = 5) -> bool:
        """Wait until every mark so far is written (at exit; tests). False if it timed out."""
        with self._done:
            return self._done.wait_for(lambda: self._pending == 0, timeout)

    def _run(self, marks: queue.SimpleQueue[tuple[Engine, int]]) -> None:
        while True:
            batch = [marks.get()]
            while len(batch) < self.BATCH:
                try:
                    batch.append(marks.get_nowait())
                except queue.Empty:
                    break
            by_engine: dict[Engine, list[int]] = {}
            for engine, job_id in batch:
                by_engine.setdefault(engine, []).append(job_id)
            for engine, ids in by_engine.items():
                try:
                    with autocommit(engine) as connection:
                        connection.execute(_MARK_LAUNCHED_SENT, {"ids": ids, "now": utcnow()})
                except Exception as error:  # the dispatcher sends them again: each still runs once
                    logger.warning("Could not mark %d launched job(s) sent: %s", len(ids), error)
            with self._done:
                if marks is self._queue:  # (not a parent's, after a fork)
                    self._pending -= len(batch)
                self._done.notify_all()


_sent_marks = _SentMarks()
atexit.register(_sent_marks.flush)


def dispatch_unsent(grace_seconds: float = 5, limit: int = 500) -> int:
    """Send queued jobs whose message never reached the broker (the outbox). Returns how many.

    The grace period leaves alone jobs whose launching request is still sending them, or
    whose mark sent is still on its way.
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
