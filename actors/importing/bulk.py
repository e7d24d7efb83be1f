"""executemany straight to the database driver, in the import's transaction.

Why not ``insert(Model)``: SQLAlchemy's per-row parameter handling (binding, type
processing) was about a third of an import's time with the whole description model
(scripts/bench import). These rows need only a few conversions, done here once per value:
JSON as text, enums as their value, dates as ISO text on SQLite (PostgreSQL's driver takes
them as they are; it takes JSON text for a json column too)."""

from __future__ import annotations

import enum
import json
import operator
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Table

from extensions import db

Converter = Callable[[Any], Any]


def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows already in the driver's terms, in the order of columns."""
    connection = db.session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    connection.exec_driver_sql(sql, rows)


def insert_dicts(table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows as dicts of model values (every dict with the same keys), converted for the driver:
    only the few columns that need it are touched."""
    if not rows:
        return
    columns = tuple(rows[0])
    converting = [
        (index, convert)
        for index, name in enumerate(columns)
        if (convert := column_converter(table.c[name])) is not _same
    ]
    cells_of = operator.itemgetter(*columns) if len(columns) > 1 else lambda row: (row[columns[0]],)
    values: list[tuple] = []
    for row in rows:
        cells = list(cells_of(row))
        for index, convert in converting:
            cells[index] = convert(cells[index])
        values.append(tuple(cells))
    insert_rows(table.name, columns, values)


def column_converter(column: Column[Any]) -> Converter:
    """What a model value of this column becomes for the driver of the current database."""
    return _converter(column.type, db.engine.dialect.name == "sqlite")


def _converter(column_type: Any, sqlite: bool) -> Converter:
    if isinstance(column_type, JSON):
        return lambda value: None if value is None else json.dumps(value)
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        python_type = None
    if python_type is not None and issubclass(python_type, enum.Enum):
        return lambda value: value.value if isinstance(value, enum.Enum) else value
    if sqlite and python_type is datetime:
        return lambda value: value.strftime("%Y-%m-%d %H:%M:%S.%f") if value else None
    if sqlite and python_type is date:
        return lambda value: value.isoformat() if value else None
    return _same


def _same(value: Any) -> Any:
    return value
