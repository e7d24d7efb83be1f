"""The ledger of a job that rewrites rights statements (Inherit rights): per description, its
statements before and after, as one field "rights" (a list of statements), set-based.

Before the job writes, one INSERT ... SELECT keeps every target's statements (a JSON array
built by the database); after, one UPDATE adds what they became, and one DELETE drops the
descriptions whose statements did not change. An Undo compares a description's statements
now with "after" and, if they are the same, puts "before" back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    SQLColumnExpression,
    String,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from actors.ledger.recording import json_object, jsonable
from actors.ledger.values import canonical_rows, from_json
from extensions import db
from models import ChangeKind, RecordChange
from models.base import utcnow
from models.description import ArchivalDescription as D
from models.rights import RightsStatement as R

FIELD = "rights"
CREATED = "rights_created"  # each statement's created_at, in the same order: an Undo puts them back as they were


def record_rights_before(job_id: int, targets: Iterable[ColumnElement[bool]]) -> None:
    """Keep the statements of every description matching targets (before the job writes)."""
    rows = select(
        literal(job_id),
        D.id,
        literal(ChangeKind.UPDATED.value),
        _as_field(D.id),
    ).where(*targets)
    db.session.execute(insert(RecordChange).from_select(["job_id", "description_id", "kind", "before"], rows))


def record_rights_after(job_id: int) -> None:
    """What they became; the descriptions whose statements stayed the same leave the ledger."""
    ours = RecordChange.job_id == job_id
    db.session.execute(update(RecordChange).where(ours).values(after=_as_field(RecordChange.description_id)))
    unchanged = cast(RecordChange.before[FIELD], String) == cast(RecordChange.after[FIELD], String)
    db.session.execute(delete(RecordChange).where(ours, unchanged).execution_options(synchronize_session=False))


def statements_of(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The statements of these descriptions now, as the ledger writes them."""
    found: dict[int, list[dict[str, Any]]] = {record_id: [] for record_id in ids}
    query = select(R.description_id, *(getattr(R, name) for name in R.CONTENT)).where(R.description_id.in_(ids))
    for row in db.session.execute(query.order_by(R.id)):
        found[row[0]].append({name: jsonable(value) for name, value in zip(R.CONTENT, row[1:], strict=True)})
    return found


def same_statements(one: list[dict[str, Any]], other: list[dict[str, Any]]) -> bool:
    """The same statements, whatever their order."""
    return canonical_rows(one) == canonical_rows(other)


def put_back(statements: dict[int, list[dict[str, Any]]], created: dict[int, list[str]]) -> None:
    """Replace each description's statements with the listed ones, created when they were
    (ledgers written before that was kept: now)."""
    ids = list(statements)
    if not ids:
        return
    db.session.execute(delete(R).where(R.description_id.in_(ids)).execution_options(synchronize_session=False))
    now = utcnow()
    rows = []
    for record_id, listed in statements.items():
        whens: Sequence[str | None] = created.get(record_id) or [None] * len(listed)
        rows += [
            {
                "description_id": record_id,
                "created_at": from_json("created_at", when, R.__table__) if when else now,
                **{k: from_json(k, v, R.__table__) for k, v in s.items()},
            }
            for s, when in zip(listed, whens, strict=True)
        ]
    if rows:
        db.session.execute(insert(R), rows)


def _as_field(description_id: SQLColumnExpression[int]) -> ColumnElement[Any]:
    """{"rights": [statement, ...]} of one description, in id order, built by the database."""
    content = {name: getattr(R, name) for name in R.CONTENT}
    return json_object(
        {FIELD: _listed(json_object(content), description_id), CREATED: _listed(R.created_at, description_id)}
    )


def _listed(value: SQLColumnExpression[Any], description_id: SQLColumnExpression[int]) -> ColumnElement[Any]:
    """A JSON array of value over one description's statements, in id order."""
    if db.engine.dialect.name == "postgresql":
        none = cast(literal("[]", String), JSON)
        listed = func.coalesce(func.json_agg(aggregate_order_by(value, R.id)), none)
        return select(listed).where(R.description_id == description_id).scalar_subquery()
    # (json(): SQLite's JSON subtype does not survive a subquery. Both arrays are read by the same
    # plan, in the same order.)
    element = value if value is R.created_at else func.json(value)
    return func.json(select(func.json_group_array(element)).where(R.description_id == description_id).scalar_subquery())
