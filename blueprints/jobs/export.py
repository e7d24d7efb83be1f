"""Export history CSV, streamed row by row so a million jobs never sit in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import Response, current_app, stream_with_context
from flask_babel import force_locale
from sqlalchemy import Select, String, type_coerce

from actors.formats.spreadsheet import drain, guard_for_spreadsheet
from actors.registry import JOB_TYPES
from actors.wording import time_formatter
from extensions import db
from models import Job, JobStatus, User

# AtoM's six first, in its order (the contract); then the job number, so that a row can be
# matched to "#12" on the Jobs page.
HEADER = ("startDate", "endDate", "jobName", "jobStatus", "jobInfo", "jobUser", "jobId")


def _rows(query: Select) -> Iterator[str]:
    """Per-row work kept to formatting: status labels and type labels come from small
    caches, dates go through one time-zone object, the status is read as its raw value."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    writer.writerow(HEADER)
    yield drain(buffer)
    # The contract's vocabulary whatever the user's language: English labels, made plain
    # strings here once (a lazy label would be translated when written).
    with force_locale("en"):
        statuses = {status.value: str(status.label) for status in JobStatus}
        labels = {key: guard_for_spreadsheet(str(job_type.label)) for key, job_type in JOB_TYPES.items()}
    when = time_formatter(ZoneInfo(current_app.config["SITE_TIMEZONE"]))
    columns = query.with_only_columns(
        Job.created_at, Job.finished_at, Job.type, type_coerce(Job.status, String), Job.info, User.username, Job.id
    ).outerjoin(User, User.id == Job.user_id)
    # Plain rows from a server-side cursor: no ORM loading per row.
    result = db.session.connection().execution_options(stream_results=True, yield_per=5000).execute(columns)
    for partition in result.partitions():
        writer.writerows(
            (
                when(created),
                when(finished),
                labels.get(type_key)
                or labels.setdefault(type_key, guard_for_spreadsheet(type_key)),  # uninstalled: its key
                statuses.get(status, status),
                guard_for_spreadsheet(info) if info else "",
                guard_for_spreadsheet(username) if username else "",
                job_id,
            )
            for created, finished, type_key, status, info, username, job_id in partition
        )
        yield drain(buffer)


def csv_response(query: Select) -> Response:
    return Response(
        stream_with_context(_rows(query)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=jobs-history.csv"},
    )
