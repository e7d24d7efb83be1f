"""Jobs whose worker died: never left "Running" forever (AtoM's most reported failure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from actors.engine import lifecycle
from extensions import db
from models import Job, JobStatus, WorkerProcess
from models.base import utcnow

if TYPE_CHECKING:
    from actors.registry import JobType


def reap_lost_jobs(silent_seconds: float, job_types: Mapping[str, JobType]) -> tuple[int, int]:
    """Running jobs of workers that stopped or went silent: re-queue those safe to run
    again (once), mark the others Error "worker lost". Returns (requeued, failed)."""
    now = utcnow()
    lost_workers = select(WorkerProcess.id).where(
        WorkerProcess.stopped_at.isnot(None) | (WorkerProcess.last_seen_at < now - timedelta(seconds=silent_seconds))
    )
    lost = db.session.execute(
        select(Job.id, Job.type, Job.attempt).where(Job.status == JobStatus.RUNNING, Job.worker_id.in_(lost_workers))
    ).all()
    outcomes = [
        lifecycle.settle_lost(job_id, bool((spec := job_types.get(job_type)) and spec.rerun_safe), attempt, now)
        for job_id, job_type, attempt in lost
    ]
    db.session.commit()
    return outcomes.count("requeued"), outcomes.count("failed")
