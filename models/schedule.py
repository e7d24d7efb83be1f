"""Schedules: a job type, its form's parameters and a cron expression; the worker launches them.

``next_run_at`` is both when it is due and its lease: a worker claims a due run with an UPDATE
that matches only while ``next_run_at`` still holds the value it read, so of any number of
worker processes and hosts exactly one launches each due time.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Enum, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model, autocommit, db
from models.base import BIG_ID, utcnow
from models.description import ArchivalDescription
from models.job import Job
from models.user import User


class Overlap(enum.Enum):
    """What a due run does while the schedule's previous job is still queued or running."""

    WAIT = "wait"  # stays due; launched once that job ends
    SKIP = "skip"  # that due time is dropped; the next one comes as usual

    @property
    def label(self) -> str:
        return str(OVERLAP_LABELS[self])


OVERLAP_LABELS = {
    Overlap.WAIT: _l("Wait for the previous run"),
    Overlap.SKIP: _l("Skip while the previous run goes on"),
}


# The built-in schedule the worker keeps while JOBS_RETENTION_DAYS is set: not a job type, the
# worker prunes old jobs itself (actors.engine.worker.retention).
RETENTION_NAME = "Nightly retention (built-in)"
RETENTION_TYPE = "jobs_retention"
RETENTION_CRON = "0 3 * * *"


def check_cron(expression: str) -> None:
    """Raise ValueError with cron's own words when ``expression`` is not a cron expression."""
    try:
        CronSim(expression, datetime(2000, 1, 1))
    except CronSimError as error:
        raise ValueError(str(error)) from error


def next_due(expression: str, after: datetime, zone: str) -> datetime:
    """The first time after ``after`` (naive UTC) that ``expression`` names, read as wall-clock
    time in ``zone``, as naive UTC. Daylight saving as cron does it: a time the spring change
    skips runs once, at the first minute after the gap; one the fall change repeats, runs once."""
    local = after.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    return next(CronSim(expression, local)).astimezone(UTC).replace(tzinfo=None)


class Schedule(Model):
    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    # What a launch from the type's form would store: the parameters, and the record apart.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description_id: Mapped[int | None] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="SET NULL"))
    cron: Mapped[str] = mapped_column(String(120))
    # Whose it is and whom its jobs run as (their permissions, their notices); None: the CLI's, as
    # `flask descriptions import` without --user.
    user_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    paused: Mapped[bool] = mapped_column(default=False)
    overlap: Mapped[Overlap] = mapped_column(
        Enum(Overlap, native_enum=False, length=8, values_callable=lambda e: [m.value for m in e]),
        default=Overlap.WAIT,
    )
    next_run_at: Mapped[datetime | None] = mapped_column(index=True)
    last_run_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User | None] = relationship(lazy="joined")
    description: Mapped[ArchivalDescription | None] = relationship(lazy="joined")

    @classmethod
    def by_name(cls, name: str) -> Schedule | None:
        return db.session.scalar(select(cls).where(cls.name == name))

    @classmethod
    def listed(cls, user: User | None = None) -> list[Schedule]:
        """By name; only ``user``'s own unless they are an administrator (None: all, the CLI)."""
        query = select(cls).order_by(cls.name)
        if user is not None and not user.is_admin:
            query = query.where(cls.user_id == user.id)
        return list(db.session.scalars(query))

    @classmethod
    def due(cls, now: datetime) -> list[tuple[int, datetime]]:
        """(id, next_run_at) of the unpaused schedules due at ``now``: what a tick tries to claim."""
        query = select(cls.id, cls.next_run_at).where(cls.paused.is_(False), cls.next_run_at <= now)
        return [(row.id, row.next_run_at) for row in db.session.execute(query.order_by(cls.next_run_at))]

    @classmethod
    def claim(cls, schedule_id: int, seen: datetime, next_run_at: datetime) -> bool:
        """Move a due schedule on to ``next_run_at`` if no other process did since it read
        ``seen``; whether this one won. One statement, committed at once: the row is the lease."""
        statement = (
            update(cls)
            .where(cls.id == schedule_id, cls.next_run_at == seen, cls.paused.is_(False))
            .values(next_run_at=next_run_at)
        )
        with autocommit() as connection:
            return connection.execute(statement).rowcount == 1

    def last_job(self) -> Job | None:
        """Its newest job (none once pruned or cleared): a job names its schedule, so the
        schedule needs no column of its own that a prune would leave dangling."""
        return db.session.scalar(select(Job).where(Job.schedule_id == self.id).order_by(Job.id.desc()).limit(1))

    def __repr__(self) -> str:
        return f"<Schedule {self.name} {self.type} {self.cron!r}>"
