"""What the changes ledger keeps of whole descriptions, built by the database for the rows an
Undo writes and reads in bulk: no row passes through Python (an Undo of 100,000 records spent
most of its time reading rows and what they held into dicts, batch by batch).

- What a job left of a record it created (its ledger row's after): the fields people read and
  a digest of every other field and of the rows it holds, written with the ledger row batch by
  batch as the records go in, and taken again when the job is undone: the same function over
  the same values gives the same digest.
- A record an Undo deletes (its ledger row's before): every column, what it held in each table
  that hangs from it, and the sibling it followed — to insert it again where it was.

PostgreSQL builds the JSON with to_jsonb (no limit on columns); SQLite with json_object, which
takes 127 arguments at most in the SQLite shipped with Python 3.11: a description has 49
columns, so there is room for a few dozen more before this needs splitting.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    FromClause,
    Select,
    String,
    Table,
    cast,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import NamedFromClause

from actors.ledger.recording import json_object
from actors.ledger.values import HELD, HELD_KEY, NOT_IN_SNAPSHOT, SHOWN, STATE_KEY
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, RecordChange

PLACE_KEY = "_previous_sibling_id"  # in a deleted record's ledger row: the sibling it followed


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _object(table: NamedFromClause, leave_out: tuple[str, ...] = ()) -> ColumnElement[Any]:
    """A row of table as a JSON object (jsonb on PostgreSQL), the columns left out aside."""
    if _postgresql():
        built: ColumnElement[Any] = func.to_jsonb(table.table_valued())
        for name in leave_out:
            built = built.op("-")(literal(name, String))
        return built
    parts: list[Any] = []
    for column in table.columns:
        if column.name not in leave_out:
            parts += [literal(column.name), func.json(column) if isinstance(column.type, JSON) else column]
    return func.json_object(*parts)


def _stated(among: Any) -> tuple[FromClause, ColumnElement[str]]:
    """(the descriptions joined with what they hold, the digest of each) for the descriptions
    whose ids are among ``among``: what a job left of a record — every field but its numbering,
    id and times, and a digest of the rows it holds in each table (events, notes, access points,
    containers, rights statements; not its generated finding aid; own ids and times left out),
    taken grouped, in one pass a table, in an order of their own (md5 of each row's text, as the
    database writes it: the same values give the same text). A ROW on PostgreSQL (to_jsonb of
    the record made a 100,000-row import 2.5 s slower), a JSON array on SQLite, whose md5 and
    digest_set app.py registers."""
    joined: FromClause = D.__table__
    parts: list[ColumnElement[Any]] = [_row_text(D.__table__, NOT_IN_SNAPSHOT)]
    for table, column in HELD:
        if table.name == "finding_aids":
            continue
        item = func.md5(_row_text(table, ("id", "created_at")))
        if _postgresql():
            digest = func.md5(func.string_agg(item, aggregate_order_by(literal_column("''"), item)))
        else:
            digest = func.digest_set(item)
        grouped = (
            select(column.label("description_id"), digest.label("digest"))
            .where(column.in_(among))
            .group_by(column)
            .subquery(f"held_{table.name}")
        )
        joined = joined.outerjoin(grouped, grouped.c.description_id == D.id)
        parts.append(func.coalesce(grouped.c.digest, literal("-")))
    text = parts[0]
    for part in parts[1:]:
        text = text.concat(literal("|")).concat(part)
    return joined, func.md5(text)


def _row_text(table: Table, leave_out: tuple[str, ...]) -> ColumnElement[str]:
    fields = [column for column in table.columns if column.name not in leave_out]
    return cast(func.row(*fields), String) if _postgresql() else func.json_array(*fields)


def ledger_created(job_id: int, ids: list[int]) -> None:
    """A "created" ledger row for each of these records, just inserted with what they hold, with
    what the job left of it: the fields people read (title, reference code, level, parent) and
    the digest of all of it — built by the database in the same INSERT ... SELECT (the whole
    record as JSON, or an UPDATE after, cost a third of a 100,000-row import on PostgreSQL)."""
    joined, state = _stated(ids)
    after = json_object({**{name: getattr(D, name) for name in SHOWN}, STATE_KEY: state})
    rows = (
        select(literal(job_id), D.id, literal(ChangeKind.CREATED.value), after).select_from(joined).where(D.id.in_(ids))
    )
    db.session.execute(insert(RecordChange).from_select(["job_id", "description_id", "kind", "after"], rows))


def differing_creations(job_id: int, batch: int = 1000) -> Iterator[tuple[int, dict[str, Any]]]:
    """(id, after) of the records job_id created whose fields or held rows no longer hold what
    it left (by digest; a ledger written before digests were kept has none: only existence
    counts). Only records a later ledger row names are digested again — every change to a
    description is a job's, and ledgered; whether it still shows is the digest's to say (a
    change undone since is none). Batch by batch: the whole set in one query got a plan that
    ran for minutes on PostgreSQL right after a large import."""
    later = aliased(RecordChange)
    touched_since = exists().where(later.description_id == RecordChange.description_id, later.id > RecordChange.id)
    ledger = db.session.execute(
        select(RecordChange.description_id, RecordChange.after)
        .where(RecordChange.job_id == job_id, RecordChange.kind == ChangeKind.CREATED.value, touched_since)
        .order_by(RecordChange.id)
        .execution_options(yield_per=batch)
    )
    while rows := ledger.fetchmany(batch):
        left = {record_id: after for record_id, after in rows if after and STATE_KEY in after}
        if not left:
            continue
        joined, state = _stated(list(left))
        now = db.session.execute(select(D.id, state).select_from(joined).where(D.id.in_(list(left))))
        for record_id, digest in now:
            if digest != left[record_id][STATE_KEY]:
                yield record_id, left[record_id]


def ledger_deleted(ledger_to: int, doomed: Select) -> None:
    """One INSERT ... SELECT: a "deleted" row per doomed record, with everything it held and the
    sibling it followed, for the Undo ledger_to (before the DELETE)."""
    lagged = select(
        D.id.label("id"), func.lag(D.id).over(partition_by=D.parent_id, order_by=D.lft).label("previous")
    ).subquery()
    held = [(table.name, _held_of(table, column)) for table, column in HELD]
    if _postgresql():
        extra = func.jsonb_build_object(
            literal(HELD_KEY, String),
            func.jsonb_build_object(*[part for name, rows in held for part in (literal(name, String), rows)]),
            literal(PLACE_KEY, String),
            lagged.c.previous,
        )
        before: ColumnElement[Any] = cast(_object(D.__table__).op("||")(extra), JSON)
    else:
        inner = func.json_object(*[part for name, rows in held for part in (literal(name), rows)])
        before = func.json_patch(_object(D.__table__), func.json_object(literal(HELD_KEY), inner))
        before = func.json_set(before, literal(f"$.{PLACE_KEY}"), lagged.c.previous)
    rows = (
        select(literal(ledger_to), D.id, literal(ChangeKind.DELETED.value), before)
        .join(lagged, lagged.c.id == D.id)
        .where(D.id.in_(doomed))
        .order_by(D.lft)
    )
    db.session.execute(insert(RecordChange).from_select(["job_id", "description_id", "kind", "before"], rows))


def _held_of(table: Table, column: Any) -> ColumnElement[Any]:
    """What one description holds in table, as a JSON array of rows in the order they were
    inserted (an own id left out). The table is aliased: to_jsonb(finding_aids) would name the
    description's finding_aids column."""
    own_id = tuple(c.name for c in table.primary_key.columns if c.name == "id")
    held = table.alias(f"held_{table.name}")
    if _postgresql():
        rows: ColumnElement[Any] = func.coalesce(func.jsonb_agg(_object(held, own_id)), func.jsonb_build_array())
    else:
        rows = func.json_group_array(func.json(_object(held, own_id)))
    listed = select(rows).where(held.c[column.name] == D.id).scalar_subquery()
    return listed if _postgresql() else func.json(listed)  # (SQLite's JSON subtype does not survive a subquery)
