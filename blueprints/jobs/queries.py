"""Job queries the pages and the CLI share."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import Job, JobStatus, User, WorkerProcess


def jobs_for(user: User, tab: str):
    """The Jobs page query: what the user may see, newest first; 'active' = queued + running."""
    query = Job.visible_to(user)
    if tab == "active":
        query = query.where(Job.status.in_(JobStatus.active()))
    return query.order_by(Job.id.desc())


@dataclass
class Health:
    workers: list[WorkerProcess]
    last_seen: datetime | None
    queued: int
    running: int

    @property
    def workers_alive(self) -> int:
        return len(self.workers)


def health() -> Health:
    """Whether anyone is working, from heartbeats in the database (never from the broker)."""
    window = current_app.config["WORKER_HEARTBEAT_SECONDS"] * 3
    counts = dict(
        db.session.execute(
            select(Job.status, func.count()).where(Job.status.in_(JobStatus.active())).group_by(Job.status)
        ).all()
    )
    return Health(
        workers=WorkerProcess.alive(window),
        last_seen=WorkerProcess.last_seen(),
        queued=counts.get(JobStatus.QUEUED, 0),
        running=counts.get(JobStatus.RUNNING, 0),
    )


def delete_jobs(query) -> int:
    """Delete the jobs a query selects, with their files, in batches. Returns how many."""
    deleted = 0
    while True:
        batch = db.session.execute(query.with_only_columns(Job.id, Job.output_path, Job.result_path).limit(500)).all()
        if not batch:
            return deleted
        for _, *paths in batch:
            for path in filter(None, paths):
                Path(path).unlink(missing_ok=True)
        deleted += Job.delete_where(Job.id.in_([row.id for row in batch]))
        db.session.commit()
