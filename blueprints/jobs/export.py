"""Export history CSV, streamed chunk by chunk so a million jobs never sit in memory (the rows
are built in actors.engine.clearing.history, which a prune's archive shares)."""

from __future__ import annotations

from flask import Response, stream_with_context
from sqlalchemy import Select

from actors.engine.clearing.history import csv_chunks


def csv_response(query: Select) -> Response:
    return Response(
        stream_with_context(csv_chunks(query)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=jobs-history.csv"},
    )
