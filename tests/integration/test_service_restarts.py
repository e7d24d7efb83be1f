"""PostgreSQL and Redis restarted under running and launching jobs (servers of the test's own):
no 500, a clear page while the database is away, no job lost or left Running, and the worker
carries on by itself."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from webtest import TestApp

from actors.engine.launching import launch
from actors.engine.runtime import runtime
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription, Job, JobStatus
from models.user import create_user
from tests.helpers import FreshContext, login, make_app, wait_for
from tests.integration.private_services import PrivatePostgres, PrivateRedis, start_worker

OUTAGE_SECONDS = 3  # how long each server stays down


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    server.start()
    yield server
    server.remove()


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def launch_finding_aid(slug: str) -> int:
    job, sent = launch("finding_aid", description=ArchivalDescription.by_slug(slug), parameters={"format": "pdf"})
    assert sent
    return job.id


def settled(job_ids: list[int] | None = None) -> bool:
    """Every one of ``job_ids`` (None: every job there is) completed."""
    db.session.expire_all()
    query = select(Job.status) if job_ids is None else select(Job.status).where(Job.id.in_(job_ids))
    statuses = db.session.scalars(query).all()
    return all(status == JobStatus.COMPLETED for status in statuses)


def stop_worker(worker: subprocess.Popen, tmp_path: Path) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        pytest.fail("the worker did not stop; its log ends:\n" + (tmp_path / "worker.log").read_text()[-4000:])


@pytest.mark.redis
def test_postgresql_restarted_while_jobs_run_and_are_launched(tmp_path, monkeypatch, private_postgres, redis_url,
                                                              namespace):  # fmt: skip
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=private_postgres.url, JOBS_BROKER="redis",
                   REDIS_URL=redis_url, JOBS_NAMESPACE=namespace)  # fmt: skip
    with app.app_context():
        db.create_all()
        create_user("alice", "pw")
        big, small = insert_demo_fonds(300), insert_demo_fonds(5, title="A small fonds")
        db.session.commit()
        web = TestApp(FreshContext(app))
        login(web, "alice", "pw").follow()
        worker = start_worker(
            tmp_path, "worker", private_postgres.url, redis_url, namespace, threads=2, WORKER_DB_RETRY_SECONDS="120"
        )
        try:
            running = launch_finding_aid(big)
            wait_for(lambda: fresh(running).status == JobStatus.RUNNING, timeout=60, what="the job to run")
            db.session.remove()

            private_postgres.stop()
            page = web.get("/jobs/", expect_errors=True)
            assert page.status_int == 503  # not a 500
            assert "Database unavailable" in page.text
            assert page.headers["Retry-After"] == "5"
            form_page = web.get(f"/descriptions/{small}", expect_errors=True)
            assert form_page.status_int == 503
            time.sleep(OUTAGE_SECONDS)  # (the outage itself)
            private_postgres.start()

            page = web.get(f"/descriptions/{small}")  # the web's pool reconnects by itself
            form = next(f for f in page.forms.values() if f.action.endswith("/finding-aid"))
            assert form.submit().status_int == 302  # launched after the restart
            launch_finding_aid(small)  # (and one launched by code)
            # (every job: the one the form launched too, which a busy worker may take last)
            wait_for(settled, timeout=240, what="every job to complete")
            assert (
                db.session.scalar(select(func.count()).select_from(Job).where(Job.status != JobStatus.COMPLETED)) == 0
            )
            job = fresh(running)
            print(f"job {running}: attempt {job.attempt}, info {job.info!r}")
            assert job.output.count("Finding aid written") == 1
        finally:
            stop_worker(worker, tmp_path)
            runtime(app).broker.flush_all()
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
def test_redis_restarted_while_jobs_run_and_are_launched(tmp_path, monkeypatch, postgres_url, namespace):
    redis = PrivateRedis(tmp_path, persistent=True)
    redis.start()
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=postgres_url, JOBS_BROKER="redis",
                   REDIS_URL=redis.url, JOBS_NAMESPACE=namespace)  # fmt: skip
    with app.app_context():
        db.create_all()
        create_user("alice", "pw")
        big, small = insert_demo_fonds(300), insert_demo_fonds(5, title="A small fonds")
        db.session.commit()
        worker = start_worker(tmp_path, "worker", postgres_url, redis.url, namespace, threads=2)
        try:
            running = launch_finding_aid(big)
            queued = [launch_finding_aid(small) for _ in range(3)]  # waiting behind it (one at a time)
            wait_for(lambda: fresh(running).status == JobStatus.RUNNING, timeout=60, what="the job to run")

            redis.stop()
            web = TestApp(FreshContext(app))
            login(web, "alice", "pw").follow()
            page = web.get(f"/descriptions/{small}")
            form = next(f for f in page.forms.values() if f.action.endswith("/finding-aid"))
            response = form.submit()  # never a 500: saved, to be sent when the queue is back
            assert "the job queue is not reachable right now" in response.follow().text
            assert web.get("/jobs/").status_int == 200
            time.sleep(OUTAGE_SECONDS)  # (the outage itself)
            redis.start()

            db.session.expire_all()
            every = db.session.scalars(select(Job.id)).all()
            assert len(every) == 5
            wait_for(lambda: settled(every), timeout=300, what="every job to complete")
            for job_id in [running, *queued]:
                assert fresh(job_id).output.count("Finding aid written") == 1
        finally:
            stop_worker(worker, tmp_path)
            runtime(app).broker.flush_all()
            redis.stop()
            db.session.remove()
            db.engine.dispose()
