"""The tracking middleware: the one place a job's status changes while it runs.

For every job message it pushes an app context, claims the job row (Queued ->
Running, atomically, so a message delivered twice runs once), captures the job's
output, and records the outcome: Completed, or Error with the exception.
"""
from __future__ import annotations

import logging
import threading
from functools import partial
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from dramatiq import Middleware
from dramatiq.middleware import SkipMessage, TimeLimitExceeded
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from actors import capture
from extensions import db
from models import Job, JobStatus
from models.base import utcnow

if TYPE_CHECKING:
    from flask import Flask

logger = logging.getLogger(__name__)


class _Running:
    """What the middleware keeps for the job running on one thread."""

    def __init__(self, job_id: int, app_context, output: capture.JobOutput) -> None:
        self.job_id = job_id
        self.app_context = app_context
        self.output = output
        self.info: str | None = None


class JobTracking(Middleware):
    def __init__(self, app: Flask, job_types: set[str]) -> None:
        self.app = app
        self.job_types = job_types
        self.worker_id: str | None = None
        self.local = threading.local()

    # -- hooks ---------------------------------------------------------------
    def before_process_message(self, broker, message) -> None:
        if message.actor_name not in self.job_types:
            return
        job_id = int(message.args[0])
        app_context = self.app.app_context()
        app_context.push()
        self.local.pending_context = app_context
        if not self._claim(job_id):
            logger.info("Job %s is no longer queued; message %s ignored.", job_id, message.message_id)
            raise SkipMessage(f"job {job_id} is not queued")
        output = capture.JobOutput(
            path=output_path(self.app, job_id),
            cap=self.app.config["JOBS_OUTPUT_CAP"],
            hard_limit=self.app.config["JOBS_OUTPUT_HARD_LIMIT"],
            flush_seconds=self.app.config["JOBS_OUTPUT_FLUSH_SECONDS"],
            on_flush=partial(self._save_output, db.engine, job_id),
        )
        self.local.running = _Running(job_id, app_context, output)
        capture.start(output)

    def after_process_message(self, broker, message, *, result=None, exception=None) -> None:
        running: _Running | None = getattr(self.local, "running", None)
        self.local.running = None
        try:
            if running is not None:
                capture.stop()
                time_limit_ms = broker.get_actor(message.actor_name).options.get("time_limit")
                self._finish(running, exception, time_limit_ms)
        finally:
            self._pop_context()

    def after_skip_message(self, broker, message) -> None:
        self._pop_context()

    # -- helpers used by actors through actors.progress ------------------------
    def current(self) -> _Running | None:
        return getattr(self.local, "running", None)

    # -- internals -------------------------------------------------------------
    def _pop_context(self) -> None:
        app_context = getattr(self.local, "pending_context", None)
        self.local.pending_context = None
        if app_context is not None:
            db.session.remove()
            app_context.pop()

    def _claim(self, job_id: int) -> bool:
        claimed = db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(
                status=JobStatus.RUNNING,
                started_at=utcnow(),
                worker_id=self.worker_id,
                output_path=str(output_path(self.app, job_id)),
            )
        ).rowcount
        db.session.commit()
        return claimed == 1

    @staticmethod
    def _save_output(engine, job_id: int, text: str, progress: tuple[int, int] | None) -> None:
        """Save output so far in its own short transaction, beside the actor's own work."""
        values: dict = {"output": text}
        if progress:
            values["progress_done"], values["progress_total"] = progress
        try:
            with engine.begin() as connection:
                connection.execute(
                    update(Job).where(Job.id == job_id, Job.status == JobStatus.RUNNING).values(**values)
                )
        except SQLAlchemyError as error:  # the database is busy: the next flush carries it
            logger.warning("Could not save output of job %s yet: %s", job_id, error)

    def _finish(self, running: _Running, exception: BaseException | None, time_limit_ms: int | None) -> None:
        output = running.output
        if exception is None:
            status, info = JobStatus.COMPLETED, running.info or "Completed."
        else:
            status, info = JobStatus.ERROR, describe_failure(exception, time_limit_ms)
            output.write("".join(traceback.format_exception(exception)))
        output.close()
        db.session.rollback()  # whatever the actor left half-done is not ours to commit
        values: dict = {"status": status, "finished_at": utcnow(), "info": info[:1024], "output": output.text()}
        if output.progress:
            values["progress_done"], values["progress_total"] = output.progress
        db.session.execute(
            update(Job).where(Job.id == running.job_id, Job.status == JobStatus.RUNNING).values(**values)
        )
        db.session.commit()


def describe_failure(exception: BaseException, time_limit_ms: int | None) -> str:
    """The Info column's one line: the exception's message, or the time limit that was hit."""
    if isinstance(exception, TimeLimitExceeded):
        return f"Timed out after {(time_limit_ms or 0) // 1000} s."
    text = str(exception).strip() or type(exception).__name__
    return f"{type(exception).__name__}: {text}" if text != type(exception).__name__ else text


def output_path(app: Flask, job_id: int) -> Path:
    return Path(app.instance_path) / "job-output" / f"{job_id}.log"
