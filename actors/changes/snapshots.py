"""A description as JSON built by the database, for the ledger rows an Undo writes and reads in
bulk: no row passes through Python (an Undo of 100,000 records spent most of its time reading
rows and what they held into dicts, batch by batch).

- What a job left of a record it created (its ledger row's after): every field but the tree's
  numbering, its id and its times. Written with the ledger row, batch by batch as the records
  go in, and compared as text when the job is undone: the same function over the same values gives the same text,
  so only records whose text differs are read, to name the fields that changed.
- A record an Undo deletes (its ledger row's before): every column, what it held in each table
  that hangs from it, and the sibling it followed — to insert it again where it was.

PostgreSQL builds them with to_jsonb (no limit on columns); SQLite with json_object, which
takes 127 arguments at most in the SQLite shipped with Python 3.11: a description has 49
columns, so there is room for a few dozen more before this needs splitting.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    FromClause,
    Select,
    String,
    Table,
    cast,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from actors.changes.values import HELD, HELD_KEY, NOT_IN_SNAPSHOT, SHOWN, STATE_KEY
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, RecordChange

PLACE_KEY = "_previous_sibling_id"  # in a deleted record's ledger row: the sibling it followed


def _postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def _object(table: FromClause, leave_out: tuple[str, ...] = ()) -> ColumnElement[Any]:
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


def _as_json(built: ColumnElement[Any]) -> ColumnElement[Any]:
    return cast(built, JSON) if _postgresql() else built


def _state() -> ColumnElement[str]:
    """A digest of a description as a job left it: every field but its numbering, id and times,
    and what it holds (events, notes, access points, containers, rights statements; not its
    generated finding aid) — md5 of their text as the database writes it (the same values give
    the same text): a ROW on PostgreSQL (to_jsonb of the record made a 100,000-row import 2.5 s
    slower), a JSON object on SQLite."""
    held = [
        part
        for table, column in HELD
        if table.name != "finding_aids"
        for part in (literal(table.name, String), _held_of(table, column, ("created_at",)))
    ]
    if _postgresql():
        fields = [column for column in D.__table__.columns if column.name not in NOT_IN_SNAPSHOT]
        return func.md5(cast(func.row(*fields), String).concat(cast(func.jsonb_build_object(*held), String)))
    return func.md5(func.json_object(literal("record"), _object(D.__table__, NOT_IN_SNAPSHOT), *held))


def ledger_created(job_id: int, ids: list[int]) -> None:
    """A "created" ledger row for each of these records, just inserted, with what the job left
    of it: the fields people read (title, reference code, level, parent) and the digest of all
    of them — built by the database in the same INSERT ... SELECT (the whole record as JSON,
    or an UPDATE after, cost a third of a 100,000-row import on PostgreSQL)."""
    shown = [part for name in SHOWN for part in (literal(name, String), getattr(D, name))]
    after = func.jsonb_build_object if _postgresql() else func.json_object
    rows = select(
        literal(job_id),
        D.id,
        literal(ChangeKind.CREATED.value),
        _as_json(after(*shown, literal(STATE_KEY, String), _state())),
    ).where(D.id.in_(ids))
    db.session.execute(insert(RecordChange).from_select(["job_id", "description_id", "kind", "after"], rows))


def differing_creations(job_id: int) -> Select:
    """(id, after) of the records job_id created whose fields no longer hold what it left (by
    digest; a ledger written before digests were kept has none: only existence counts)."""
    return (
        select(RecordChange.description_id, RecordChange.after)
        .join(D, D.id == RecordChange.description_id)
        .where(RecordChange.job_id == job_id, RecordChange.kind == ChangeKind.CREATED.value)
        .where(RecordChange.after[STATE_KEY].as_string() != _state())
    )


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
        before = cast(_object(D.__table__).op("||")(extra), JSON)
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


def _held_of(table: Table, column: Any, leave_out: tuple[str, ...] = ()) -> ColumnElement[Any]:
    """What one description holds in table, as a JSON array of rows in the order they were
    inserted (an own id, and the columns left out, aside). The table is aliased:
    to_jsonb(finding_aids) would name the description's finding_aids column."""
    own_id = tuple(c.name for c in table.primary_key.columns if c.name == "id")
    held = table.alias(f"held_{table.name}")
    if _postgresql():
        order = held.c.id if own_id else held.c[column.name]
        value = _object(held, own_id + leave_out)
        rows = func.coalesce(func.jsonb_agg(aggregate_order_by(value, order)), func.jsonb_build_array())
    else:  # (the index on the description's id reads them in insertion order)
        rows = func.json_group_array(func.json(_object(held, own_id + leave_out)))
    listed = select(rows).where(held.c[column.name] == D.id).scalar_subquery()
    return listed if _postgresql() else func.json(listed)  # (SQLite's JSON subtype does not survive a subquery)
