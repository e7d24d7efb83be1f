"""This app's Dramatiq broker, tracking middleware and one actor per job type."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import dramatiq
from dramatiq import Actor, Broker
from dramatiq.middleware import TimeLimit
from flask import Flask, current_app

from actors.engine import mail, notices
from actors.engine.broker import make_broker, queue_name
from actors.engine.middleware import JobTracking
from actors.registry import JOB_TYPES, JobType, load_plugins

logger = logging.getLogger(__name__)


@dataclass
class JobsRuntime:
    broker: Broker
    tracking: JobTracking
    actors: dict[str, Actor]
    job_types: dict[str, JobType]
    notice_mail: Actor  # sends a notice's e-mail (actors.engine.mail)


def init_app(app: Flask) -> None:
    """Build this app's broker and declare one actor per job type on it."""
    load_plugins()
    broker = make_broker(app)
    tracking = JobTracking(app, JOB_TYPES)
    # Before TimeLimit and ShutdownNotifications: they raise into a thread only between their
    # own before and after hooks, so a time limit or a stopping worker interrupts the job,
    # never the claim or the writing of its outcome (which would leave it Running).
    broker.add_middleware(tracking, before=TimeLimit)
    dramatiq.set_broker(broker)  # nothing may fall back to Dramatiq's default broker
    actors = {
        job_type.key: _declare(broker, job_type, queue_name(app, job_type.queue)) for job_type in JOB_TYPES.values()
    }
    notices.init_app(app)
    app.extensions["archive_jobs"] = JobsRuntime(broker, tracking, actors, JOB_TYPES, mail.declare_actor(app, broker))


def _declare(broker: Broker, job_type: JobType, queue: str) -> Actor:
    declare = dramatiq.actor(
        actor_name=job_type.key,
        queue_name=queue,
        broker=broker,
        time_limit=job_type.time_limit_seconds * 1000,
        notify_shutdown=True,  # a stopping worker interrupts the job; outcomes re-queue or fail it
    )
    return declare(job_type.perform)


def runtime(app: Flask | None = None) -> JobsRuntime:
    """The jobs runtime of ``app`` (default: the current app)."""
    return (app or current_app).extensions["archive_jobs"]
