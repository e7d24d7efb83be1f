"""Worker heartbeats on the Jobs page, the reaper's verdicts, and worker recycling."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actors.engine import job_row, lifecycle
from actors.engine.worker.process import Heartbeat
from actors.engine.worker.reaper import reap_lost_jobs
from actors.registry import JOB_TYPES, JobType
from models import JobStatus, WorkerProcess
from models.base import utcnow


def add_worker(db, *, seconds_ago: float = 0, stopped: bool = False, **fields) -> WorkerProcess:
    seen = utcnow() - timedelta(seconds=seconds_ago)
    worker = WorkerProcess(
        id=fields.pop("id", f"w-{seconds_ago}-{stopped}"),
        hostname="archive-box",
        pid=fields.pop("pid", 4242),
        last_seen_at=seen,
        started_at=seen,
        stopped_at=seen if stopped else None,
        **fields,
    )
    db.session.add(worker)
    db.session.commit()
    return worker


def test_admin_sees_the_worker_list_and_users_do_not(as_user, db):
    add_worker(db, pid=31337, rss_bytes=150 * 1024 * 1024, jobs_done=12, current_jobs="7")
    page = as_user("admin").get("/jobs/")
    assert "1 worker running" in page.text
    workers = page.html.find("details", class_="workers")
    assert workers is not None
    text = workers.get_text(" ", strip=True)
    assert "31337" in text
    assert "150.0 MB" in text
    assert "12" in text
    assert "job 7" in text
    page = as_user("alice").get("/jobs/")
    assert "1 worker running" in page.text
    assert page.html.find("details", class_="workers") is None


def test_a_silent_or_stopped_worker_does_not_count_as_running(as_user, db):
    add_worker(db, seconds_ago=600)
    add_worker(db, stopped=True)
    page = as_user("alice").get("/jobs/")
    assert "No worker is running: jobs will wait in the queue." in page.text


@pytest.fixture
def fragile_type(monkeypatch):
    """A job type that is not safe to run twice (like an import)."""
    monkeypatch.setitem(JOB_TYPES, "fragile", JobType(key="fragile", label="Fragile", perform=lambda job_id: None))


def test_reaper_fails_jobs_of_lost_workers_unless_safe_to_rerun(db, make_job, fragile_type):
    lost = add_worker(db, seconds_ago=60)
    alive = add_worker(db, seconds_ago=0)
    fragile = make_job("alice", JobStatus.RUNNING, type="fragile", worker_id=lost.id)
    rerunnable = make_job("alice", JobStatus.RUNNING, type="finding_aid", worker_id=lost.id)
    healthy = make_job("bob", JobStatus.RUNNING, type="fragile", worker_id=alive.id)

    assert reap_lost_jobs(15, JOB_TYPES) == (1, 1)
    db.session.expire_all()
    assert fragile.status == JobStatus.ERROR
    assert fragile.info.startswith("Worker lost at ")
    assert fragile.finished_at is not None
    assert rerunnable.status == JobStatus.QUEUED
    assert rerunnable.attempt == 2
    assert rerunnable.sent_at is None  # the dispatcher sends it again
    assert rerunnable.worker_id is None
    assert "re-queued as attempt 2" in rerunnable.output
    assert healthy.status == JobStatus.RUNNING


def test_a_job_is_re_queued_once_then_fails(db, make_job):
    lost = add_worker(db, stopped=True)
    job = make_job("alice", JobStatus.RUNNING, type="finding_aid", worker_id=lost.id, attempt=2)
    assert reap_lost_jobs(15, JOB_TYPES) == (0, 1)
    db.session.expire_all()
    assert job.status == JobStatus.ERROR


def test_heartbeat_records_memory_and_recycles_after_max_jobs(app, db, make_job):
    app.config["WORKER_MAX_JOBS"] = 2
    worker = add_worker(db, id="me")
    for _ in range(2):
        make_job("alice", JobStatus.COMPLETED, worker_id="me")
    heartbeat = Heartbeat(app, "me")
    heartbeat.beat()
    db.session.expire_all()
    assert worker.rss_bytes > 10 * 1024 * 1024
    assert worker.jobs_done == 2
    assert heartbeat.replaced.is_set()
    assert heartbeat.recycle_reason == "2 jobs done"


class _Output:
    """What lifecycle.finish needs of a run's output."""

    def __init__(self, text: str) -> None:
        self._text, self.progress = text, None

    def write(self, text: str) -> int:
        self._text += text
        return len(text)

    def close(self) -> None:
        pass

    def text(self) -> str:
        return self._text


def test_a_cut_off_workers_late_outcome_cannot_overwrite_the_next_attempt(db, make_job):
    """Fencing by attempt: worker A lost touch with the database, the reaper re-queued its job,
    worker B runs attempt 2; A's late output and "finished" change nothing."""
    lost = add_worker(db, seconds_ago=60, id="worker-a")
    job = make_job("alice", JobStatus.QUEUED, type="finding_aid")
    first = lifecycle.claim(job.id, JOB_TYPES["finding_aid"], lost.id, "/tmp/a.log", [])
    assert first is not None
    assert first.attempt == 1
    assert reap_lost_jobs(15, JOB_TYPES) == (1, 0)  # re-queued
    second = lifecycle.claim(job.id, JOB_TYPES["finding_aid"], "worker-b", "/tmp/b.log", [])
    assert second is not None
    assert second.attempt == 2

    assert not job_row.update_while_running(job.id, first.attempt, {"output": "A's late output\n"})
    lifecycle.finish(job.id, first.attempt, True, _Output("A finished\n"), None, "Done by A.", None)
    db.session.expire_all()
    assert (job.status, job.attempt, job.worker_id) == (JobStatus.RUNNING, 2, "worker-b")
    assert "A's late output" not in job.output
    assert "A finished" not in job.output

    lifecycle.finish(job.id, second.attempt, True, _Output("B finished\n"), None, "Done by B.", None)
    db.session.expire_all()
    assert (job.status, job.info, job.output) == (JobStatus.COMPLETED, "Done by B.", "B finished\n")
