"""Clearing jobs: their rows and every file they leave (output log, result, an upload no
remaining job reads); ``history`` writes what they were (the Jobs page's CSV), ``pruning``
archives then clears the old ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Select, String, Text, cast, delete, func, select

from extensions import db
from models import Job


def delete_jobs(query: Select, batch_size: int = 5000) -> int:
    """Delete the jobs a query selects, with their files, in batches. Returns how many.

    Batches are ranges of ids (``batch_size`` ids each, from the lowest selected to the
    highest): each reads its own slice of the primary key, never what earlier batches deleted
    (PostgreSQL keeps dead rows until vacuum) nor a sort of every selected job. Their uploaded
    files go too, unless a job that remains (a retry) still reads them. A job whose Undo is
    queued or running stays (``Job.clearable``): its ledger is what the Undo reads."""
    selected = query.where(Job.clearable()).order_by(None)
    first, last = db.session.execute(selected.with_only_columns(func.min(Job.id), func.max(Job.id))).one()
    deleted = 0
    for low in range(first or 0, (last or -1) + 1, batch_size):
        deleted += _delete_batch(selected.with_only_columns(Job.id).where(Job.id >= low, Job.id < low + batch_size))
    return deleted


def _delete_batch(ids: Select) -> int:
    """One statement for a range: the jobs' rows deleted and what their files need returned (a
    SELECT then a DELETE cost two round trips and the rows twice); the files go once that is
    committed, never those of a job still there. The six foreign keys to ``jobs.id`` (retry,
    Undo, both ledgers, finding aids, notices) act per deleted row on PostgreSQL whatever is
    done first; each has its index (a row's check is a probe, not a scan)."""
    rows = db.session.execute(
        delete(Job)
        .where(Job.id.in_(ids.scalar_subquery()))
        .returning(Job.type, Job.output_path, Job.result_path, cast(Job.parameters, Text).label("parameters"))
        .execution_options(synchronize_session="fetch")  # (a job loaded in the session is gone with it)
    ).all()
    db.session.commit()
    uploads: dict[str, str] = {}  # path -> job type
    for row in rows:
        for path in filter(None, (row.output_path, row.result_path)):
            Path(path).unlink(missing_ok=True)
        if row.parameters and '"path"' in row.parameters:  # (as text: most jobs have no upload to parse)
            uploads.update((path, row.type) for path in uploaded_files(json.loads(row.parameters)))
    for path, job_type in uploads.items():
        if not _still_read(path, job_type):
            Path(path).unlink(missing_ok=True)
    return len(rows)


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
