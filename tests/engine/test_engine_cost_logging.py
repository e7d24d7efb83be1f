"""The worker's log: a line per job that did not complete (its failure, cancel or shutdown),
none per completed job (the Jobs page has those; at INFO the two lines per job cost a fifth of
the tracking), and no line of the engine's in a job's own output."""

from __future__ import annotations

import logging

import pytest


@pytest.mark.test_jobs
def test_the_worker_logs_a_line_per_job_that_did_not_complete_only(launch_job, run_jobs, reload, caplog, monkeypatch):
    # (a migration run earlier in the session disables existing loggers: alembic's fileConfig)
    monkeypatch.setattr(logging.getLogger("actors.engine.middleware"), "disabled", False)
    caplog.set_level(logging.INFO, logger="actors.engine.middleware")
    done, failed = launch_job("test_count", "alice"), launch_job("test_fail", "alice")
    run_jobs()
    lines = [record.getMessage() for record in caplog.records if record.name == "actors.engine.middleware"]
    assert lines == [f"Job {failed.id} (test_fail) ended with ValueError."]
    assert reload(done.id).output == f"job {done.id} ran\n"  # no line of the engine's in the job's output
