"""A job never stays Running because saving what it did failed: an upload named with a NUL
once left an import Running for ever on PostgreSQL, holding its record lock and the import
lock, while its worker thread retried for five minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import DataError, OperationalError

from actors.engine import job_row, lifecycle, middleware
from actors.engine.lifecycle import outcome
from actors.engine.runtime import runtime
from actors.engine.worker.reaper import reap_lost_jobs
from actors.registry import JOB_TYPES
from models import JobStatus, WorkerProcess
from models.base import utcnow
from tests.import_export_support import last_job, submit

pytestmark = pytest.mark.test_jobs
BOTH = pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
CSV = b"legacyId,parentId,title\n1,,A fonds sent with a strange name\n"


def refused(*_: object) -> DataError:
    return DataError("UPDATE jobs ...", {}, Exception("A string literal cannot contain NUL (0x00) characters."))


@pytest.fixture
def refuse_outcomes(monkeypatch):
    """The database refuses the first ``count`` writes of a job's outcome (rows with a status)."""

    def _refuse(count: int) -> None:
        real, left = job_row.update_while_running, [count]

        def write(job_id: int, attempt: int, values: dict, engine=None) -> bool:
            if "status" in values and left[0] > 0:
                left[0] -= 1
                raise refused()
            return real(job_id, attempt, values, engine)

        monkeypatch.setattr(outcome.job_row, "update_while_running", write)

    return _refuse


@BOTH
def test_an_upload_named_with_a_nul_imports_and_frees_its_locks(as_user, run_jobs, reload, database):
    client = as_user("alice")
    submit(client, "import_descriptions", ("fonds\x00.csv", CSV), status=302)
    run_jobs()
    first = last_job()
    assert first.status == JobStatus.COMPLETED, first.output
    assert first.parameters["file"]["filename"] == "fonds\ufffd.csv"
    assert "fonds\ufffd.csv" in client.get(f"/jobs/{first.id}").text
    submit(client, "import_descriptions", ("second.csv", CSV), status=302)  # the import lock is free
    run_jobs()
    assert last_job().status == JobStatus.COMPLETED
    assert runtime().tracking.running_job_ids() == []


@pytest.mark.parametrize(
    ("refusals", "status", "kept"),
    [
        (1, JobStatus.COMPLETED, "[The output could not be saved whole (DataError)"),
        (2, JobStatus.COMPLETED, ""),  # its status and message only
        (3, JobStatus.ERROR, ""),
    ],
)
def test_an_outcome_the_database_refuses_is_saved_smaller(
    refusals, status, kept, launch_job, run_jobs, reload, refuse_outcomes
):
    refuse_outcomes(refusals)
    job = launch_job("test_count", "alice")
    run_jobs()
    job = reload(job.id)
    assert job.status == status
    assert job.finished_at is not None
    assert kept in job.output
    if status == JobStatus.ERROR:
        assert job.info == "The job ended, but the database refused to save its outcome (DataError)."
    nxt = launch_job("test_count", "alice")  # the worker thread is free
    run_jobs()
    assert reload(nxt.id).status == JobStatus.COMPLETED


def test_an_outcome_never_saved_is_settled_by_the_reaper_though_the_worker_beats(
    db, launch_job, run_jobs, reload, refuse_outcomes
):
    refuse_outcomes(4)  # every shape refused
    job = launch_job("test_count", "alice")
    run_jobs()
    assert reload(job.id).status == JobStatus.RUNNING
    assert runtime().tracking.running_job_ids() == []  # its worker no longer says it runs it
    db.session.add(WorkerProcess(id=reload(job.id).worker_id or "w", hostname="h", pid=1, last_seen_at=utcnow()))
    db.session.commit()
    assert reap_lost_jobs(15, JOB_TYPES) == (0, 0)  # not before the bound
    stale = utcnow() - timedelta(seconds=60)
    db.session.execute(db.update(job.__class__).where(job.__class__.id == job.id).values(alive_at=stale))
    db.session.commit()
    assert reap_lost_jobs(15, JOB_TYPES) == (0, 1)
    ended = reload(job.id)
    assert ended.status == JobStatus.ERROR
    assert ended.info.startswith("Stalled at ")
    assert "its worker is alive but no longer runs this job" in ended.output


def test_a_database_away_past_the_retries_leaves_the_thread_free(launch_job, run_jobs, reload, monkeypatch, app):
    app.config["WORKER_DB_RETRY_SECONDS"] = 0
    monkeypatch.setattr(
        outcome.job_row, "update_while_running", lambda *_, **__: _raise(OperationalError("x", {}, Exception("gone")))
    )
    job = launch_job("test_count", "alice")
    run_jobs()
    assert runtime().tracking.running_job_ids() == []
    assert reload(job.id).status == JobStatus.RUNNING  # for the reaper, once the bound has passed


def _raise(error: Exception) -> bool:
    raise error


def test_a_claim_the_database_fails_sends_the_job_again(launch_job, run_jobs, reload, monkeypatch):
    real, failures = lifecycle.claim, [1]

    def claim(*args, **kwargs):
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("UPDATE jobs ...", {}, Exception("server closed the connection"))
        return real(*args, **kwargs)

    monkeypatch.setattr(middleware.lifecycle, "claim", claim)
    job = launch_job("test_count", "alice")
    run_jobs()
    assert reload(job.id).status == JobStatus.COMPLETED
    assert failures == [0]


def test_output_the_database_refuses_midway_does_not_stop_the_job(launch_job, run_jobs, reload, monkeypatch):
    real = job_row.update_while_running

    def flush(job_id, attempt, values, engine=None):
        if "status" not in values:
            raise refused()
        return real(job_id, attempt, values, engine)

    monkeypatch.setattr(middleware.job_row, "update_while_running", flush)
    job = launch_job("test_lines", "alice", tag="A", lines=50)
    run_jobs()
    job = reload(job.id)
    assert job.status == JobStatus.COMPLETED
    assert job.output.count("A line") == 50


def test_the_heartbeat_says_which_jobs_still_run(app, db, make_job, reload):
    from actors.engine.worker.process import Heartbeat

    db.session.add(WorkerProcess(id="me", hostname="h", pid=1))
    job = make_job("alice", JobStatus.RUNNING, worker_id="me", alive_at=utcnow() - timedelta(hours=1))
    other = make_job("alice", JobStatus.RUNNING, worker_id="me", alive_at=utcnow() - timedelta(hours=1))
    tracking = runtime(app).tracking
    tracking._running_ids.add(job.id)
    try:
        Heartbeat(app, "me").beat()
    finally:
        tracking._running_ids.discard(job.id)
    assert reload(job.id).status == JobStatus.RUNNING
    assert reload(job.id).alive_at > utcnow() - timedelta(minutes=1)
    dropped = reload(other.id)  # no one runs it any more: a finding aid is safe to run again
    assert dropped.status == JobStatus.QUEUED
    assert dropped.attempt == 2
    assert "Stalled; re-queued as attempt 2." in dropped.output
