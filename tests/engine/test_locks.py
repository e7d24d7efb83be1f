"""Per-record locks and one-at-a-time job types: the second job waits, Queued, and says why."""

from __future__ import annotations

import threading
import time

import pytest

from actors.engine.launching import launch
from actors.registry import JobType
from commands.demo_data import insert_demo_fonds
from models import ArchivalDescription, Job, JobStatus
from tests.helpers import wait_for

gates: dict[int, threading.Event] = {}
runs: dict[int, tuple[float, float]] = {}  # when each job's body really ran


def held_until_released(job_id: int) -> None:
    """Runs until the test opens this job's gate."""
    started = time.monotonic()
    print(f"job {job_id} holds its record")
    assert gates.setdefault(job_id, threading.Event()).wait(timeout=20), "the test never released the job"
    runs[job_id] = (started, time.monotonic())


def quick(job_id: int) -> None:
    started = time.monotonic()
    print(f"job {job_id} ran")
    runs[job_id] = (started, time.monotonic())


@pytest.fixture
def extra_job_types() -> dict[str, JobType]:
    gates.clear()
    runs.clear()
    return {
        "rewrite": JobType(key="rewrite", label="Rewrite tree", perform=held_until_released, locks_record=True),
        "rewrite_quick": JobType(key="rewrite_quick", label="Quick rewrite", perform=quick, locks_record=True),
        "serial": JobType(key="serial", label="One at a time", perform=held_until_released, run_concurrently=False),
    }


@pytest.fixture(autouse=True)
def release_all():
    yield
    for gate in list(gates.values()):
        gate.set()


@pytest.fixture
def two_fonds(app):
    first, second = insert_demo_fonds(30), insert_demo_fonds(30, title="Second fonds")
    return ArchivalDescription.by_slug(first), ArchivalDescription.by_slug(second)


def status_of(db, job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


@pytest.mark.app_config(JOBS_WAIT_RETRY_SECONDS=0.05)
def test_a_job_on_a_locked_sub_tree_waits_and_says_for_whom(db, worker, two_fonds):
    first, second = two_fonds
    descendant = db.session.scalars(first.subtree().where(ArchivalDescription.depth == 2).limit(1)).one()
    holder, _ = launch("rewrite", description=first)
    wait_for(lambda: status_of(db, holder.id).status == JobStatus.RUNNING, timeout=30)

    waiting, _ = launch("rewrite_quick", description=descendant)
    elsewhere, _ = launch("rewrite_quick", description=second)
    wait_for(lambda: status_of(db, elsewhere.id).status == JobStatus.COMPLETED, timeout=30)  # other tree: no wait
    job = wait_for(lambda: (j := status_of(db, waiting.id)).info and j, timeout=30)
    assert job.status == JobStatus.QUEUED
    assert job.info == f"Waiting for job {holder.id} on this record."

    gates[holder.id].set()
    wait_for(lambda: status_of(db, waiting.id).status == JobStatus.COMPLETED, timeout=30)
    assert runs[waiting.id][0] >= runs[holder.id][1]
    assert status_of(db, waiting.id).info == "Completed."


@pytest.mark.app_config(JOBS_WAIT_RETRY_SECONDS=0.05)
def test_a_type_that_does_not_run_concurrently_waits_for_its_own_kind(db, worker):
    jobs = [launch("serial")[0].id, launch("serial")[0].id]
    # two worker threads: either job may be claimed first, the other must wait for it
    running = wait_for(
        lambda: next((i for i in jobs if status_of(db, i).status == JobStatus.RUNNING), None), timeout=30
    )
    waiting = next(i for i in jobs if i != running)
    job = wait_for(lambda: (j := status_of(db, waiting)).info and j, timeout=30)
    assert job.status == JobStatus.QUEUED
    assert job.info == f"Waiting for job {running} (One at a time) to finish."
    gates[running].set()
    wait_for(lambda: status_of(db, waiting).status == JobStatus.RUNNING, timeout=30)
    gates[waiting].set()
    wait_for(lambda: status_of(db, waiting).status == JobStatus.COMPLETED, timeout=30)
    assert runs[waiting][0] >= runs[running][1]


@pytest.mark.app_config(JOBS_WAIT_RETRY_SECONDS=0.05)
def test_a_canceled_waiting_job_never_runs(db, worker, two_fonds, users):
    first, _ = two_fonds
    holder, _ = launch("rewrite", description=first)
    wait_for(lambda: status_of(db, holder.id).status == JobStatus.RUNNING, timeout=30)
    waiting, _ = launch("rewrite", description=first)
    wait_for(lambda: status_of(db, waiting.id).info, timeout=30)
    db.session.execute(db.update(Job).where(Job.id == waiting.id).values(status=JobStatus.CANCELED))
    db.session.commit()
    gates[holder.id].set()
    wait_for(lambda: status_of(db, holder.id).status == JobStatus.COMPLETED, timeout=30)
    assert status_of(db, waiting.id).status == JobStatus.CANCELED
    assert waiting.id not in gates  # its function never started
