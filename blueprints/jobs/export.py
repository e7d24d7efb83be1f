"""Export history CSV, streamed row by row so a million jobs never sit in memory."""
from __future__ import annotations

import csv
import io
from typing import Iterator

from flask import Response, stream_with_context
from sqlalchemy import Select

from actors.registry import label_for
from blueprints.formatting import site_time
from extensions import db
from models import Job, User

HEADER = ("startDate", "endDate", "jobName", "jobStatus", "jobInfo", "jobUser")
# A cell a spreadsheet would run as a formula is prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _rows(query: Select) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(HEADER)
    yield take()
    columns = query.with_only_columns(
        Job.created_at, Job.finished_at, Job.type, Job.status, Job.info, User.username
    ).outerjoin(User, User.id == Job.user_id)
    result = db.session.execute(columns.execution_options(yield_per=2000))
    for n, (created, finished, type_key, status, info, username) in enumerate(result, start=1):
        writer.writerow(
            (
                site_time(created),
                site_time(finished),
                neutralize(label_for(type_key)),
                status.label,
                neutralize(info or ""),
                neutralize(username or ""),
            )
        )
        if n % 500 == 0:
            yield take()
    yield take()


def csv_response(query: Select) -> Response:
    return Response(
        stream_with_context(_rows(query)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=jobs-history.csv"},
    )
