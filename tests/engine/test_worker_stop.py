"""A worker that stops or recycles: running jobs finish, new ones wait in the queue, and
nothing a stop interrupts is left half-recorded (Running for ever, then "worker lost")."""

from __future__ import annotations

import threading
import time

import dramatiq
import pytest

from actors.engine import lifecycle
from actors.engine.context import report_progress
from actors.engine.launching import launch
from actors.engine.runtime import runtime
from actors.engine.worker.process import drain
from actors.registry import JobType
from models import Job, JobStatus
from tests.helpers import wait_for

release = threading.Event()


def held(job_id: int) -> None:
    print(f"job {job_id} holds")
    assert release.wait(timeout=20), "the test never released the job"


def quick(job_id: int) -> None:
    print(f"job {job_id} ran")


def endless(job_id: int) -> None:
    """Long work that reports progress (a checkpoint) as it goes."""
    step = 0
    while True:
        step += 1
        report_progress(step, 10**9, f"step {step}")
        time.sleep(0.01)


@pytest.fixture
def extra_job_types() -> dict[str, JobType]:
    release.clear()
    return {
        "held": JobType(key="held", label="Held job", perform=held, run_concurrently=True),
        "quick": JobType(key="quick", label="Quick job", perform=quick, run_concurrently=True),
        "endless": JobType(key="endless", label="Endless job", perform=endless, run_concurrently=True),
    }


@pytest.fixture
def one_thread(broker):
    broker.emit_after("process_boot")
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=50)
    worker.start()
    yield worker
    release.set()
    worker.stop()


def status_of(db, job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_a_draining_worker_finishes_the_running_job_and_starts_no_other(db, one_thread):
    running, _ = launch("held")
    wait_for(lambda: status_of(db, running.id).status == JobStatus.RUNNING, timeout=30)
    waiting, _ = launch("quick")
    threading.Timer(0.3, release.set).start()
    drain(one_thread, grace_seconds=30, stopping=runtime().tracking.stopping)
    one_thread.stop()
    assert status_of(db, running.id).status == JobStatus.COMPLETED
    assert status_of(db, waiting.id).status == JobStatus.QUEUED  # back in the queue, for the next worker


def test_after_the_grace_period_a_running_job_ends_at_its_next_checkpoint(db, one_thread):
    """Not by an exception raised into whatever it is doing: it is settled before the worker stops."""
    job, _ = launch("endless")
    wait_for(lambda: "step 3" in (status_of(db, job.id).output or ""), timeout=30)
    # The last half of the grace (0.5 s) is for the job to reach a checkpoint and be settled:
    # ample even on a busy machine (0.1 s was not, with the tests on every core).
    drain(one_thread, grace_seconds=1.0, stopping=runtime().tracking.stopping)
    job = status_of(db, job.id)
    assert job.status == JobStatus.ERROR
    assert job.finished_at is not None
    assert job.info == "Interrupted: the worker shut down before the job finished."
    assert "The worker shut down before this job finished." in job.output


def test_a_recycling_worker_lets_a_long_job_finish(db, one_thread):
    """Its replacement already consumes: no grace deadline, unless a SIGTERM comes."""
    running, _ = launch("held")
    wait_for(lambda: status_of(db, running.id).status == JobStatus.RUNNING, timeout=30)
    threading.Timer(1.0, release.set).start()  # well past the grace period
    drain(one_thread, grace_seconds=0.1, stopping=runtime().tracking.stopping, hurry=threading.Event())
    assert status_of(db, running.id).status == JobStatus.COMPLETED


def test_a_sigterm_while_recycling_stops_the_long_job_at_its_checkpoint(db, one_thread):
    job, _ = launch("endless")
    wait_for(lambda: "step 3" in (status_of(db, job.id).output or ""), timeout=30)
    sigterm = threading.Event()
    threading.Timer(0.5, sigterm.set).start()
    drain(one_thread, grace_seconds=1.0, stopping=runtime().tracking.stopping, hurry=sigterm)
    assert status_of(db, job.id).status == JobStatus.ERROR


def test_a_stop_during_the_outcome_never_leaves_the_job_running(db, one_thread, monkeypatch):
    """Dramatiq's stop raises Shutdown into threads it thinks run a job: not into our bookkeeping."""
    in_finish, finish = threading.Event(), lifecycle.finish

    def slow_finish(*args, **kwargs) -> None:
        in_finish.set()
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:  # Python bytecode: where an asynchronous exception lands
            time.sleep(0.01)
        finish(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "finish", slow_finish)
    job, _ = launch("quick")
    assert in_finish.wait(timeout=30)
    one_thread.stop()  # notifies shutdown while the outcome is being written
    assert status_of(db, job.id).status == JobStatus.COMPLETED


@pytest.mark.app_config(JOBS_OUTPUT_FLUSH_SECONDS=0.05)
def test_a_running_jobs_info_is_its_latest_progress_line_and_its_end_says_where_it_stopped(db, one_thread, as_user):
    job, _ = launch("endless")
    line = wait_for(lambda: (info := status_of(db, job.id).info or "").startswith("step ") and info, timeout=30)
    assert status_of(db, job.id).progress_done >= int(line.split()[1])  # the line of the same moment, or earlier
    page = as_user("admin").get("/jobs/")
    assert "step " in page.html.find("tr", id=f"job-{job.id}").get_text(" ", strip=True)
    lifecycle.cancel([job.id], "admin")
    ended = wait_for(lambda: (j := status_of(db, job.id)).status == JobStatus.CANCELED and j, timeout=30)
    assert ended.info == "Canceled by admin."  # the outcome replaces the progress line
    row = as_user("admin").get("/jobs/").html.find("tr", id=f"job-{job.id}").get_text(" ", strip=True)
    assert f"Stopped at {ended.progress_done:,} of {ended.progress_total:,} descriptions." in row
