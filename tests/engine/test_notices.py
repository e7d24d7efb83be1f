"""A job's end told to its owner: one notice when it completes, fails, is canceled by someone
else or is lost and re-queued; none when its owner cancels it or it has no owner (the CLI)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import SQLAlchemyError

from actors.engine import lifecycle
from actors.engine.lifecycle import outcome
from actors.engine.output.capture import JobOutput
from actors.engine.worker.reaper import reap_lost_jobs
from actors.registry import JOB_TYPES
from models import Job, JobStatus, NoticeKind, Notification
from tests.engine.test_workers import add_worker

pytestmark = pytest.mark.test_jobs


def notices(db) -> list[tuple[str, int | None, NoticeKind, str | None]]:
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).order_by(Notification.id))
    return [(n.user_id, n.job_number, n.kind, n.info) for n in rows]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_completed_and_a_failed_job_each_make_one_notice_for_their_owner(db, users, launch_job, run_jobs):
    done = launch_job("test_count", "alice")
    failed = launch_job("test_fail", "bob")
    anonymous = launch_job("test_count")  # (the CLI's: nobody to tell)
    run_jobs()
    assert sorted(notices(db)) == sorted(
        [
            (users["alice"].id, done.id, NoticeKind.COMPLETED, "Completed."),
            (users["bob"].id, failed.id, NoticeKind.ERROR, "boom"),
        ]
    )
    assert anonymous.id not in {n[1] for n in notices(db)}


def test_canceled_by_someone_else_makes_a_notice_canceled_by_herself_none(db, users, launch_job, reload):
    by_admin = launch_job("test_count", "alice")
    by_herself = launch_job("test_count", "alice")
    assert lifecycle.cancel([by_admin.id], "admin") == (1, 0)
    assert lifecycle.cancel([by_herself.id], "alice") == (1, 0)
    assert notices(db) == [(users["alice"].id, by_admin.id, NoticeKind.CANCELED, "Canceled by admin.")]


def test_a_running_job_canceled_by_an_administrator_makes_one_notice(db, users, launch_job, run_jobs, poll, reload):
    job = launch_job("test_cancelable", "alice")
    poll(lambda: reload(job.id).status == JobStatus.RUNNING, timeout=10, what="the job to start")
    lifecycle.cancel([job.id], "admin")
    run_jobs()
    assert notices(db) == [(users["alice"].id, job.id, NoticeKind.CANCELED, "Canceled by admin.")]


def test_a_lost_and_re_queued_job_makes_one_notice_a_killed_one_another(db, users, make_job):
    lost = add_worker(db, stopped=True)
    job = make_job("alice", JobStatus.RUNNING, type="finding_aid", worker_id=lost.id)
    assert reap_lost_jobs(15, JOB_TYPES) == (1, 0)
    assert notices(db) == [(users["alice"].id, job.id, NoticeKind.REQUEUED, "Re-queued after its worker was lost.")]
    assert lifecycle.kill(job.id)
    assert [n[2] for n in notices(db)] == [NoticeKind.REQUEUED, NoticeKind.ERROR]


def test_a_notice_still_reads_once_its_job_is_cleared(db, users, launch_job, run_jobs):
    job = launch_job("test_fail", "alice")
    run_jobs()
    Job.delete_where(Job.id == job.id)
    db.session.commit()
    notice = db.session.scalar(select(Notification))
    assert (notice.job_id, notice.job_number, notice.job_type, notice.kind) == (
        None,
        job.id,
        "test_fail",
        NoticeKind.ERROR,
    )


CRASH = {  # the notice's INSERT dies as a worker losing its database would
    "sqlite": ["CREATE TRIGGER crash BEFORE INSERT ON notifications BEGIN SELECT RAISE(ABORT, 'worker died'); END"],
    "postgresql": [
        "CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS"
        " $$ BEGIN RAISE EXCEPTION 'worker died' USING ERRCODE = '57P01'; END $$",
        "CREATE TRIGGER crash BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION crash()",
    ],
}


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_a_worker_dying_at_its_jobs_ending_never_loses_the_notice_nor_doubles_it(db, users, make_job, database):
    lost = add_worker(db, stopped=True)
    job = make_job("alice", JobStatus.RUNNING, type="finding_aid", worker_id=lost.id, attempt=1)
    for statement in CRASH[database]:
        db.session.execute(text(statement))
    db.session.commit()

    with pytest.raises(SQLAlchemyError):
        finish(job.id, 1)
    db.session.rollback()
    assert (db.session.get(Job, job.id).status, notices(db)) == (JobStatus.RUNNING, [])  # nothing half-written

    db.session.execute(text("DROP TRIGGER crash" + (" ON notifications" if database == "postgresql" else "")))
    db.session.commit()
    assert reap_lost_jobs(15, JOB_TYPES) == (1, 0)  # the worker is gone: the reaper settles its job
    finish(job.id, 1)  # the dead attempt's outcome, arriving late: fenced, no second notice
    assert notices(db) == [(users["alice"].id, job.id, NoticeKind.REQUEUED, "Re-queued after its worker was lost.")]

    db.session.execute(update(Job).where(Job.id == job.id).values(status=JobStatus.RUNNING, attempt=2))
    db.session.commit()
    finish(job.id, 2)
    finish(job.id, 2)  # (twice: the second finds it settled)
    assert [n[2:] for n in notices(db)] == [
        (NoticeKind.REQUEUED, "Re-queued after its worker was lost."),
        (NoticeKind.COMPLETED, "Done."),
    ]


def finish(job_id: int, attempt: int) -> None:
    out = JobOutput(path=None, cap=1000, hard_limit=10_000, flush_seconds=60, on_flush=lambda *_: None)
    outcome.finish(job_id, attempt, True, out, None, "Done.", None)
