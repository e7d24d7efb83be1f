"""The engine's one-row writes straight on the database driver: statements compiled once, run
on spare autocommit connections kept outside the pool (every job makes a few of them: launch,
mark sent, claim, finish). Only the engine uses these; ``extensions.autocommit`` is the
ordinary, pooled way."""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import Connection, Engine, event, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.pool import SingletonThreadPool, StaticPool
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from extensions import autocommit, db


class FastStatement:
    """A Core statement compiled once per dialect, for the few one-row writes every job makes
    (launch, mark sent, claim, finish), run by ``DirectAutocommit`` straight on the driver.

    On SQLAlchemy 2.1 a Connection's checkout, execution context and result cost more CPU than
    the round trip itself (scripts/bench throughput); the driver's cursor needs none of them.
    Parameters go through the statement's own bind processors, so values are the same Python
    values the statement takes on a Connection (enums, datetimes, JSON)."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        # By kind of database, not dialect object: every engine has its own (tests make hundreds).
        key = (type(dialect), dialect.paramstyle, dialect.server_version_info)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(self.statement, dialect)
        return compiled


class _Compiled:
    """The SQL of a statement for one dialect, its literal parameters already processed, and
    the processors of the ones each execution gives."""

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        prefetch = [column.key for column in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        if prefetch:  # defaults a Connection computes per execution: give them as values instead
            raise ValueError(f"FastStatement: give a value for {', '.join(prefetch)} (their default is Python-side)")
        self.sql = compiled.string
        self.positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        self.fixed: dict[str, Any] = {}  # literal values of the statement's own (status = 'queued')
        self.given: dict[str, Callable[[Any], Any] | None] = {}  # name -> processor, for bindparam()s
        for bind, name in compiled.bind_names.items():
            if bind.expanding or bind.callable is not None:
                raise ValueError(f"{name}: FastStatement takes plain bind parameters only")
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required:
                self.given[name] = processor
            else:
                self.fixed[name] = bind.value if processor is None else processor(bind.value)

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any] | tuple[Any, ...]:
        params = dict(self.fixed)
        for name, processor in self.given.items():
            value = values[name]  # (a KeyError names a value the statement needs)
            params[name] = value if processor is None else processor(value)
        if self.positions is None:
            return params
        return tuple(params[name] for name in self.positions)


class DirectAutocommit:
    """A driver connection in autocommit, kept aside from the engine's pool for ``FastStatement``s
    (see ``direct_autocommit``)."""

    def __init__(self, engine: Engine) -> None:
        # Made by the engine's pool (its connect events run: SQLite's pragmas), then detached
        # from it: it never takes a pool slot a session waits for.
        # (Nothing here refers to the engine or its pool, which refers to the engine: it may go.)
        try:
            pooled = engine.raw_connection()
        except engine.dialect.loaded_dbapi.Error as error:  # (the pool raises the driver's own)
            driver_error = engine.dialect.loaded_dbapi.Error
            raise exc.DBAPIError.instance(
                None, None, error, driver_error, connection_invalidated=True, dialect=engine.dialect
            ) from error
        pooled.detach()
        dbapi_connection = pooled.dbapi_connection
        assert dbapi_connection is not None
        try:
            engine.dialect.set_isolation_level(dbapi_connection, "AUTOCOMMIT")
        except BaseException:
            dbapi_connection.close()
            raise
        self.dialect, self.dbapi_connection = engine.dialect, dbapi_connection
        self._cursor: Any = None  # one, reused: making a cursor cost a third of a statement
        self.invalidated = False  # the database went away under it: never use it again

    def run(self, statement: FastStatement, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Run the statement, committed as it runs; returns its first row (RETURNING) or None."""
        compiled = statement.compiled(self.dialect)
        params = compiled.parameters(values)
        if self._cursor is None:
            self._cursor = self.dbapi_connection.cursor()
        cursor = self._cursor
        try:
            cursor.execute(compiled.sql, params)
            # All rows: a statement read to its end is over (SQLite ends its write there).
            rows = cursor.fetchall() if cursor.description else None
        except self.dialect.loaded_dbapi.Error as error:  # as SQLAlchemy raises it: callers catch SQLAlchemyError
            self.invalidated = self.dialect.is_disconnect(error, self.dbapi_connection, cursor)
            self._cursor = None
            cursor.close()
            raise exc.DBAPIError.instance(
                compiled.sql,
                params,
                error,
                self.dialect.loaded_dbapi.Error,
                connection_invalidated=self.invalidated,
                dialect=self.dialect,
                hide_parameters=True,  # (as the app's engine: a job's output must not show them)
            ) from error
        return rows[0] if rows else None

    def close(self) -> None:
        try:
            if self._cursor is not None:
                self._cursor.close()
            self.dbapi_connection.close()
        except self.dialect.loaded_dbapi.Error:
            pass  # gone already
        self._cursor = None


class _Spares:
    """One engine's idle ``DirectAutocommit`` connections, the last used first. Taking one is
    a list pop: the pool's checkout, return and isolation level switches cost each of a
    job's one-row writes more than the write itself. (No reference to the engine: it may go.)"""

    KEEP = 8  # idle connections kept; more are closed as they come back

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.idle: list[DirectAutocommit] = []
        self.lock = threading.Lock()

    def take(self, engine: Engine) -> DirectAutocommit:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return DirectAutocommit(engine)

    def give_back(self, connection: DirectAutocommit) -> None:
        with self.lock:
            if len(self.idle) < self.KEEP:
                self.idle.append(connection)
                return
        connection.close()

    def close_all(self, *_: Any) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for connection in idle:
            connection.close()


_spares: weakref.WeakKeyDictionary[Engine, _Spares] = weakref.WeakKeyDictionary()
_spares_lock = threading.Lock()
_inherited: list[_Spares] = []  # a parent process's, after a fork: never used, never closed (its sockets)


def _spares_of(engine: Engine) -> _Spares:
    spares = _spares.get(engine)
    if spares is not None and spares.pid == os.getpid():
        return spares
    with _spares_lock:
        spares = _spares.get(engine)
        if spares is None or spares.pid != os.getpid():
            if spares is not None:
                _inherited.append(spares)
            spares = _spares[engine] = _Spares()
            event.listen(engine, "engine_disposed", spares.close_all)
            # The pool found a connection dead (pre-ping after a database restart): the spares,
            # made before, are dead too; closing them spares the next write its error.
            event.listen(engine, "invalidate", spares.close_all)
        return spares


class _OnConnection(DirectAutocommit):
    """``FastStatement``s run through an autocommit SQLAlchemy Connection instead: for pools of
    one connection per thread or one for all (SQLite in memory), where a connection of its
    own would be another, empty, database."""

    def __init__(self, connection: Connection) -> None:  # (nothing of DirectAutocommit's own)
        self.connection, self.invalidated = connection, False

    def run(self, statement: FastStatement, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        row = self.connection.execute(statement.statement, dict(values)).first()  # type: ignore[call-overload]
        return None if row is None else tuple(row)

    def close(self) -> None:
        pass


@contextmanager
def direct_autocommit(engine: Engine | None = None) -> Iterator[DirectAutocommit]:
    """An autocommit driver connection for the with block, to run ``FastStatement``s on: one
    of the engine's spare ones (made as needed, up to ``_Spares.KEEP`` kept idle, closed when
    the engine is disposed or one of them finds the database gone). Pool options such as
    pre-ping or recycle do not apply to them.

    Pass the engine where there is no app context (the output flusher's thread)."""
    engine = engine or db.engine
    if isinstance(engine.pool, (SingletonThreadPool, StaticPool)):
        with autocommit(engine) as on_connection:
            yield _OnConnection(on_connection)
        return
    spares = _spares_of(engine)
    connection = spares.take(engine)
    try:
        yield connection
    except exc.DBAPIError:
        if connection.invalidated:  # the database went away: the idle ones are likely gone too
            connection.close()
            spares.close_all()
        else:  # the statement's own error (a constraint): an autocommit connection is still fine
            spares.give_back(connection)
        raise
    except BaseException:
        connection.close()  # interrupted who knows where: not worth the doubt
        raise
    spares.give_back(connection)
