"""The tracking middleware: around every job message, an app context, the claim, the
captured output, the current job, and the recorded outcome (all status changes go
through ``lifecycle``)."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping
from contextlib import ExitStack
from contextvars import Token
from functools import partial
from typing import TYPE_CHECKING, Any

from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.middleware import SkipMessage
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from actors.engine import context, job_row, lifecycle, locks
from actors.engine.output import capture
from extensions import db

if TYPE_CHECKING:
    from flask import Flask
    from flask.ctx import AppContext

    from actors.registry import JobType

logger = logging.getLogger(__name__)


class _ThreadState(threading.local):
    """What the middleware keeps between a message's before and after hooks on one thread."""

    app_context: AppContext | None = None
    language: ExitStack | None = None  # the job's language, as long as its app context
    running: context.RunningJob | None = None
    token: Token[context.RunningJob | None] | None = None


class JobTracking(Middleware):
    def __init__(self, app: Flask, job_types: Mapping[str, JobType]) -> None:
        self.app = app
        self.job_types = job_types
        self.locking_types = [key for key, spec in job_types.items() if spec.locks_record]
        self.worker_id: str | None = None
        self.local = _ThreadState()
        self._running_ids: set[int] = set()
        self._running_lock = threading.Lock()
        # Set by a stopping worker: running jobs end at their next checkpoint (context.checkpoint).
        self.stopping = threading.Event()
        self._output_dir = os.path.join(app.instance_path, "job-output")  # (str: pathlib cost more than the rest)
        self._engine: Engine | None = None  # the app's, for the flusher's thread
        config = app.config
        self._output_options = {
            "cap": config["JOBS_OUTPUT_CAP"],
            "hard_limit": config["JOBS_OUTPUT_HARD_LIMIT"],
            "flush_seconds": config["JOBS_OUTPUT_FLUSH_SECONDS"],
        }

    # -- hooks ---------------------------------------------------------------
    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        job_type = self.job_types.get(message.actor_name)
        if job_type is None:
            return
        job_id = int(message.args[0])
        app_context = self.app.app_context()
        app_context.push()
        self.local.app_context = app_context
        path = os.path.join(self._output_dir, f"{job_id}.log")
        delay_ms = int(self.app.config["JOBS_WAIT_RETRY_SECONDS"] * 1000)
        try:
            claimed = lifecycle.claim(job_id, job_type, self.worker_id, path, self.locking_types)
            waits = claimed is None and locks.is_guarded(job_type)
            waits = waits and lifecycle.wait_for_blocker(job_id, job_type, self.locking_types)
        except SQLAlchemyError as error:  # the job stays Queued: its message must not be lost with it
            logger.warning("Job %s could not be claimed (%s); its message is sent again.", job_id, error)
            claimed, waits = None, True
        if waits:
            broker.get_actor(message.actor_name).send_with_options(args=(job_id,), delay=delay_ms)
            raise SkipMessage(f"job {job_id} waits for another job or the database")
        if claimed is None:
            logger.info("Job %s is no longer queued; message %s ignored.", job_id, message.message_id)
            raise SkipMessage(f"job {job_id} is not queued")
        if self._engine is None:
            self._engine = db.engine
        # Its Info, output and errors in the language of the user who launched it, to its outcome.
        self.local.language = ExitStack()
        self.local.language.enter_context(lifecycle.speaking(claimed.locale))
        output = capture.JobOutput(
            path=path,
            on_flush=partial(_save_output, self._engine, job_id, claimed.attempt),
            earlier=claimed.earlier_output,
            **self._output_options,
        )
        running = context.RunningJob(job_id, message.actor_name, output, self.stopping, attempt=claimed.attempt)
        self.local.running, self.local.token = running, context.enter(running)
        with self._running_lock:
            self._running_ids.add(job_id)
        # DEBUG, as a completed job's "ended": at INFO the two lines cost a fifth of the tracking (and
        # this one landed in the job's own output too, but for the first job of a process).
        logger.debug("Job %s (%s) started.", job_id, message.actor_name)
        capture.start()

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        running, token = self.local.running, self.local.token
        self.local.running = self.local.token = None
        try:
            if running is not None and token is not None:
                context.leave(token)
                output: capture.JobOutput = running.output  # type: ignore[assignment]
                time_limit_ms = broker.get_actor(message.actor_name).options.get("time_limit")
                job_type = self.job_types.get(running.job_type)
                try:
                    lifecycle.finish(
                        running.job_id,
                        running.attempt,
                        bool(job_type and job_type.rerun_safe),
                        output,
                        exception,
                        running.info,
                        time_limit_ms,
                        retry_seconds=self.app.config["WORKER_DB_RETRY_SECONDS"],
                    )
                finally:  # even unsaved, it no longer runs here: the reaper settles a job no worker lists
                    with self._running_lock:
                        self._running_ids.discard(running.job_id)
                if exception is None:  # (DEBUG: a line per completed job cost a tenth of the tracking)
                    logger.debug("Job %s (%s) ended.", running.job_id, running.job_type)
                else:
                    logger.info(
                        "Job %s (%s) ended with %s.", running.job_id, running.job_type, type(exception).__name__
                    )
        finally:
            self._pop_context()

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        self._pop_context()

    # -- for the heartbeat -------------------------------------------------------
    def running_job_ids(self) -> list[int]:
        with self._running_lock:
            return sorted(self._running_ids)

    def _pop_context(self) -> None:
        app_context, self.local.app_context = self.local.app_context, None
        language, self.local.language = self.local.language, None
        if language is not None:
            language.close()
        if app_context is not None:
            db.session.remove()
            app_context.pop()


def _save_output(
    engine: Engine, job_id: int, attempt: int, text: str, progress: tuple[int, int, str, str] | None
) -> None:
    """Save output so far in its own short transaction, beside the actor's own work; while it
    runs, the job's Info is its latest progress line ("Rendering 120 of 300 descriptions...")."""
    values: dict[str, Any] = {"output": text}
    if progress:
        values["progress_done"], values["progress_total"], line, values["progress_unit"] = progress
        if line:
            values["info"] = line.strip()[:1024]
    try:
        job_row.update_while_running(job_id, attempt, values, engine)
    except SQLAlchemyError as error:  # the database is busy: the next flush carries it
        logger.warning("Could not save output of job %s yet: %s", job_id, error)
