"""Clearing jobs: their rows and every file they leave (output log, result, an upload no
remaining job reads); ``history`` writes what they were (the Jobs page's CSV), ``pruning``
archives then clears the old ones."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Select, String, cast, func, select

from extensions import db
from models import Job


def delete_jobs(query: Select, batch_size: int = 1000) -> int:
    """Delete the jobs a query selects, with their files, in batches. Returns how many.

    Batches are ranges of ids (``batch_size`` ids each, from the lowest selected to the
    highest): each reads its own slice of the primary key, never what earlier batches deleted
    (PostgreSQL keeps dead rows until vacuum) nor a sort of every selected job. Their uploaded
    files go too, unless a job that remains (a retry) still reads them. A job whose Undo is
    queued or running stays (``Job.clearable``): its ledger is what the Undo reads."""
    selected = query.where(Job.clearable()).order_by(None)
    first, last = db.session.execute(selected.with_only_columns(func.min(Job.id), func.max(Job.id))).one()
    columns = selected.with_only_columns(Job.id, Job.type, Job.output_path, Job.result_path, Job.parameters)
    deleted = 0
    for low in range(first or 0, (last or -1) + 1, batch_size):
        batch = db.session.execute(columns.where(Job.id >= low, Job.id < low + batch_size)).all()
        if batch:
            deleted += _delete_batch(batch)
    return deleted


def _delete_batch(batch: Sequence[Row]) -> int:
    uploads: dict[str, str] = {}  # path -> job type
    for row in batch:
        for path in filter(None, (row.output_path, row.result_path)):
            Path(path).unlink(missing_ok=True)
        uploads.update((path, row.type) for path in uploaded_files(row.parameters))
    deleted = Job.delete_where(Job.id.in_([row.id for row in batch]))
    db.session.commit()
    for path, job_type in uploads.items():
        if not _still_read(path, job_type):
            Path(path).unlink(missing_ok=True)
    return deleted


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
