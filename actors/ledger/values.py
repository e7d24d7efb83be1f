"""A description's fields between the database and the ledger's JSON, both ways."""

from __future__ import annotations

import enum
import json
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, DateTime, Table, delete, insert, select
from sqlalchemy import Enum as EnumType

from actors.ledger.recording import jsonable
from extensions import db
from models import ArchivalDescription as D

COLUMNS = D.__table__.c


def from_json(name: str, value: Any, table: Table = D.__table__) -> Any:
    """The ledger's value of column ``name`` of table (descriptions) as the column takes it (dates, enums)."""
    if value is None:
        return None
    column_type = table.c[name].type
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, EnumType) and column_type.enum_class is not None:
        enum_class: type[enum.Enum] = column_type.enum_class
        return enum_class(value)
    return value


def row_values(saved: dict[str, Any]) -> dict[str, Any]:
    """A deleted record's saved columns back as values to insert (columns added since: defaults;
    what it held is HELD_KEY's)."""
    return {name: from_json(name, value) for name, value in saved.items() if name in COLUMNS}


def _held_tables() -> list[tuple[Table, Column]]:
    """(table, its column naming a description) of what goes with a deleted description
    (ON DELETE CASCADE): notes, events, access points, containers, rights, its finding aid."""
    held = []
    for table in D.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table is D.__table__ and table is not D.__table__ and key.ondelete == "CASCADE":
                held.append((table, key.parent))
    return held


HELD = _held_tables()
HELD_KEY = "_held"  # in a deleted record's ledger row: what went with it


Held = dict[str, list[dict[str, Any]]]  # table name -> rows


def held_rows(ids: list[int], tables: Collection[Table] | None = None) -> dict[int, Held]:
    """What each of these descriptions holds in the other tables (or in just these), as the
    ledger keeps it (an own numeric id is left out: inserted again, the rows get new ones)."""
    found: dict[int, Held] = {record_id: {} for record_id in ids}
    for table, column in HELD:
        if tables is not None:
            if table not in tables:
                continue
            for held in found.values():
                held[table.name] = []
        kept = [c for c in table.columns if not (c.primary_key and c.name == "id")]
        for row in db.session.execute(select(*kept).where(column.in_(ids))).mappings():
            found[row[column.name]].setdefault(table.name, []).append({c.name: jsonable(row[c.name]) for c in kept})
    return found


def same_held(one: Held, other: Held) -> bool:
    """The same rows in each table, whatever order the database gave them in."""
    return _normal_held(one) == _normal_held(other)


def with_held(
    changes: list[tuple[int, dict, dict]], before: dict[int, Held], after: dict[int, Held]
) -> list[tuple[int, dict, dict]]:
    """Updates (id, before, after) with, for each record whose held rows were replaced by other
    ones, those rows before and after under HELD_KEY (a record whose fields stayed gets a row too)."""
    by_id = {record_id: (dict(old), dict(new)) for record_id, old, new in changes}
    for record_id, held in before.items():
        if not same_held(held, after[record_id]):
            old, new = by_id.setdefault(record_id, ({}, {}))
            old[HELD_KEY], new[HELD_KEY] = held, after[record_id]
    return [(record_id, old, new) for record_id, (old, new) in by_id.items()]


def put_held_back(saved: dict[int, Held]) -> None:
    """Replace what each description holds in the ledger's tables by the rows saved there."""
    names = {name for held in saved.values() for name in held}
    for table, column in HELD:
        if table.name in names:
            db.session.execute(delete(table).where(column.in_(list(saved))))
    insert_held(list(saved.values()))


def _normal_held(held: Held) -> dict[str, list[str]]:
    return {name: canonical_rows(rows) for name, rows in held.items()}


def canonical_rows(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as sorted JSON text: two lists hold the same rows when these are equal."""
    return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)


def insert_held(saved: list[dict[str, list[dict[str, Any]]]]) -> None:
    """Insert again what deleted descriptions held (they are back first)."""
    for table, _column in HELD:
        rows = [
            {name: from_json(name, value, table) for name, value in row.items()}
            for held in saved
            for row in held.get(table.name, ())
        ]
        if rows:
            db.session.execute(insert(table), rows)


# What a job left of a record it created (its ledger row's after, built by the database:
# actors.ledger.snapshots): the fields the Changes section shows, and a digest of its fields
# (but NOT_IN_SNAPSHOT) and of what it holds: an Undo deletes it only while the digest is the same.
NOT_IN_SNAPSHOT = ("id", "lft", "rgt", "depth", "created_at", "updated_at")
SHOWN = ("title", "identifier", "level_of_description", "parent_id")
STATE_KEY = "_state"
