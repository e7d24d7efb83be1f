"""Reading a job's ledger back: field by field, and as a CSV (streamed: a ledger can hold
millions of rows). Plain data, in English, for the pages, the download and the CLI alike."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from actors.formats.spreadsheet import drain, guard_for_spreadsheet
from actors.ledger.values import SHOWN
from extensions import db
from models.changes import ChangeKind, RecordChange, changes_of

UNSHOWN = {"rights_created"}  # kept to undo exactly, not a change anyone reads
HEADER = ("job", "change", "description_id", "slug", "title", "field", "before", "after")


def field_changes(change: RecordChange) -> list[tuple[str, Any, Any]]:
    """(field, before, after) for each field the change touched; for a creation, what was
    created (title, level, parent); none for a skip or a deletion (whose before is the whole
    record, kept to insert it again)."""
    if change.kind == ChangeKind.DELETED.value:
        return []
    if change.kind == ChangeKind.CREATED.value:
        after = change.after or {}
        return [(name, None, after[name]) for name in SHOWN if name in after]
    before, after = change.before or {}, change.after or {}
    names = [name for name in dict.fromkeys([*before, *after]) if name not in UNSHOWN]
    return [(name, before.get(name), after.get(name)) for name in names]


def csv_lines(job_id: int) -> Iterator[str]:
    """The ledger as CSV lines: one per field changed (one per record created, moved back or skipped)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for number, (change, title, slug) in enumerate(
        db.session.execute(changes_of(job_id).execution_options(yield_per=1000)), start=1
    ):
        for field, before, after in field_changes(change) or [("", None, None)]:
            writer.writerow(
                (
                    job_id,
                    change.kind,
                    change.description_id,
                    slug or "",
                    guard_for_spreadsheet(title or ledger_title(change) or ""),
                    field,
                    guard_for_spreadsheet(_cell(before)),
                    guard_for_spreadsheet(_cell(after)),
                )
            )
        if number % 1000 == 0 or number == 1:
            yield drain(buffer)
    yield drain(buffer)


def ledger_title(change: RecordChange) -> str | None:
    """The title the ledger keeps of a record (the only one left once it is deleted)."""
    return (change.after or {}).get("title") or (change.before or {}).get("title")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)
