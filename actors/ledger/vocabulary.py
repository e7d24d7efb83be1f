"""What an import added to the vocabularies (levels of description, terms, repositories,
authority records, containers) goes with its Undo when nothing else uses it; undoing that Undo
puts it back first, with its ids, so the records inserted again find what they refer to.

The additions are recorded set-based: the import notes each table's highest id before it
writes (ids are never reused) and, at its end, ledgers every row above it. Imports hold the
tree lock exclusively, so no other import adds rows meanwhile; whatever else might have, the
Undo still removes only rows nothing uses."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import ColumnElement, Table, and_, delete, exists, func, insert, literal, select, true

from actors.ledger.recording import jsonable
from actors.ledger.values import from_json
from extensions import db
from models import ArchivalDescription as D
from models import AuthorityRecord, Container, LevelOfDescription, Repository, Term, VocabularyChange

TABLES: list[Table] = [
    LevelOfDescription.__table__,
    Term.__table__,
    Repository.__table__,
    AuthorityRecord.__table__,
    Container.__table__,
]
V = VocabularyChange


def watermarks() -> dict[str, int]:
    """Each vocabulary's highest id now: what a job adds from here on is above it."""
    return {table.name: db.session.scalar(select(func.max(table.c.id))) or 0 for table in TABLES}


def record_additions(job_id: int, since: dict[str, int]) -> None:
    """Ledger every vocabulary row above the watermarks as added by job_id (one INSERT a table)."""
    for table in TABLES:
        rows = select(literal(job_id), literal("added"), literal(table.name), table.c.id).where(
            table.c.id > since[table.name]
        )
        db.session.execute(insert(V).from_select(["job_id", "kind", "table_name", "row_id"], rows))


def added_counts(job_id: int) -> Counter[str]:
    """How many rows job_id added to each vocabulary (a preview's upper bound of what goes)."""
    query = select(V.table_name, func.count()).where(V.job_id == job_id, V.kind == "added").group_by(V.table_name)
    return Counter({table_name: count for table_name, count in db.session.execute(query)})


def remove_unused(job_id: int, ledger_to: int | None) -> Counter[str]:
    """Delete (or, without ledger_to, count) what job_id added and nothing uses now; the Undo's
    own ledger keeps each row. Returns how many per table. A count deletes too, in a savepoint it
    rolls back: a box is unused only once its folders are gone, so rows go in rounds."""
    if ledger_to is not None:
        return _remove_unused(job_id, ledger_to)
    savepoint = db.session.begin_nested()
    try:
        return _remove_unused(job_id, None)
    finally:
        savepoint.rollback()


def _remove_unused(job_id: int, ledger_to: int | None) -> Counter[str]:
    removed: Counter[str] = Counter()
    for table in TABLES:
        added = select(V.row_id).where(V.job_id == job_id, V.kind == "added", V.table_name == table.name)
        while (
            rows := db.session.execute(
                select(*table.c).where(table.c.id.in_(added), _unused(table)).order_by(table.c.id)
            )
            .mappings()
            .all()
        ):
            if ledger_to is not None:
                db.session.execute(
                    insert(V), [_ledger_row(ledger_to, "removed", table, row["id"], dict(row)) for row in rows]
                )
            db.session.execute(delete(table).where(table.c.id.in_([row["id"] for row in rows])))
            removed[table.name] += len(rows)
    return +removed


def restore_removed(job_id: int, ledger_to: int | None) -> Counter[str]:
    """Insert again (or count) the vocabulary rows the Undo job_id removed, with their ids."""
    restored: Counter[str] = Counter()
    for table in TABLES:
        removed = db.session.execute(
            select(V.row_id, V.row).where(V.job_id == job_id, V.kind == "removed", V.table_name == table.name)
        ).all()
        taken = set(db.session.scalars(select(table.c.id).where(table.c.id.in_([i for i, _ in removed]))))
        rows = [
            {name: from_json(name, value, table) for name, value in row.items() if name in table.c}
            for row_id, row in sorted(removed, key=lambda pair: pair[0])
            if row_id not in taken and row
        ]
        restored[table.name] = len(rows)
        if ledger_to is None or not rows:
            continue
        db.session.execute(insert(table), rows)
        db.session.execute(insert(V), [_ledger_row(ledger_to, "added", table, row["id"], None) for row in rows])
    return +restored


def _unused(table: Table) -> ColumnElement[bool]:
    """Nothing refers to the row: no foreign key of another table (or of itself) names it; a
    level of description, no description has its key."""
    if table is LevelOfDescription.__table__:
        return ~exists().where(D.level_of_description == table.c.key)
    conditions = []
    for other in D.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table:  # (a container inside another: the table itself, aliased)
                referring = other.alias() if other is table else other
                conditions.append(~exists().where(referring.c[key.parent.name] == table.c.id))
    return and_(true(), *conditions)


def _ledger_row(job_id: int, kind: str, table: Table, row_id: int, row: dict | None) -> dict:
    saved = None if row is None else {name: jsonable(value) for name, value in row.items()}
    return {"job_id": job_id, "kind": kind, "table_name": table.name, "row_id": row_id, "row": saved}
