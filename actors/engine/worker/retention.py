"""The built-in nightly retention: a schedule the worker keeps while JOBS_RETENTION_DAYS is set,
run like any schedule (claimed once per night however many workers) but by the worker itself:
it prunes (actors.engine.clearing.pruning) instead of launching a job.

The prune runs on a thread of its own: a first night with a large backlog takes longer than a
few heartbeats, and a worker that stops beating is taken for lost by the others' reapers.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from actors.engine.clearing.pruning import prune_by_retention
from extensions import db
from models import Overlap, Schedule
from models.schedule import RETENTION_CRON, RETENTION_NAME, RETENTION_TYPE, next_due

logger = logging.getLogger(__name__)


def keep_retention_schedule(now: datetime) -> None:
    """Add the nightly retention schedule when JOBS_RETENTION_DAYS is set and it is missing
    (two workers adding it at once: the unique name keeps one)."""
    if not current_app.config.get("JOBS_RETENTION_DAYS") or Schedule.by_name(RETENTION_NAME) is not None:
        return
    first = next_due(RETENTION_CRON, now, current_app.config["SITE_TIMEZONE"])
    db.session.add(
        Schedule(name=RETENTION_NAME, type=RETENTION_TYPE, cron=RETENTION_CRON, parameters={}, user_id=None,
                 overlap=Overlap.SKIP, paused=False, next_run_at=first)
    )  # fmt: skip
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def prune_now(app: Flask) -> None:
    """Apply JOBS_RETENTION_DAYS (nothing when it is unset), and log what it did."""
    with app.app_context():
        try:
            pruned = prune_by_retention()
        except Exception:  # the next night tries again
            logger.exception("The nightly retention failed")
            return
        finally:
            db.session.remove()
    if pruned is not None:
        logger.info("Retention: archived %d job(s) to %s; pruned %d.", pruned.archived, pruned.archive, pruned.pruned)


def in_background(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="archive-jobs-retention", daemon=True).start()


def start_pruning() -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    in_background(lambda: prune_now(app))
