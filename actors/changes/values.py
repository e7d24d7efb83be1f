"""A description's fields between the database and the ledger's JSON, both ways."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Table
from sqlalchemy import Enum as EnumType

from actors.changes.ledger import jsonable
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


def row_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every column of a description row, as the ledger keeps a deleted record (to insert it again)."""
    return {column.name: jsonable(row[column.name]) for column in COLUMNS}


def row_values(saved: dict[str, Any]) -> dict[str, Any]:
    """A deleted record's saved columns back as values to insert (columns added since: defaults)."""
    return {name: from_json(name, value) for name, value in saved.items() if name in COLUMNS}
