"""The current finding aid of a description: a row and its file under the instance folder, replaced
or deleted together."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db
from models.base import BIG_ID, NEVER_REUSED, utcnow
from models.description import ArchivalDescription
from models.job import Job

MIME_TYPES = {"pdf": "application/pdf", "rtf": "application/rtf"}


class FindingAid(Model):
    __tablename__ = "finding_aids"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"), unique=True)
    format: Mapped[str] = mapped_column(String(8))
    # A random file name: knowing a slug is not enough to guess where the file is.
    file_name: Mapped[str] = mapped_column(String(128))
    job_id: Mapped[int | None] = mapped_column(BIG_ID, ForeignKey("jobs.id", ondelete="SET NULL"), index=True)
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


def finding_aid_dir() -> Path:
    return Path(current_app.instance_path) / "finding-aids"


def replace_finding_aid(
    description_id: int, fmt: str, file_name: str, *, job_id: int | None = None, uploaded_by: str | None = None
) -> None:
    """Point the description at the new file and delete the one it replaces.

    Locks the description row first: a second job for the same record waits here,
    then sees (and replaces) this one's finding aid instead of inserting a duplicate.
    """
    ArchivalDescription.lock_row(description_id)
    aid = FindingAid.for_description(description_id)
    old_file = aid.file_name if aid else None
    if aid is None:
        aid = FindingAid(description_id=description_id)
        db.session.add(aid)
    aid.format, aid.file_name, aid.job_id, aid.generated_at = fmt, file_name, job_id, utcnow()
    aid.uploaded_by = uploaded_by
    db.session.commit()
    if old_file and old_file != file_name:
        (finding_aid_dir() / old_file).unlink(missing_ok=True)


def delete_finding_aid(description_id: int) -> bool:
    """Remove the description's finding aid and its file; False when there was none."""
    aid = FindingAid.for_description(description_id)
    if aid is None:
        return False
    (finding_aid_dir() / aid.file_name).unlink(missing_ok=True)
    db.session.delete(aid)
    db.session.commit()
    return True
