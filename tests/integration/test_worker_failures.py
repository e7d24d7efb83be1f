"""Real worker processes that die or are stopped mid-job: no job is ever left Running."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from actors.engine.launching import launch
from actors.engine.runtime import runtime
from actors.rendering.finding_aid import PARALLEL_MIN_DESCRIPTIONS
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription, Job, JobStatus, WorkerProcess
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.redis, pytest.mark.postgres]


@pytest.fixture
def stack(services, tmp_path):
    """An app on the real services and a way to start `flask jobs worker` processes on them."""
    app = services.app()
    env = services.worker_env(WORKER_SHUTDOWN_SECONDS="1")
    processes: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        log = tmp_path / f"worker-{len(processes)}.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "jobs", "worker", "--threads", "1"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        process.log = log  # type: ignore[attr-defined]
        processes.append(process)
        return process

    with app.app_context():
        db.create_all()
        yield app, start_worker
        for process in processes:
            if process.poll() is None:
                process.terminate()
                exit_code(process, timeout=30)
        runtime(app).broker.flush_all()
        db.session.remove()
        db.engine.dispose()


def exit_code(worker: subprocess.Popen, timeout: float) -> int:
    """The worker's exit code; at the deadline, fail with every thread's stack from its log."""
    try:
        return worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        db.session.rollback()
        pids = db.session.scalars(select(WorkerProcess.pid).where(WorkerProcess.stopped_at.is_(None))).all()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGUSR1)  # faulthandler: every thread's stack to the log
        with contextlib.suppress(pytest.fail.Exception):
            wait_for(lambda: "most recent call first" in worker.log.read_text(), timeout=5)
        for pid in [worker.pid, *pids]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        pytest.fail(f"worker still running after {timeout} s; its log ends:\n{worker.log.read_text()[-6000:]}")


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def launch_big_finding_aid(descriptions: int = 300) -> int:
    """A finding aid that runs for seconds (about 5 s here), all in the worker process: fewer
    descriptions than PARALLEL_MIN_DESCRIPTIONS, so no WeasyPrint helper processes."""
    assert descriptions < PARALLEL_MIN_DESCRIPTIONS
    slug = insert_demo_fonds(descriptions)
    job, sent = launch("finding_aid", description=ArchivalDescription.by_slug(slug), parameters={"format": "pdf"})
    assert sent
    return job.id


def running_worker_pid(job_id: int) -> int:
    """Wait until the job runs and some progress is saved; the pid of the process running it."""
    job = wait_for(lambda: (j := fresh(job_id)).status == JobStatus.RUNNING and j.worker_id and j, timeout=60)
    return db.session.get(WorkerProcess, job.worker_id).pid


def test_sigkilled_worker_its_job_is_requeued_and_completes_once(stack):
    _app, start_worker = stack
    job_id = launch_big_finding_aid()
    start_worker()
    os.kill(running_worker_pid(job_id), signal.SIGKILL)
    killed_at = time.monotonic()
    # The supervisor restarts a worker; its reaper finds the silent worker's job.
    job = wait_for(lambda: (j := fresh(job_id)).attempt == 2 and j, timeout=60)
    print(f"SIGKILL -> re-queued as attempt 2 in {time.monotonic() - killed_at:.1f} s")
    wait_for(lambda: fresh(job_id).status == JobStatus.COMPLETED, timeout=180)
    job = fresh(job_id)
    assert "Worker lost; re-queued as attempt 2" in job.output
    assert job.output.count("Finding aid written") == 1


def test_sigterm_mid_job_leaves_nothing_running(stack):
    _app, start_worker = stack
    job_id = launch_big_finding_aid()
    worker = start_worker()
    running_worker_pid(job_id)
    worker.send_signal(signal.SIGTERM)
    assert exit_code(worker, timeout=60) == 0
    job = fresh(job_id)
    assert job.status == JobStatus.QUEUED, (job.status, job.info)
    assert job.attempt == 2, (job.status, job.info)
    assert "The worker shut down; re-queued as attempt 2" in job.output
    assert db.session.query(WorkerProcess).filter(WorkerProcess.stopped_at.is_(None)).count() == 0
    # The next worker's dispatcher sends the re-queued job and it completes.
    start_worker()
    wait_for(lambda: fresh(job_id).status == JobStatus.COMPLETED, timeout=180)


def test_a_worker_killed_mid_undo_leaves_the_records_and_the_undo_ends_in_error(stack, tmp_path):
    """An Undo is not run again after its worker dies (it is not rerun-safe): the reaper ends it
    in Error, and its transaction, never committed, changed nothing."""
    _app, start_worker = stack
    rows = ["legacyId,parentId,identifier,title,levelOfDescription", "1,,K,Killed undo fonds,Fonds"]
    rows += [f"{n},1,K-{n},Record {n},File" for n in range(2, 20_001)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(rows))
    parameters = {"file": {"path": str(path), "filename": "big.csv"}, "format": "csv", "match": "skip"}
    imported, _ = launch("import_descriptions", parameters={**parameters, "parent": None})
    worker = start_worker()
    wait_for(lambda: fresh(imported.id).status == JobStatus.COMPLETED, timeout=120)
    count = db.session.scalar(select(db.func.count()).select_from(ArchivalDescription))
    undo, _ = launch("undo_job", description=fresh(imported.id).description, undo_of_id=imported.id)
    wait_for(lambda: "Undoing job" in (fresh(undo.id).output or ""), timeout=60)  # it has begun
    os.kill(running_worker_pid(undo.id), signal.SIGKILL)
    ended = wait_for(lambda: (j := fresh(undo.id)).status in JobStatus.inactive() and j, timeout=90)
    assert ended.status == JobStatus.ERROR, ended.output
    assert ended.attempt == 1, ended.output  # not run again
    assert ended.info.startswith("Worker lost at ")
    assert db.session.scalar(select(db.func.count()).select_from(ArchivalDescription)) == count
    assert worker.poll() is None  # (the supervisor restarted the killed process)
