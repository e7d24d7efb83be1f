"""A running job's row written under its attempt's fence, by statements built once and run on
the driver (``actors.engine.driver``): its output as it goes, its outcome (``lifecycle`` decides it)
and, with an ending, its owner's notice in the same atomic write (``actors.engine.notices``).

Every text value goes through ``models.text.storable`` on its way in: what a job printed, an
upload's name or a message may hold a NUL, which PostgreSQL refuses, and a refused outcome
once left a job Running for ever, holding its locks.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, Update, bindparam, update

from actors.engine import notices
from actors.engine.driver import FastStatement, direct_autocommit
from models import Job, JobStatus
from models.text import storable

_jobs = Job.__table__
# The statuses a run ends in that its owner is told about (a re-queue runs again at once).
_ENDINGS = frozenset({JobStatus.COMPLETED, JobStatus.ERROR, JobStatus.CANCELED})


@lru_cache(maxsize=64)
def _update(columns: tuple[str, ...]) -> Update:
    """UPDATE of these columns while the job is Running as the same attempt, built once per set
    of columns: a new statement per call cost more than its round trip (its cache key, its SET
    clause). The attempt fences a worker that was cut off: once the reaper re-queued its job and
    another worker runs the next attempt, its late output or "finished" changes nothing."""
    return (
        update(_jobs)
        .where(
            _jobs.c.id == bindparam("job_id"),
            _jobs.c.status == JobStatus.RUNNING,
            _jobs.c.attempt == bindparam("running_attempt"),
        )
        .values({name: bindparam(f"new_{name}", type_=_jobs.c[name].type) for name in columns})
    )


@lru_cache(maxsize=64)
def _while_running(columns: tuple[str, ...]) -> FastStatement:
    return FastStatement(_update(columns).returning(_jobs.c.id))  # a row: it was still this attempt's to write


def update_while_running(job_id: int, attempt: int, values: dict[str, Any], engine: Engine | None = None) -> bool:
    """Write values on the job's row only while it is still Running as this attempt, in
    autocommit; whether it was. An ending (Completed, Error, Canceled) is written together with
    its owner's notice, atomically: a worker dying in between can no longer lose it.
    engine: where there is no app context (the output flusher's thread)."""
    params = {f"new_{name}": value for name, value in storable_values(values).items()}
    params["job_id"], params["running_attempt"] = job_id, attempt
    columns = tuple(sorted(values))
    if values.get("status") in _ENDINGS:
        return notices.run_ended(_update(columns), params)
    with direct_autocommit(engine) as connection:
        return connection.run(_while_running(columns), params) is not None


def storable_values(values: dict[str, Any]) -> dict[str, Any]:
    """The values with every string made storable (parameters too: a JSON string keeps what it holds)."""
    return {name: _storable(value) for name, value in values.items()}


def _storable(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(item) for item in value]
    return value
