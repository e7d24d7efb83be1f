"""Writing the changes ledger (models.changes) from a job, in the job's own transaction.

Tree-wide changes are recorded set-based, by one INSERT ... SELECT run just before the
UPDATE it describes, reading the before-values in the database: a publication change on
100,000 descriptions writes its 100,000 ledger rows without a row passing through Python.
Batch writers (imports) hand over the rows they already hold.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, Integer, bindparam, func, insert, literal, or_, select

from extensions import db, rowcount
from models import ArchivalDescription as D
from models import ChangeKind, RecordChange

LEDGER = RecordChange.__table__


def record_updates(job_id: int, where: ColumnElement[bool], values: Mapping[str, Any]) -> int:
    """Ledger the coming ``UPDATE descriptions SET values WHERE where``: one "updated" row per
    description it will change, with the before-values of the fields it sets. Rows where
    every field already has its new value are left out, as the UPDATE should leave them.
    Returns how many were recorded."""
    columns = {name: getattr(D, name) for name in values}
    differs = [column.is_distinct_from(values[name]) for name, column in columns.items()]
    rows = select(
        literal(job_id),
        D.id,
        literal(ChangeKind.UPDATED.value),
        json_object(columns),
        literal({name: jsonable(value) for name, value in values.items()}, JSON),
    ).where(where, or_(*differs))
    return rowcount(
        insert(LEDGER)
        .from_select(["job_id", "description_id", "kind", "before", "after"], rows)
        .execution_options(preserve_rowcount=True)
    )


def record_rows(job_id: int, kind: ChangeKind, rows: Iterable[tuple[int, dict | None, dict | None]]) -> None:
    """Ledger rows a job already holds: (description id, before, after), values made JSON-able."""
    batch = [
        {
            "job_id": job_id,
            "description_id": description_id,
            "kind": kind.value,
            "before": _jsonable_dict(before),
            "after": _jsonable_dict(after),
        }
        for description_id, before, after in rows
    ]
    if batch:
        db.session.execute(insert(LEDGER), batch)


def written_in(ids: list[int]) -> Any:
    """Ids for ``column.in_(...)``, written into the statement on PostgreSQL as one literal list,
    "IN (7, 8, 9)", where a list becomes one bound parameter each: a batch writer's statement
    naming its 1,000 ids in eight places (actors.ledger.snapshots.ledger_created) carried 8,000
    parameters, which SQLAlchemy rendered and psycopg parsed again for every batch — a sixth of a
    100,000-row import (scripts/bench_import.py), for the same plan. SQLite keeps the list: its
    driver caches a compiled statement per SQL text (128 of them), one for every batch's own
    literals would hold ~30 MB. Typed Any: it stands where such a function takes its ids."""
    if db.engine.dialect.name != "postgresql":
        return ids
    return bindparam(None, list(ids), type_=Integer, expanding=True, literal_execute=True)


def json_object(columns: Mapping[str, ColumnElement[Any]]) -> ColumnElement[Any]:
    """A JSON object built by the database: json_build_object (PostgreSQL), json_object (SQLite)."""
    arguments = [part for name, column in columns.items() for part in (literal(name), column)]
    if db.engine.dialect.name == "postgresql":
        return func.json_build_object(*arguments)
    return func.json_object(*arguments)


def jsonable(value: Any) -> Any:
    """A field's value as the ledger keeps it (what the database's JSON functions give too)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _jsonable_dict(values: dict | None) -> dict | None:
    return None if values is None else {name: jsonable(value) for name, value in values.items()}
