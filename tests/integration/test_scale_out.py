"""Scale out: several worker processes share one queue; RabbitMQ as the broker; a worker
that cannot reach its broker exits non-zero; SIGHUP restarts workers cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import dramatiq
import pytest
from sqlalchemy import func, select

from actors.engine.launching import launch
from actors.engine.runtime import runtime
from actors.registry import JOB_TYPES, JobType
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription, Job, JobStatus, WorkerProcess
from tests.helpers import make_app, wait_for

ROOT = Path(__file__).resolve().parents[2]


def start_worker(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "jobs", "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def completed_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Job).where(Job.status == JobStatus.COMPLETED))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_worker_that_cannot_reach_its_broker_exits_non_zero(tmp_path):
    env = dict(
        os.environ,
        ARCHIVE_JOBS_INSTANCE=str(tmp_path / "instance"),
        SECRET_KEY="test",
        FLASK_APP="app",
        REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0",
        WORKER_BROKER_WAIT_SECONDS="1",
        DATABASE_URL=f"sqlite:///{tmp_path}/w.db",
    )
    worker = start_worker(env)
    output, _ = worker.communicate(timeout=60)
    assert worker.returncode == 1, output
    assert "Cannot reach the job queue" in output


@pytest.mark.redis
@pytest.mark.postgres
def test_two_worker_processes_share_the_load_and_restart_on_sighup(services):
    app = services.app()
    env = services.worker_env()
    with app.app_context():
        db.create_all()
        fonds = [ArchivalDescription.by_slug(insert_demo_fonds(40, title=f"Fonds {n}")) for n in range(8)]
        worker = start_worker(env, "--processes", "2", "--threads", "1")

        def alive() -> set[int]:
            db.session.expire_all()
            return {w.pid for w in db.session.scalars(select(WorkerProcess).where(WorkerProcess.stopped_at.is_(None)))}

        try:
            # Both processes up before the jobs go out, so small jobs are enough to share the load.
            wait_for(lambda: len(alive()) == 2, timeout=60)
            for record in fonds:
                launch("finding_aid", description=record, parameters={"format": "pdf"})
            wait_for(lambda: completed_count() == len(fonds), timeout=180)
            shared = db.session.scalars(select(Job.worker_id).distinct()).all()
            assert len(shared) == 2, "both worker processes should have taken jobs"

            before = alive()
            worker.send_signal(signal.SIGHUP)

            def restarted() -> bool:
                now = alive()
                return len(now) == 2 and not (now & before)

            wait_for(restarted, timeout=60)
            launch("finding_aid", description=fonds[0], parameters={"format": "rtf"})
            wait_for(lambda: completed_count() == len(fonds) + 1, timeout=120)
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=60)
            print(output[-6000:])  # shown when the test fails
        assert worker.returncode == 0, output
        runtime(app).broker.flush_all()
        db.session.remove()
        db.engine.dispose()


@pytest.mark.redis
@pytest.mark.postgres
def test_a_recycling_worker_keeps_working_until_its_replacement_consumes(services):
    app = services.app()
    env = services.worker_env(WORKER_MAX_JOBS="3")
    with app.app_context():
        db.create_all()
        fonds = [ArchivalDescription.by_slug(insert_demo_fonds(10, title=f"Fonds {n}")) for n in range(8)]
        worker = start_worker(env, "--processes", "1", "--threads", "1")

        def workers() -> list[WorkerProcess]:
            db.session.expire_all()
            return db.session.scalars(select(WorkerProcess).order_by(WorkerProcess.started_at)).all()

        try:
            for record in fonds[:4]:
                launch("finding_aid", description=record, parameters={"format": "rtf"})
            wait_for(lambda: completed_count() == 4, timeout=120)
            wait_for(lambda: workers()[0].stopped_at is not None, timeout=60)  # 4 jobs done: it recycles
            first, replacement = workers()[:2]
            assert replacement.started_at < first.stopped_at, (
                "the recycling worker stopped before its replacement was up"
            )
            for record in fonds[4:]:
                launch("finding_aid", description=record, parameters={"format": "rtf"})
            wait_for(lambda: completed_count() == len(fonds), timeout=120)
            assert (
                db.session.scalar(select(func.count()).select_from(Job).where(Job.status != JobStatus.COMPLETED)) == 0
            )
        finally:
            worker.send_signal(signal.SIGTERM)
            output, _ = worker.communicate(timeout=60)
            print(output[-6000:])  # shown when the test fails
        assert worker.returncode == 0, output
        assert "Recycling worker" in output
        runtime(app).broker.flush_all()
        db.session.remove()
        db.engine.dispose()


def rabbit_echo(job_id: int) -> None:
    print(f"rabbit ran job {job_id}")


@pytest.fixture
def rabbitmq_url() -> str:
    try:
        socket.create_connection(("127.0.0.1", 5672), timeout=1).close()
    except OSError:
        pytest.skip("RabbitMQ is not running on 127.0.0.1:5672 (start it to run the RabbitMQ test)")
    return "amqp://guest:guest@127.0.0.1:5672/%2F"


def test_rabbitmq_broker_runs_jobs_and_clear_purges_its_queue(tmp_path, monkeypatch, rabbitmq_url, namespace):
    monkeypatch.setitem(JOB_TYPES, "rabbit_echo", JobType(key="rabbit_echo", label="Echo", perform=rabbit_echo))
    monkeypatch.setenv("BROKER_URL", rabbitmq_url)
    app = make_app(tmp_path, monkeypatch, BROKER_URL=rabbitmq_url, JOBS_BROKER="rabbitmq", JOBS_NAMESPACE=namespace)
    broker = runtime(app).broker
    queue = f"{namespace}.jobs"
    with app.app_context():
        db.create_all()
        waiting = [launch("rabbit_echo")[0].id for _ in range(3)]
        assert broker.get_queue_message_counts(queue)[0] == 3
        result = app.test_cli_runner().invoke(args=["jobs", "clear", "--yes"])
        assert "Cleared 3 jobs" in result.output
        assert broker.get_queue_message_counts(queue)[0] == 0
        job, sent = launch("rabbit_echo")
        assert sent
        assert waiting
        worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
        worker.start()
        try:
            wait_for(lambda: completed_count() == 1, timeout=30)
        finally:
            worker.stop()
            for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
                broker.channel.queue_delete(name)
            broker.close()
        assert "rabbit ran job" in db.session.get(Job, job.id).output
