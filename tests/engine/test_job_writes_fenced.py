"""A job type writes its result file and its record only through the in-job API, fenced by the
attempt it claimed: once the reaper gave the job to another attempt, a late run's write is
refused and its transaction rolled back, so it can neither point the job at its file nor
commit what it imported under the job."""

from __future__ import annotations

import threading

import pytest

from actors.engine import context
from actors.engine.context import AttemptSuperseded, RunningJob
from commands.demo_data import insert_demo_fonds
from models import ArchivalDescription, JobStatus


class _Sink:
    def write(self, text: str) -> int:
        return len(text)

    def set_progress(self, done: int, total: int, line: str = "", unit: str = "descriptions") -> None:
        pass


def running_as(job_id: int, attempt: int) -> RunningJob:
    return RunningJob(job_id, "export_descriptions", _Sink(), threading.Event(), attempt=attempt)


@pytest.fixture
def running_job(make_job):
    return make_job("alice", JobStatus.RUNNING, type="export_descriptions", attempt=2)


def test_the_current_attempt_writes_its_result_and_its_record(db, running_job, reload):
    record_id = ArchivalDescription.by_slug(insert_demo_fonds(1)).id
    token = context.enter(running_as(running_job.id, attempt=2))
    try:
        context.set_result(running_job.id, "/tmp/export.zip")
        context.set_record(running_job.id, record_id)
        db.session.commit()
    finally:
        context.leave(token)
    job = reload(running_job.id)
    assert (job.result_path, job.description_id) == ("/tmp/export.zip", record_id)


def test_a_superseded_attempt_writes_nothing_and_its_work_is_rolled_back(db, running_job, reload):
    token = context.enter(running_as(running_job.id, attempt=1))  # the reaper re-queued it as attempt 2
    try:
        db.session.add(ArchivalDescription(title="Imported by the late run", slug="late-run", lft=1, rgt=2, depth=0))
        db.session.flush()
        with pytest.raises(AttemptSuperseded):
            context.set_result(running_job.id, "/tmp/late.zip")
        db.session.rollback()  # what the middleware does with a run that raised
    finally:
        context.leave(token)
    assert reload(running_job.id).result_path is None
    assert ArchivalDescription.by_slug("late-run") is None


def test_a_job_that_ended_meanwhile_is_not_written(db, make_job, reload):
    canceled = make_job("alice", JobStatus.CANCELED, type="export_descriptions", attempt=1)
    token = context.enter(running_as(canceled.id, attempt=1))
    try:
        with pytest.raises(AttemptSuperseded):
            context.set_result(canceled.id, "/tmp/late.zip")
    finally:
        context.leave(token)
    assert reload(canceled.id).result_path is None
