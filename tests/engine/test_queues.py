"""Queues per job type: a worker started for some queues (`--queues`, WORKER_QUEUES) runs only
their jobs; the others wait, Queued, for a worker that serves their queue."""

from __future__ import annotations

import threading

import pytest

from actors.engine.launching import launch
from actors.engine.worker.process import run_worker
from actors.registry import JobType
from models import Job, JobStatus
from tests.helpers import wait_for


def echo(job_id: int) -> None:
    print(f"job {job_id} ran")


@pytest.fixture
def extra_job_types() -> dict[str, JobType]:
    return {
        "echo": JobType(key="echo", label="Echo", perform=echo, run_concurrently=True),
        "slow_echo": JobType(key="slow_echo", label="Slow echo", perform=echo, run_concurrently=True, queue="slow"),
    }


def status_of(db, job_id: int) -> JobStatus:
    db.session.expire_all()
    return db.session.get(Job, job_id).status


def serve_queues(app, queues: list[str]) -> tuple[threading.Thread, threading.Event]:
    """The real worker loop (as one `flask jobs worker` process runs it) for these queues."""
    app.config["WORKER_QUEUES"] = queues
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(app, 1, stop), daemon=True)
    thread.start()
    return thread, stop


def test_a_worker_for_some_queues_leaves_the_others_queued(app, db):
    slow, _ = launch("slow_echo")
    usual, _ = launch("echo")
    thread, stop = serve_queues(app, ["jobs"])
    wait_for(lambda: status_of(db, usual.id) == JobStatus.COMPLETED, timeout=30)
    assert status_of(db, slow.id) == JobStatus.QUEUED  # sent before the usual job, never taken
    stop.set()
    thread.join(timeout=30)

    thread, stop = serve_queues(app, ["slow"])
    wait_for(lambda: status_of(db, slow.id) == JobStatus.COMPLETED, timeout=30)
    stop.set()
    thread.join(timeout=30)
