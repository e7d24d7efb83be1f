"""The worker's scheduler tick: launches the schedules that are due, each due time once.

Every worker process ticks (on its heartbeat); ``Schedule.claim`` lets exactly one of them
launch a due time: the others' conditional UPDATE no longer matches. The next due time is
counted from the tick's ``now``, so a schedule due many times while no worker ran runs once.
A worker that dies between its claim and the job's insert loses that one run (never two).
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app

from actors.engine.launching import launch_scheduled
from actors.engine.worker.retention import keep_retention_schedule, start_pruning
from actors.registry import JOB_TYPES
from extensions import db
from models import Overlap, Schedule
from models.base import utcnow
from models.schedule import RETENTION_TYPE, next_due

logger = logging.getLogger(__name__)


def run_due_schedules(now: datetime | None = None) -> int:
    """Launch every unpaused schedule due at ``now`` (naive UTC; default: the clock) that this
    process wins; how many jobs it launched. The built-in retention prunes instead (on a thread)."""
    now = now or utcnow()
    keep_retention_schedule(now)
    launched = 0
    for schedule_id, seen in Schedule.due(now):
        try:
            launched += _run_if_won(schedule_id, seen, now)
        except Exception:  # one schedule's failure must not keep the others from running
            db.session.rollback()
            logger.exception("Schedule %s could not be run", schedule_id)
    return launched


def _run_if_won(schedule_id: int, seen: datetime, now: datetime) -> int:
    schedule = db.session.get(Schedule, schedule_id)
    if schedule is None:
        return 0
    last = schedule.last_job()
    busy = last is not None and last.is_active
    if busy and schedule.overlap == Overlap.WAIT:
        db.session.rollback()
        return 0  # stays due: the tick after that job's end launches it
    following = next_due(schedule.cron, now, current_app.config["SITE_TIMEZONE"])
    db.session.commit()  # no read transaction held across the claim (SQLite: a stale snapshot cannot write)
    if not Schedule.claim(schedule_id, seen, following):
        return 0  # another process launched this due time
    if busy:
        logger.info("Schedule %s skipped its run: job %s still goes on.", schedule.name, last.id if last else "")
        return 0
    if schedule.type == RETENTION_TYPE:
        start_pruning()
        return 0
    if not may_run(schedule):
        logger.warning("Schedule %s not run: its owner may no longer create %r jobs.", schedule.name, schedule.type)
        return 0
    job, _sent = launch_scheduled(schedule, now)
    logger.info("Schedule %s launched job %s.", schedule.name, job.id)
    return 1


def may_run(schedule: Schedule) -> bool:
    """Its type is still installed and its owner (if any) still active and allowed to create it."""
    job_type = JOB_TYPES.get(schedule.type)
    owner = schedule.user
    return job_type is not None and (owner is None or (owner.active and job_type.may_create(owner)))
