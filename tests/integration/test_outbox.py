"""Redis down when jobs are launched: the user is told, nothing is lost, each job runs once."""

from __future__ import annotations

import dramatiq
import pytest
from sqlalchemy import func, select
from webtest import TestApp

from actors.engine.launching import dispatch_unsent, launch
from actors.engine.runtime import runtime
from actors.registry import JOB_TYPES, JobType
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import Job, JobStatus
from models.user import create_user
from tests.helpers import FreshContext, login, make_app, wait_for
from tests.integration.private_services import PrivateRedis

pytestmark = pytest.mark.postgres


def echo_job(job_id: int) -> None:
    print(f"ran job {job_id}")


def test_jobs_launched_while_redis_is_down_all_run_once_when_it_returns(tmp_path, monkeypatch, postgres_url):
    monkeypatch.setitem(JOB_TYPES, "echo", JobType(key="echo", label="Echo", perform=echo_job))
    redis = PrivateRedis(tmp_path)
    redis.start()
    app = make_app(
        tmp_path,
        monkeypatch,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        JOBS_BROKER="redis",
        REDIS_URL=redis.url,
        JOBS_NAMESPACE="outbox-test",
    )
    with app.app_context():
        db.create_all()
        create_user("alice", "pw")
        slug = insert_demo_fonds(5)
        redis.stop()

        web = TestApp(FreshContext(app))
        login(web, "alice", "pw")
        page = web.get(f"/descriptions/{slug}")
        form = next(f for f in page.forms.values() if f.action.endswith("/finding-aid"))
        response = form.submit()  # never a 500
        assert response.status_int == 302
        message = response.follow().text
        assert "the job queue is not reachable right now" in message
        assert "it will start as soon as the queue is back" in message
        for _ in range(99):
            job, sent = launch("echo")
            assert not sent
        assert db.session.scalar(select(func.count()).select_from(Job).where(Job.sent_at.is_(None))) == 100
        assert dispatch_unsent(grace_seconds=0) == 0  # still down: nothing sent, nothing lost

        redis.start()
        try:
            assert dispatch_unsent(grace_seconds=0) == 100
            assert dispatch_unsent(grace_seconds=0) == 0  # sent once each
            for job_id in db.session.scalars(select(Job.id).where(Job.type == "echo").limit(10)):
                runtime().actors["echo"].send(job_id)  # a duplicate message still runs the job once
            worker = dramatiq.Worker(runtime(app).broker, worker_threads=2, worker_timeout=100)
            worker.start()
            try:
                wait_for(all_done, timeout=120)
            finally:
                worker.stop()
            db.session.expire_all()
            jobs = db.session.scalars(select(Job)).all()
            assert {job.status for job in jobs} == {JobStatus.COMPLETED}
            for job in jobs:
                if job.type == "echo":
                    assert job.output.count("ran job") == 1
        finally:
            runtime(app).broker.flush_all()
            redis.stop()
            db.session.remove()
            db.engine.dispose()


def all_done() -> bool:
    db.session.expire_all()
    return not db.session.scalar(select(func.count()).select_from(Job).where(Job.status.in_(JobStatus.active())))
