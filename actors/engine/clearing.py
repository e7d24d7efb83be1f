"""Clearing jobs: their rows and every file they leave (output log, result, an upload no
remaining job reads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Select, String, cast, select

from extensions import db
from models import Job


def delete_jobs(query: Select) -> int:
    """Delete the jobs a query selects, with their files, in batches. Returns how many.

    Their uploaded files go too, unless a job that remains (a retry) still reads them. A job
    whose Undo is queued or running stays (``Job.clearable``): its ledger is what the Undo reads."""
    deleted = 0
    query = query.where(Job.clearable())
    while True:
        batch = db.session.execute(
            query.with_only_columns(Job.id, Job.type, Job.output_path, Job.result_path, Job.parameters).limit(500)
        ).all()
        if not batch:
            return deleted
        uploads: dict[str, str] = {}  # path -> job type
        for row in batch:
            for path in filter(None, (row.output_path, row.result_path)):
                Path(path).unlink(missing_ok=True)
            uploads.update((path, row.type) for path in uploaded_files(row.parameters))
        deleted += Job.delete_where(Job.id.in_([row.id for row in batch]))
        db.session.commit()
        for path, job_type in uploads.items():
            if not _still_read(path, job_type):
                Path(path).unlink(missing_ok=True)


def uploaded_files(parameters: dict[str, Any] | None) -> list[str]:
    """Paths of the files a job's parameters point to (actors.jobs.forms.store_upload)."""
    return [value["path"] for value in (parameters or {}).values() if isinstance(value, dict) and value.get("path")]


def _still_read(path: str, job_type: str) -> bool:
    """Whether a remaining job of that type names the file (its random name; few jobs have uploads)."""
    name = Path(path).name
    return (
        db.session.scalar(
            select(Job.id)
            .where(Job.type == job_type, cast(Job.parameters, String).contains(name, autoescape=True))
            .limit(1)
        )
        is not None
    )
