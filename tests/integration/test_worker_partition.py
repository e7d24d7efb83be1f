"""A worker cut off from the network (TCP proxies of the test's own in front of PostgreSQL and
Redis, paused): the reaper settles its job, another worker runs the next attempt, and when the
cut-off worker comes back its late output and "finished" cannot overwrite that attempt
(fencing by attempt number)."""

from __future__ import annotations

import subprocess
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import select

from actors.engine.launching import launch
from actors.engine.runtime import runtime
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription, Job, JobStatus, WorkerProcess
from tests.helpers import make_app, wait_for
from tests.integration.private_services import PausableProxy, start_worker

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def through(proxy: PausableProxy, url: str) -> str:
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{proxy.port}"))


def well_on_its_way(job: Job) -> str | None:
    """The worker id, once most of the job's work is done."""
    return job.worker_id if job.progress_total and job.progress_done >= 0.7 * job.progress_total else None


def fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_a_cut_off_worker_cannot_overwrite_the_attempt_that_replaced_it(tmp_path, monkeypatch, postgres_url,
                                                                        redis_url, namespace):  # fmt: skip
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=postgres_url, JOBS_BROKER="redis",
                   REDIS_URL=redis_url, JOBS_NAMESPACE=namespace)  # fmt: skip
    database, queue = (
        PausableProxy(urlsplit(postgres_url).port or 5432),
        PausableProxy(urlsplit(redis_url).port or 6379),
    )
    workers: list[subprocess.Popen] = []
    with app.app_context():
        db.create_all()
        slug = insert_demo_fonds(450)  # a render of several seconds, in the worker's own process
        db.session.commit()
        try:
            cut_off = start_worker(
                tmp_path, "cut-off", through(database, postgres_url), through(queue, redis_url), namespace
            )
            workers.append(cut_off)
            job, sent = launch(
                "finding_aid", description=ArchivalDescription.by_slug(slug), parameters={"format": "pdf"}
            )
            assert sent
            # Most of its work done: once back, it finishes while the next attempt still runs.
            first = wait_for(
                lambda: well_on_its_way(fresh(job.id)),
                timeout=90,
                what="the first attempt to be well on its way",
            )

            database.pause()  # the first worker's connections stall mid-job
            queue.pause()
            workers.append(start_worker(tmp_path, "replacement", postgres_url, redis_url, namespace))
            # The replacement's reaper finds the silent worker's job and runs it again.
            second = wait_for(
                lambda: (j := fresh(job.id)).attempt == 2 and j.status == JobStatus.RUNNING and j.worker_id,
                timeout=90,
                what="the next attempt to run on the replacement",
            )
            assert second != first
            database.resume()  # the first worker comes back, its attempt-1 writes arrive late
            queue.resume()

            log = tmp_path / "cut-off.log"
            wait_for(lambda: "settled meanwhile" in log.read_text(), timeout=120, what="the cut-off worker's outcome")
            now = fresh(job.id)  # its late "finished" found the row run by the next attempt: unchanged
            assert (now.status, now.attempt, now.worker_id) == (JobStatus.RUNNING, 2, second)
            assert "Worker lost; re-queued as attempt 2" in now.output

            wait_for(lambda: fresh(job.id).status == JobStatus.COMPLETED, timeout=180, what="the job to complete")
            job = fresh(job.id)
            assert (job.attempt, job.worker_id) == (2, second)  # the replacement's run, not the late one's
            assert "Worker lost; re-queued as attempt 2" in job.output  # not overwritten by the late output
            assert job.output.count("Finding aid written") == 1
            assert db.session.scalar(select(WorkerProcess.id).where(WorkerProcess.id == first)) == first
        finally:
            database.resume()
            queue.resume()
            for process in workers:
                process.terminate()
            for process in workers:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
            database.close()
            queue.close()
            runtime(app).broker.flush_all()
            db.session.remove()
            db.engine.dispose()
