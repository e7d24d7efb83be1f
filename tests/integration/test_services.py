"""Against the real services: PostgreSQL (db `test`, private schema) and Redis (private namespace)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import dramatiq
import pytest
from sqlalchemy import inspect, select

from actors.engine.launching import launch
from actors.engine.runtime import runtime
from actors.registry import JOB_TYPES, JobType
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import Job, JobStatus, WorkerProcess
from tests.helpers import make_app, wait_for

ROOT = Path(__file__).resolve().parents[2]


def job_status(job_id: int) -> JobStatus:
    db.session.expire_all()
    return db.session.get(Job, job_id).status


def echo_job(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    print(f"echo {job.parameters['word']}")


@pytest.fixture
def service_app(services, monkeypatch):
    monkeypatch.setitem(JOB_TYPES, "echo", JobType(key="echo", label="Echo", perform=echo_job))
    app = services.app()
    with app.app_context():
        db.create_all()
        yield app
        runtime(app).broker.flush_all()
        db.session.remove()
        db.engine.dispose()


def queued_messages(app) -> int:
    broker = runtime(app).broker
    return broker.client.hlen(f"{broker.namespace}:jobs.msgs")


@pytest.mark.redis
@pytest.mark.postgres
def test_real_worker_thread_consumes_a_real_message(service_app):
    job, sent = launch("echo", parameters={"word": "hello"})
    assert sent
    assert queued_messages(service_app) == 1
    worker = dramatiq.Worker(runtime(service_app).broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        wait_for(lambda: job_status(job.id) == JobStatus.COMPLETED)
    finally:
        worker.stop()
    db.session.expire_all()
    assert "echo hello" in db.session.get(Job, job.id).output


@pytest.mark.redis
@pytest.mark.postgres
def test_jobs_clear_empties_the_real_queue(service_app):
    job_ids = [launch("echo", parameters={"word": str(n)})[0].id for n in range(3)]
    assert queued_messages(service_app) == 3
    result = service_app.test_cli_runner().invoke(args=["jobs", "clear", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Cleared 3 jobs" in result.output
    assert queued_messages(service_app) == 0
    db.session.expire_all()
    assert db.session.scalars(select(Job.id)).all() == []
    assert all(db.session.get(Job, job_id) is None for job_id in job_ids)


@pytest.mark.redis
def test_namespaces_keep_two_installs_apart(tmp_path, monkeypatch, redis_url):
    """Two instances on one Redis with different namespaces never take each other's jobs."""
    monkeypatch.setitem(JOB_TYPES, "echo", JobType(key="echo", label="Echo", perform=echo_job))
    apps = [
        make_app(
            tmp_path / name,
            monkeypatch,
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / name}.db",
            JOBS_BROKER="redis",
            REDIS_URL=redis_url,
            JOBS_NAMESPACE=f"aj-{name}-{os.urandom(4).hex()}",
        )
        for name in ("first", "second")
    ]
    job_ids = []
    for app in apps:
        with app.app_context():
            db.create_all()
            job_ids.append(launch("echo", parameters={"word": "mine"})[0].id)
    first, second = apps
    second_worker = dramatiq.Worker(runtime(second).broker, worker_threads=1, worker_timeout=100)
    second_worker.start()
    try:
        with second.app_context():  # the second install's worker is really consuming...
            wait_for(lambda: job_status(job_ids[1]) == JobStatus.COMPLETED)
        with first.app_context():  # ...and has left the first install's job alone
            assert job_status(job_ids[0]) == JobStatus.QUEUED
            assert queued_messages(first) == 1
    finally:
        second_worker.stop()
        for app in apps:
            runtime(app).broker.flush_all()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_migrations_build_the_schema(tmp_path, monkeypatch, request, database):
    """`flask db upgrade` builds the whole schema, and the migrations match the models."""
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=url)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    check = runner.invoke(args=["db", "check"])  # the migrations match the models
    assert check.exit_code == 0, check.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {"users", "jobs", "archival_descriptions", "finding_aids", "worker_processes"} <= tables


@pytest.mark.redis
@pytest.mark.postgres
def test_worker_process_generates_a_finding_aid_and_stops_cleanly(services, tmp_path):
    """`flask jobs worker` as a real process: Running -> Completed, heartbeat, clean SIGTERM."""
    app = services.app()
    env = services.worker_env()
    with app.app_context():
        db.create_all()
        slug = insert_demo_fonds(60)
        from models import ArchivalDescription

        job, sent = launch("finding_aid", description=ArchivalDescription.by_slug(slug), parameters={"format": "pdf"})
        assert sent
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "jobs", "worker", "--threads", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for(lambda: job_status(job.id) not in JobStatus.active(), timeout=120)
            finished = db.session.get(Job, job.id)
            assert finished.status == JobStatus.COMPLETED, finished.output
            assert "Rendering 60 of 60 descriptions" in finished.output
            assert finished.worker_id is not None
            assert wait_for(lambda: db.session.get(WorkerProcess, finished.worker_id))
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=30)
        assert worker.returncode == 0, output
        db.session.expire_all()
        assert db.session.get(WorkerProcess, finished.worker_id).stopped_at is not None
        db.session.remove()
        db.engine.dispose()
