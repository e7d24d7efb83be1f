"""Record locks on PostgreSQL, where claims are serialized by an advisory lock."""

from __future__ import annotations

import time

import dramatiq
import pytest

from actors.engine.launching import launch
from actors.engine.runtime import runtime
from actors.registry import JOB_TYPES, JobType
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription, Job, JobStatus
from tests.helpers import make_app, wait_for

pytestmark = pytest.mark.postgres


RUNS: dict[int, tuple[float, float]] = {}


def rewrite(job_id: int) -> None:
    """Records when its body really ran (row timestamps are taken a moment before the SQL runs)."""
    started = time.monotonic()
    print(f"job {job_id} rewrote its tree")
    time.sleep(0.01)  # stands for the work on the tree
    RUNS[job_id] = (started, time.monotonic())


def test_many_jobs_on_one_tree_never_overlap(tmp_path, monkeypatch, postgres_url):
    monkeypatch.setitem(
        JOB_TYPES, "rewrite", JobType(key="rewrite", label="Rewrite", perform=rewrite, locks_record=True)
    )
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=postgres_url, JOBS_WAIT_RETRY_SECONDS=0.05)
    with app.app_context():
        db.create_all()
        root = ArchivalDescription.by_slug(insert_demo_fonds(20))
        children = root.children()
        job_ids = [launch("rewrite", description=record)[0].id for record in [root, *children] * 3]
        worker = dramatiq.Worker(runtime(app).broker, worker_threads=4, worker_timeout=50)
        worker.start()
        try:

            def all_completed() -> bool:
                db.session.expire_all()
                return db.session.query(Job).filter(Job.status == JobStatus.COMPLETED).count() == len(job_ids)

            wait_for(all_completed, timeout=60)
        finally:
            worker.stop()
        jobs = db.session.query(Job).all()
        spans = {job.id: RUNS[job.id] for job in jobs}
        overlapping_pairs = [
            (a, b)
            for a in jobs
            for b in jobs
            if a.id < b.id and (root.id in (a.description_id, b.description_id) or a.description_id == b.description_id)
        ]
        assert len(overlapping_pairs) >= 20
        for a, b in overlapping_pairs:
            (a_start, a_end), (b_start, b_end) = spans[a.id], spans[b.id]
            assert a_end <= b_start or b_end <= a_start, f"jobs {a.id} and {b.id} rewrote overlapping sub-trees at once"
        siblings_in_parallel = any(
            spans[a.id][0] < spans[b.id][1] and spans[b.id][0] < spans[a.id][1]
            for a in jobs
            for b in jobs
            if a.id < b.id
        )
        print("siblings ran in parallel:", siblings_in_parallel)
        db.session.remove()
        db.engine.dispose()
