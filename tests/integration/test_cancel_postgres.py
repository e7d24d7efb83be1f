"""Cancel a running job on PostgreSQL: it stops at its checkpoint and its writes are rolled back."""

from __future__ import annotations

import dramatiq
import pytest
from sqlalchemy import update

from actors.engine.context import checkpoint
from actors.engine.launching import launch
from actors.engine.runtime import runtime
from actors.registry import JOB_TYPES, JobType
from extensions import db
from models import Job, JobStatus, User
from models.base import utcnow
from models.user import create_user
from tests.helpers import make_app, wait_for

pytestmark = pytest.mark.postgres


def write_then_work(job_id: int) -> None:
    """Writes inside its transaction, then works in small steps until canceled."""
    db.session.add(User(username=f"made-by-job-{job_id}", password_hash="-"))
    db.session.flush()
    print("working", flush=True)
    while True:
        checkpoint(min_interval=0)


def test_canceled_running_job_rolls_back_its_writes(tmp_path, monkeypatch, postgres_url):
    monkeypatch.setitem(
        JOB_TYPES, "writer", JobType(key="writer", label="Writer", perform=write_then_work, time_limit_seconds=60)
    )
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=postgres_url)
    with app.app_context():
        db.create_all()
        alice = create_user("alice", "pw")
        job, _ = launch("writer", user=alice)
        worker = dramatiq.Worker(runtime(app).broker, worker_threads=1, worker_timeout=50)
        worker.start()
        try:

            def current() -> Job:
                db.session.expire_all()
                return db.session.get(Job, job.id)

            wait_for(lambda: "working" in current().output, timeout=20)
            db.session.execute(
                update(Job).where(Job.id == job.id).values(cancel_requested_at=utcnow(), canceled_by="alice")
            )
            db.session.commit()
            wait_for(lambda: current().status == JobStatus.CANCELED, timeout=20)
        finally:
            worker.stop()
        finished = db.session.get(Job, job.id)
        assert finished.info == "Canceled by alice."
        assert User.by_username(f"made-by-job-{job.id}") is None
        db.session.remove()
        db.engine.dispose()
