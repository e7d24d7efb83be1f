"""The jobs' history CSV: what the Jobs page exports and what a prune archives before it
deletes, in one format. Here, below both the web and the CLI (and the worker's nightly prune),
so that an archive reads exactly like an export of the same jobs."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from flask import current_app
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
LINE_END = "\r\n"


def csv_chunks(query: Select) -> Iterator[str]:
    """The header, then the CSV text of the jobs ``query`` selects, a chunk per partition."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(HEADER)
    yield drain(buffer)
    for partition in row_partitions(query):
        writer.writerows(partition)
        yield drain(buffer)


def row_partitions(query: Select) -> Iterator[list[tuple]]:
    """The CSV rows of the jobs ``query`` selects, a few thousand at a time (the last cell is
    the job's id).

    Per-row work kept to formatting: status labels and type labels come from small caches,
    dates go through one time-zone object, the status is read as its raw value; plain rows
    from a server-side cursor, so a million jobs never sit in memory."""
    # The contract's vocabulary whatever the user's language: English labels, made plain
    # strings here once (a lazy label would be translated when written).
    with force_locale("en"):
        statuses = {status.value: str(status.label) for status in JobStatus}
        labels = {key: guard_for_spreadsheet(str(job_type.label)) for key, job_type in JOB_TYPES.items()}
    when = time_formatter(ZoneInfo(current_app.config["SITE_TIMEZONE"]))
    columns = query.with_only_columns(
        Job.created_at, Job.finished_at, Job.type, type_coerce(Job.status, String), Job.info, User.username, Job.id
    ).outerjoin(User, User.id == Job.user_id)
    result = db.session.connection().execution_options(stream_results=True, yield_per=5000).execute(columns)
    for partition in result.partitions():
        yield [
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
        ]
