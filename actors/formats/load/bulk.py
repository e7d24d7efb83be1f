"""executemany straight to the database driver, in the import's transaction.

Why not ``insert(Model)``: SQLAlchemy's per-row parameter handling (binding, type
processing) was about a third of an import's time with the whole description model
(scripts/bench import). These rows need only a few conversions, done here once per value:
JSON as text, enums as their value, dates as ISO text on SQLite (PostgreSQL's driver takes
them as they are; it takes JSON text for a json column too)."""

from __future__ import annotations

import enum
import gc
import json
import operator
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Column, Table

from extensions import db

Converter = Callable[[Any], Any]


def insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows already in the driver's terms, in the order of columns.

    PostgreSQL: COPY, several times faster than executemany's INSERTs (scripts/bench import)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None  # (None only once the connection is invalidated; ours is in use)
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
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
        return _json
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        python_type = None
    if python_type is not None and issubclass(python_type, enum.Enum):
        return lambda value: value.value if isinstance(value, enum.Enum) else value
    if sqlite and python_type is datetime:
        return _timestamp
    if sqlite and python_type is date:
        return _day
    return _same


# The same few values come again and again in an import (code lists, years, the import's
# one timestamp): each is converted once.
@lru_cache(maxsize=1024)
def _json_list(values: tuple[Any, ...]) -> str:
    return json.dumps(list(values))


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        try:
            return _json_list(tuple(value))
        except TypeError:  # a list of lists or dicts: not a key
            return json.dumps(value)
    return json.dumps(value) if value else "{}"


@lru_cache(maxsize=64)
def _timestamp(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f") if value else None


@lru_cache(maxsize=4096)
def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _same(value: Any) -> Any:
    return value


class _Collections:
    """The cyclic garbage collector's gen-0 threshold, raised while any import runs.

    An import allocates millions of short-lived objects, nearly all freed by reference
    counting; at the default threshold (700 allocations) the collector still runs thousands
    of times and walks every live object on each tenth run: about a tenth of an import
    (scripts/bench import). A batch of 1,000 rows holds some 30,000 tracked objects until it is
    written: above that, the collector no longer walks every batch (at 20,000 it did, ~1 s of a
    100,000-row import) for ~2 MB more at the peak. The setting is process-wide, so imports in
    several worker threads share one raise, undone when the last one ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.saved = gc.get_threshold()

    @contextmanager
    def fewer(self, threshold: int = 50_000) -> Iterator[None]:
        with self.lock:
            if not self.running:
                self.saved = gc.get_threshold()
                gc.set_threshold(max(threshold, self.saved[0]), *self.saved[1:])
            self.running += 1
        try:
            yield
        finally:
            with self.lock:
                self.running -= 1
                if not self.running:
                    gc.set_threshold(*self.saved)


fewer_collections = _Collections().fewer
