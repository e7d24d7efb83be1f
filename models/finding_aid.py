"""The current finding aid of a description: a file under the instance folder."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db
from models.base import BIG_ID, NEVER_REUSED, utcnow
from models.job import Job

MIME_TYPES = {"pdf": "application/pdf", "rtf": "application/rtf"}


class FindingAid(db.Model):
    __tablename__ = "finding_aids"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"), unique=True)
    format: Mapped[str] = mapped_column(String(8))
    # A random file name: knowing a slug is not enough to guess where the file is.
    file_name: Mapped[str] = mapped_column(String(128))
    job_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("jobs.id", ondelete="SET NULL"))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a user uploaded the file instead of having it generated.
    uploaded_by: Mapped[str | None] = mapped_column(String(80))

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]

    def shows_published_only(self) -> bool:
        """Whether a viewer may have it: uploaded by staff (for a record the viewer may see), or
        generated "as the public sees it" (published descriptions only)."""
        if self.uploaded_by:
            return True
        job = db.session.get(Job, self.job_id) if self.job_id else None
        return bool(job and (job.parameters or {}).get("public"))

    @classmethod
    def for_description(cls, description_id: int) -> FindingAid | None:
        return db.session.scalar(select(cls).where(cls.description_id == description_id))
