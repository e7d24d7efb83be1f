"""Jobs: the database row is the truth about every piece of background work."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ColumnElement, Enum, ForeignKey, Index, String, Text, delete, exists, select, text, update
from sqlalchemy.orm import Mapped, aliased, joinedload, mapped_column, relationship

from extensions import Model, autocommit, db, rowcount
from models.base import BIG_ID, utcnow
from models.description import ArchivalDescription
from models.user import User

# Where the stored output dropped its middle (beginning and end are kept; the log file has all).
TRUNCATION_MARKER = "\n[... {skipped} characters omitted here; download the full output ...]\n"
_MARKER_HEAD, _MARKER_TAIL = TRUNCATION_MARKER.split("{skipped}")


class JobStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    ERROR = "error"
    CANCELED = "canceled"

    @property
    def label(self) -> str:
        """In the current language (the CSV and the CLI use English: see blueprints.jobs.export)."""
        return str(STATUS_LABELS[self])

    @property
    def lazy_label(self):
        """The label translated when shown: for lists built at import time."""
        return STATUS_LABELS[self]

    @classmethod
    def active(cls) -> tuple[JobStatus, ...]:
        return (cls.QUEUED, cls.RUNNING)

    @classmethod
    def inactive(cls) -> tuple[JobStatus, ...]:
        return (cls.COMPLETED, cls.ERROR, cls.CANCELED)


STATUS_LABELS = {
    JobStatus.QUEUED: _l("Queued"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.COMPLETED: _l("Completed"),
    JobStatus.ERROR: _l("Error"),
    JobStatus.CANCELED: _l("Canceled"),
}


ACTIVE_UNDO = text("undo_of_id IS NOT NULL AND status IN ('queued', 'running')")


class Job(Model):
    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_user_id_id", "user_id", "id"),
        Index("ix_jobs_status_id", "status", "id"),
        Index("ix_jobs_user_status_id", "user_id", "status", "id"),
        Index("ix_jobs_type_id", "type", "id"),
        Index("ix_jobs_description_id", "description_id"),
        Index("ix_jobs_status_finished_at", "status", "finished_at"),
        Index("ix_jobs_user_status_finished_at", "user_id", "status", "finished_at"),
        Index("ix_jobs_retry_of_id", "retry_of_id"),
        Index("ix_jobs_undo_of_id", "undo_of_id"),
        Index("ix_jobs_schedule_id_id", "schedule_id", "id"),
        # One Undo of a job queued or running at a time: simultaneous launches cannot both win.
        Index(
            "ix_jobs_one_active_undo", "undo_of_id", unique=True, sqlite_where=ACTIVE_UNDO, postgresql_where=ACTIVE_UNDO
        ),
        # Ids are never used twice, even after "Clear inactive jobs" removed the highest ones:
        # old links, e-mails and exported CSV rows must not point at someone else's job.
        # (PostgreSQL's sequence never goes back; SQLite needs AUTOINCREMENT.)
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=JobStatus.QUEUED,
    )
    user_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("users.id", ondelete="SET NULL"))
    description_id: Mapped[int | None] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="SET NULL"))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    # Last time its worker said it still runs it (the claim, then every heartbeat): a Running job
    # no worker speaks for any more is settled by the reaper, even when its worker is alive.
    alive_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    info: Mapped[str | None] = mapped_column(String(1024))
    output: Mapped[str] = mapped_column(Text, default="")
    output_path: Mapped[str | None] = mapped_column(String(512))
    result_path: Mapped[str | None] = mapped_column(String(512))
    progress_done: Mapped[int | None]
    progress_total: Mapped[int | None]
    progress_unit: Mapped[str | None] = mapped_column(String(16))  # what it counts: descriptions, rows, bytes
    worker_id: Mapped[str | None] = mapped_column(String(36))
    retry_of_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("jobs.id", ondelete="SET NULL"))
    undo_of_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("jobs.id", ondelete="SET NULL"))  # an Undo's job
    attempt: Mapped[int] = mapped_column(default=1, server_default="1")
    # Cancel is cooperative: a running job stops at its next checkpoint.
    cancel_requested_at: Mapped[datetime | None]
    canceled_by: Mapped[str | None] = mapped_column(String(80))
    # The language of the user who launched it: its Info, output and errors are written in it
    # (None: launched before jobs kept one; the site's default language).
    locale: Mapped[str | None] = mapped_column(String(8))
    # The schedule that launched it (models.schedule); None: launched by hand, or its schedule removed.
    schedule_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("schedules.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(lazy="joined")
    description: Mapped[ArchivalDescription | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status in JobStatus.active()

    @property
    def duration(self) -> timedelta | None:
        """How long it ran (so far, while running); None before it started."""
        if self.started_at is None:
            return None
        return (self.finished_at or utcnow()) - self.started_at

    @property
    def progress_percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * (self.progress_done or 0) / self.progress_total))

    @property
    def stopped_midway(self) -> bool:
        """Failed or canceled before the end of its progress: its bar shows where it stopped."""
        return (
            self.status in (JobStatus.ERROR, JobStatus.CANCELED)
            and bool(self.progress_total)
            and self.progress_done != self.progress_total
        )

    @property
    def output_truncated(self) -> bool:
        """Whether the stored output dropped its middle: its tail then moves, so it cannot be appended to."""
        output = self.output or ""
        start = output.find(_MARKER_HEAD)
        return start >= 0 and _MARKER_TAIL in output[start:]

    @classmethod
    def cancel_request(cls, job_id: int) -> tuple[bool, str | None]:
        """(whether someone asked to cancel the job, who), read on a fresh autocommit connection:
        the running job's own transaction may hold an old snapshot."""
        with autocommit() as connection:
            row = connection.execute(
                select(cls.cancel_requested_at, cls.canceled_by).where(cls.id == job_id)
            ).one_or_none()
        return (row is not None and row.cancel_requested_at is not None), (row.canceled_by if row else None)

    @classmethod
    def visible_to(cls, user: User):
        """Jobs a user may see: admins see everyone's, others only their own. Of the related
        record, only what a list shows (its slug and title), not the whole ISAD(G) record."""
        query = select(cls).options(
            joinedload(cls.description).load_only(
                ArchivalDescription.id, ArchivalDescription.slug, ArchivalDescription.title
            )
        )
        if not user.is_admin:
            query = query.where(cls.user_id == user.id)
        return query

    @classmethod
    def get_existing(cls, job_id: int) -> Job:
        """The job with this id; a clear error if its row is gone (cleared meanwhile)."""
        job = db.session.get(cls, job_id)
        if job is None:
            raise LookupError(f"Job {job_id} no longer exists.")
        return job

    @classmethod
    def get_visible(cls, job_id: int, user: User) -> Job | None:
        return db.session.scalar(cls.visible_to(user).where(cls.id == job_id))

    @classmethod
    def inactive_of(cls, user_id: int):
        """A user's jobs that "Clear inactive jobs" deletes."""
        return select(cls).where(cls.user_id == user_id, cls.status.in_(JobStatus.inactive()), cls.clearable())

    @classmethod
    def clearable(cls) -> ColumnElement[bool]:
        """Neither an Undo queued or running nor the job of one: clearing either would take a
        ledger the Undo reads or writes (what it deleted could not be put back)."""
        undo = aliased(cls)
        return ~exists().where(undo.undo_of_id == cls.id, undo.status.in_(JobStatus.active())) & ~(
            cls.undo_of_id.isnot(None) & cls.status.in_(JobStatus.active())
        )

    @classmethod
    def set_during_run(cls, job_id: int, attempt: int | None, **values: Any) -> bool:
        """Write a running job's own fields (its result file, its record) in the caller's
        transaction; with an attempt, only while the job is still Running as that attempt (the
        reaper may have given it to another). Whether the row was written."""
        statement = update(cls).where(cls.id == job_id)
        if attempt is not None:
            statement = statement.where(cls.status == JobStatus.RUNNING, cls.attempt == attempt)
        return rowcount(statement.values(**values)) == 1

    @classmethod
    def delete_where(cls, *criteria) -> int:
        return rowcount(delete(cls).where(*criteria))

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.type} {self.status.value}>"
