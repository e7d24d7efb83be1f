"""Jobs whose worker died: never left "Running" forever (AtoM's most reported failure)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from actors.outcomes import MAX_ATTEMPTS, requeue_values, rerun_safe
from extensions import db
from models import Job, JobStatus, WorkerProcess
from models.base import utcnow


def reap_lost_jobs(silent_seconds: float) -> tuple[int, int]:
    """Running jobs of workers that stopped or went silent: re-queue those safe to run
    again (once), mark the others Error "worker lost". Returns (requeued, failed)."""
    now = utcnow()
    lost_workers = select(WorkerProcess.id).where(
        WorkerProcess.stopped_at.isnot(None) | (WorkerProcess.last_seen_at < now - timedelta(seconds=silent_seconds))
    )
    lost = db.session.execute(
        select(Job.id, Job.type, Job.attempt).where(Job.status == JobStatus.RUNNING, Job.worker_id.in_(lost_workers))
    ).all()
    requeued = failed = 0
    stamp = f"{now:%Y-%m-%d %H:%M:%S} UTC"
    for job_id, job_type, attempt in lost:
        if rerun_safe(job_type) and attempt < MAX_ATTEMPTS:
            note = f"\n[{stamp}] Worker lost; re-queued as attempt {attempt + 1}.\n"
            values = requeue_values(attempt, "Re-queued after its worker was lost.")
            requeued += _settle(job_id, note, values)
        else:
            note = f"\n[{stamp}] Worker lost: the worker running this job stopped before it finished.\n"
            values = {"status": JobStatus.ERROR, "finished_at": now, "info": f"Worker lost at {stamp}."}
            failed += _settle(job_id, note, values)
    db.session.commit()
    return requeued, failed


def _settle(job_id: int, note: str, values: dict) -> int:
    """One conditional UPDATE: a job that finished meanwhile is left alone."""
    return db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING)
        .values(output=Job.output + note, **values)
    ).rowcount
