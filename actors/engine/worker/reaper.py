"""Jobs whose worker died or dropped them: never left "Running" forever (AtoM's most reported failure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from actors.engine import lifecycle
from extensions import db
from models import Job, JobStatus, WorkerProcess
from models.base import utcnow

if TYPE_CHECKING:
    from actors.registry import JobType


def reap_lost_jobs(silent_seconds: float, job_types: Mapping[str, JobType]) -> tuple[int, int]:
    """Running jobs of workers that stopped or went silent, and Running jobs no worker has said
    it runs for as long (their worker beats, but the job's end was never saved): re-queue those
    safe to run again (once), mark the others Error. Returns (requeued, failed)."""
    now = utcnow()
    since = now - timedelta(seconds=silent_seconds)
    lost_workers = select(WorkerProcess.id).where(
        WorkerProcess.stopped_at.isnot(None) | (WorkerProcess.last_seen_at < since)
    )
    worker_lost = Job.worker_id.in_(lost_workers)
    lost = db.session.execute(
        select(Job.id, Job.type, Job.attempt, worker_lost).where(
            Job.status == JobStatus.RUNNING, worker_lost | (func.coalesce(Job.alive_at, Job.started_at) < since)
        )
    ).all()
    outcomes = [
        lifecycle.settle_lost(
            job_id, bool((spec := job_types.get(job_type)) and spec.rerun_safe), attempt, now, stalled=not gone
        )
        for job_id, job_type, attempt, gone in lost
    ]
    db.session.commit()
    return outcomes.count("requeued"), outcomes.count("failed")
