"""The tracking middleware: the one place a job's status changes while it runs.

For every job message it pushes an app context, claims the job row (Queued ->
Running, atomically, so a message delivered twice runs once), captures the job's
output, and records the outcome (see ``outcomes``).
"""
from __future__ import annotations

import logging
import threading
import time
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from dramatiq import Middleware
from dramatiq.middleware import SkipMessage
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from actors import capture, locks, outcomes
from actors.registry import JOB_TYPES, JobType
from extensions import autocommit, db
from models import Job, JobStatus
from models.base import utcnow

if TYPE_CHECKING:
    from flask import Flask

logger = logging.getLogger(__name__)

_jobs = Job.__table__
# Built once (a Core statement, not the ORM's bulk UPDATE) and run in autocommit: the claim
# runs for every job, and building it and BEGIN/COMMIT cost more than the UPDATE itself.
_CLAIM = (
    update(_jobs)
    .where(_jobs.c.id == bindparam("job_id"), _jobs.c.status == JobStatus.QUEUED)
    .values(status=JobStatus.RUNNING, started_at=bindparam("now"), info=None,
            worker_id=bindparam("worker"), output_path=bindparam("path"))
    .returning(_jobs.c.output)  # one round trip: claimed or not, and what earlier attempts printed
)


class _Running:
    """What the middleware keeps for the job running on one thread."""

    def __init__(self, job_id: int, job_type: str, output: capture.JobOutput) -> None:
        self.job_id = job_id
        self.job_type = job_type
        self.output = output
        self.info: str | None = None
        self.last_checkpoint = time.monotonic()


class JobTracking(Middleware):
    def __init__(self, app: Flask, job_types: set[str]) -> None:
        self.app = app
        self.job_types = job_types
        self.worker_id: str | None = None
        self.local = threading.local()
        self._running_ids: set[int] = set()
        self._running_lock = threading.Lock()
        # Set by a stopping worker: running jobs end at their next checkpoint (actors.jobs.checkpoint).
        self.stopping = threading.Event()

    # -- hooks ---------------------------------------------------------------
    def before_process_message(self, broker, message) -> None:
        if message.actor_name not in self.job_types:
            return
        job_id = int(message.args[0])
        app_context = self.app.app_context()
        app_context.push()
        self.local.app_context = app_context
        job_type = JOB_TYPES.get(message.actor_name)
        earlier_output = self._claim(job_id, job_type)
        if earlier_output is None:
            if self._wait_for_blocker(job_id, job_type):
                raise SkipMessage(f"job {job_id} waits for another job")
            logger.info("Job %s is no longer queued; message %s ignored.", job_id, message.message_id)
            raise SkipMessage(f"job {job_id} is not queued")
        output = capture.JobOutput(
            path=output_path(self.app, job_id),
            cap=self.app.config["JOBS_OUTPUT_CAP"],
            hard_limit=self.app.config["JOBS_OUTPUT_HARD_LIMIT"],
            flush_seconds=self.app.config["JOBS_OUTPUT_FLUSH_SECONDS"],
            on_flush=partial(self._save_output, db.engine, job_id),
            earlier=earlier_output,
        )
        self.local.running = _Running(job_id, message.actor_name, output)
        with self._running_lock:
            self._running_ids.add(job_id)
        logger.info("Job %s (%s) started.", job_id, message.actor_name)
        capture.start(output)

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        running: _Running | None = getattr(self.local, "running", None)
        self.local.running = None
        try:
            if running is not None:
                capture.stop()
                time_limit_ms = broker.get_actor(message.actor_name).options.get("time_limit")
                outcomes.finish(
                    running.job_id, running.job_type, running.output, exception, running.info, time_limit_ms
                )
                with self._running_lock:
                    self._running_ids.discard(running.job_id)
                logger.info("Job %s (%s) ended%s.", running.job_id, running.job_type,
                            f" with {type(exception).__name__}" if exception else "")
        finally:
            self._pop_context()

    def after_skip_message(self, broker, message) -> None:
        self._pop_context()

    # -- for actors.jobs and the heartbeat ---------------------------------------
    def current(self) -> _Running | None:
        return getattr(self.local, "running", None)

    def running_job_ids(self) -> list[int]:
        with self._running_lock:
            return sorted(self._running_ids)

    # -- internals -------------------------------------------------------------
    def _pop_context(self) -> None:
        app_context = getattr(self.local, "app_context", None)
        self.local.app_context = None
        if app_context is not None:
            db.session.remove()
            app_context.pop()

    def _claim(self, job_id: int, job_type: JobType | None) -> str | None:
        """Queued -> Running in one conditional UPDATE; returns earlier attempts' output, or None."""
        values = {"job_id": job_id, "now": utcnow(), "worker": self.worker_id, "path": str(output_path(self.app, job_id))}
        if locks.is_guarded(job_type):  # the lock check and the claim share one locked transaction
            locks.serialize_guarded_claims()
            earlier = db.session.execute(_CLAIM.where(locks.way_is_clear(job_id, job_type)), values).first()
            db.session.commit()
        else:
            with autocommit() as connection:
                earlier = connection.execute(_CLAIM, values).first()
        return None if earlier is None else earlier.output or ""

    def _wait_for_blocker(self, job_id: int, job_type: JobType | None) -> bool:
        """If a running job blocks this one, say so on the row and look again in a while.

        The message comes back through the broker's delay queue: no worker thread waits.
        """
        if not locks.is_guarded(job_type):
            return False
        blocker = locks.first_blocker(job_id, job_type)
        if db.session.scalar(select(Job.status).where(Job.id == job_id)) != JobStatus.QUEUED:
            db.session.commit()
            return False
        if blocker:  # (none when it ended a moment ago: then just look again soon)
            waiting = (
                f"Waiting for job {blocker} on this record."
                if job_type.locks_record
                else f"Waiting for job {blocker} ({job_type.label}) to finish."
            )
            db.session.execute(update(Job).where(Job.id == job_id).values(info=waiting))
        db.session.commit()
        delay_ms = int(self.app.config["JOBS_WAIT_RETRY_SECONDS"] * 1000)
        self.app.extensions["archive_jobs"].actors[job_type.key].send_with_options(args=(job_id,), delay=delay_ms)
        return True

    @staticmethod
    def _save_output(engine, job_id: int, text: str, progress: tuple[int, int] | None) -> None:
        """Save output so far in its own short transaction, beside the actor's own work."""
        values: dict = {"output": text}
        if progress:
            values["progress_done"], values["progress_total"] = progress
        try:
            outcomes.update_while_running(job_id, values, engine)
        except SQLAlchemyError as error:  # the database is busy: the next flush carries it
            logger.warning("Could not save output of job %s yet: %s", job_id, error)


def output_path(app: Flask, job_id: int) -> Path:
    return Path(app.instance_path) / "job-output" / f"{job_id}.log"
