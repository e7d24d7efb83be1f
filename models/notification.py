"""Notices to a job's owner that it ended: what the header counts and /notifications lists.

A notice keeps a copy of what it says (the job's number, type, record title and result line):
"Clear inactive jobs" or a prune may delete the job, and the notice must still read.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Enum, ForeignKey, Index, Insert, String, and_, case, func, literal, select, update
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db
from models.base import BIG_ID, utcnow
from models.description import ArchivalDescription
from models.job import Job, JobStatus
from models.user import NotifyOn, User

# A completion is worth an e-mail under "errors" when the job ran at least this long: nobody
# waits at the page for it any more.
LONG_RUN = timedelta(minutes=1)


class NoticeKind(enum.Enum):
    COMPLETED = "completed"
    ERROR = "error"
    CANCELED = "canceled"  # by someone else (canceling one's own job tells nobody anything)
    REQUEUED = "requeued"  # its worker was lost; it runs again

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {
    NoticeKind.COMPLETED: _l("Completed"),
    NoticeKind.ERROR: _l("Error"),
    NoticeKind.CANCELED: _l("Canceled by someone else"),
    NoticeKind.REQUEUED: _l("Lost and re-queued"),
}
# The notice a job's status makes (Queued again: only a lost job's re-queue records one).
_KIND_OF_STATUS = {
    JobStatus.COMPLETED.value: NoticeKind.COMPLETED.value,
    JobStatus.ERROR.value: NoticeKind.ERROR.value,
    JobStatus.CANCELED.value: NoticeKind.CANCELED.value,
    JobStatus.QUEUED.value: NoticeKind.REQUEUED.value,
}


class Notification(Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("users.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("jobs.id", ondelete="SET NULL"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(
        Enum(NoticeKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    job_number: Mapped[int] = mapped_column(BIG_ID)
    job_type: Mapped[str] = mapped_column(String(64))
    record_title: Mapped[str | None] = mapped_column(String(1024))
    info: Mapped[str | None] = mapped_column(String(1024))
    job_started_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    mailed_at: Mapped[datetime | None]

    @classmethod
    def record_endings(cls, *criteria: ColumnElement[bool]) -> list[int]:
        """Notices for the jobs matching ``criteria`` in the session's transaction; their ids."""
        return list(db.session.scalars(cls.endings(literal(utcnow(), type_=cls.created_at.type), *criteria)))

    @classmethod
    def endings(cls, now: ColumnElement[datetime], *criteria: ColumnElement[bool]) -> Insert:
        """One notice for each owner of the jobs matching ``criteria`` as they now stand, in one
        INSERT ... SELECT (a bulk cancel of 1,000 jobs is one statement), RETURNING their ids;
        none for a job without an owner (the CLI's) nor for one its owner canceled."""
        source = (
            select(
                Job.user_id,
                Job.id,
                case(_KIND_OF_STATUS, value=Job.status),
                Job.id,
                Job.type,
                ArchivalDescription.title,
                Job.info,
                Job.started_at,
                now,
            )
            .join(User, User.id == Job.user_id)
            .outerjoin(ArchivalDescription, ArchivalDescription.id == Job.description_id)
            .where(*criteria, ~and_(Job.status == JobStatus.CANCELED, Job.canceled_by == User.username))
        )
        columns = ["user_id", "job_id", "kind", "job_number", "job_type", "record_title", "info", "job_started_at"]
        return cls.__table__.insert().from_select([*columns, "created_at"], source).returning(cls.id)

    @classmethod
    def wanting_mail(cls, ids: list[int]) -> list[int]:
        """Of these notices, those whose owner asked for an e-mail about them and has an address:
        "all", or "errors" for an Error, a cancel by someone else, and a completion of a long run."""
        query = (
            select(cls.id, cls.kind, cls.job_started_at, cls.created_at, User.notify_on)
            .join(User, User.id == cls.user_id)
            .where(cls.id.in_(ids), User.email.isnot(None), User.email != "", User.notify_on != NotifyOn.NONE)
        )
        return [row.id for row in db.session.execute(query) if _worth_mail(row.notify_on, row)]

    @classmethod
    def unread_count(cls, user_id: int) -> int:
        return db.session.scalar(select(func.count()).where(cls.user_id == user_id, cls.read_at.is_(None))) or 0

    @classmethod
    def newest(cls, user_id: int, limit: int) -> list[Notification]:
        return list(db.session.scalars(select(cls).where(cls.user_id == user_id).order_by(cls.id.desc()).limit(limit)))

    @classmethod
    def mark_read(cls, user_id: int, ids: Collection[int] | None = None) -> int:
        """Mark the user's unread notices read (only ``ids``: those a page showed); how many."""
        statement = update(cls).where(cls.user_id == user_id, cls.read_at.is_(None))
        if ids is not None:
            statement = statement.where(cls.id.in_(ids))
        return db.session.execute(statement.values(read_at=utcnow())).rowcount  # type: ignore[attr-defined]


def _worth_mail(notify_on: NotifyOn, notice) -> bool:
    if notify_on == NotifyOn.ALL:
        return True
    if notice.kind in (NoticeKind.ERROR, NoticeKind.CANCELED):
        return True
    started = notice.job_started_at
    return notice.kind == NoticeKind.COMPLETED and started is not None and notice.created_at - started >= LONG_RUN
