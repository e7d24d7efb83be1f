"""Undo a job: put back what its ledger says it changed, and never over a later change.

An Undo is a job of its own (type "undo_job"; ``Job.undo_of_id`` names the job it reverses),
tracked like any job and written in the ledger itself, so undoing an Undo applies the job
again. Per kind of change:

- updated: the fields get their before-values back, if each still holds what the job wrote;
- moved: the record goes back under its old parent, after the sibling it followed, if it is
  still where the job put it;
- created: the record is deleted, unless it was changed since or holds a record the job did
  not create (its created ancestors then stay too);
- deleted (an Undo's deletions): the record is inserted again as it was, with its id.

A record that fails its check is a conflict: left alone and named. With conflicts the Undo
changes nothing (it raises; the job's transaction rolls back) unless it was asked to "undo
what can be undone". ``undo(..., apply=False)`` runs the same checks and writes nothing:
the preview of the confirmation page.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select, update

from actors.changes.created import blocked_creations, created_ids
from actors.changes.ledger import jsonable, record_rows
from actors.changes.rights_ledger import FIELD as RIGHTS
from actors.changes.rights_ledger import put_back, same_statements, statements_of
from actors.changes.values import HELD_KEY, from_json, held_rows, insert_held, row_json, row_values
from actors.engine.context import BadInput
from actors.importing.write import renumber_tree
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, Job, JobStatus, RecordChange
from models.base import utcnow
from models.tree import move_subtree, previous_sibling_id

BATCH = 1000
Progress = Callable[[int], None]


class UndoRefused(BadInput):
    """The job cannot be undone (as a whole): the message says why."""


@dataclass
class UndoPlan:
    restored: int = 0  # records whose fields go back
    moved: int = 0  # records moved back
    deleted: int = 0  # records the job created, deleted
    recreated: int = 0  # records an Undo deleted, inserted again
    conflicts: list[tuple[int, str]] = field(default_factory=list)  # (description id, why)

    @property
    def total(self) -> int:
        return self.restored + self.moved + self.deleted + self.recreated


def refusal(original: Job | None) -> str | None:
    """Why this job cannot be undone at all, or None."""
    if original is None:
        return "The job to undo no longer exists."
    if original.status != JobStatus.COMPLETED:
        return f"Job {original.id} did not complete: only a completed job can be undone."
    if ledger_size(original.id) == 0:
        return f"Job {original.id} has no record of changes (it changed nothing, or its record was cleared)."
    return None


def ledger_size(job_id: int) -> int:
    """Ledger rows an Undo goes through (a skipped row changed nothing)."""
    query = select(func.count()).where(RecordChange.job_id == job_id, RecordChange.kind != ChangeKind.SKIPPED.value)
    return db.session.scalar(query.select_from(RecordChange)) or 0


def undo(original: Job, undo_job_id: int | None, *, apply: bool, on_progress: Progress = lambda done: None) -> UndoPlan:
    """Check (and with apply, undo) every change of original; the Undo's own ledger goes to undo_job_id."""
    plan = UndoPlan()
    done = 0
    for batch in _batches(original.id, ChangeKind.UPDATED):
        _restore(batch, plan, undo_job_id if apply else None)
        done += len(batch)
        on_progress(done)
    for batch in _batches(original.id, ChangeKind.MOVED, newest_first=True):
        for change in batch:
            _move_back(change, plan, undo_job_id if apply else None)
        done += len(batch)
        on_progress(done)
    done += _delete_created(original, plan, undo_job_id if apply else None)
    on_progress(done)
    for batch in _batches(original.id, ChangeKind.DELETED):
        _recreate(batch, plan, undo_job_id if apply else None)
        done += len(batch)
        on_progress(done)
    if apply and plan.recreated:
        renumber_tree()  # once, for every record inserted again (each kept its old place in lft order)
    return plan


def _batches(job_id: int, kind: ChangeKind, newest_first: bool = False) -> Iterator[list[RecordChange]]:
    order = RecordChange.id.desc() if newest_first else RecordChange.id
    query = select(RecordChange).where(RecordChange.job_id == job_id, RecordChange.kind == kind.value)
    rows = db.session.scalars(query.order_by(order).execution_options(yield_per=BATCH))
    while batch := rows.fetchmany(BATCH):
        yield list(batch)


def _restore(batch: list[RecordChange], plan: UndoPlan, ledger_to: int | None) -> None:
    """Fields back to their before-values, where they still hold what the job wrote (rights
    statements: the whole list, whatever its order)."""
    names = sorted({name for change in batch for name in change.after or {}} - {RIGHTS})
    query = select(D.id, *(getattr(D, name) for name in names)).where(D.id.in_([c.description_id for c in batch]))
    current = {row[0]: dict(zip(names, row[1:], strict=True)) for row in db.session.execute(query)}
    rights_now = statements_of([c.description_id for c in batch if RIGHTS in (c.after or {})])
    groups: dict[str, list[int]] = defaultdict(list)  # the same before-values: one UPDATE
    rights_back: dict[int, list] = {}
    restored = []
    for change in batch:
        now, after = current.get(change.description_id), change.after or {}
        if now is None:
            plan.conflicts.append((change.description_id, "deleted since"))
            continue
        moved_on = [name for name, value in after.items() if name != RIGHTS and jsonable(now[name]) != value]
        if RIGHTS in after and not same_statements(rights_now[change.description_id], after[RIGHTS]):
            moved_on.append(RIGHTS)
        if moved_on:
            plan.conflicts.append((change.description_id, f"changed since ({', '.join(moved_on)})"))
            continue
        before = dict(change.before or {})
        if RIGHTS in before:
            rights_back[change.description_id] = before.pop(RIGHTS)
        if before:
            groups[json.dumps(before, sort_keys=True)].append(change.description_id)
        restored.append((change.description_id, change.after, change.before))
    plan.restored += len(restored)
    if ledger_to is None:
        return
    for before_values, ids in groups.items():
        values = {name: from_json(name, value) for name, value in json.loads(before_values).items()}
        statement = update(D).where(D.id.in_(ids)).values(**values, updated_at=utcnow())
        db.session.execute(statement.execution_options(synchronize_session=False))
    put_back(rights_back)
    record_rows(ledger_to, ChangeKind.UPDATED, restored)


def _move_back(change: RecordChange, plan: UndoPlan, ledger_to: int | None) -> None:
    """Under the old parent, after the sibling it followed (first if that one is gone)."""
    node = db.session.get(D, change.description_id)
    before, after = change.before or {}, change.after or {}
    if node is None:
        plan.conflicts.append((change.description_id, "deleted since"))
        return
    if node.parent_id != after.get("parent_id"):
        plan.conflicts.append((change.description_id, "moved again since"))
        return
    parent = db.session.get(D, before["parent_id"]) if before.get("parent_id") else None
    if before.get("parent_id") and parent is None:
        plan.conflicts.append((change.description_id, "its old parent was deleted"))
        return
    plan.moved += 1
    if ledger_to is None:
        return
    sibling = db.session.get(D, before["previous_sibling_id"]) if before.get("previous_sibling_id") else None
    if sibling is not None and sibling.parent_id != before.get("parent_id"):
        sibling = None
    now = {"parent_id": node.parent_id, "previous_sibling_id": previous_sibling_id(node)}
    move_subtree(node, parent, sibling)
    node = db.session.get(D, change.description_id)
    back = {"parent_id": node.parent_id, "previous_sibling_id": previous_sibling_id(node)}
    record_rows(ledger_to, ChangeKind.MOVED, [(node.id, now, back)])


def _delete_created(original: Job, plan: UndoPlan, ledger_to: int | None) -> int:
    """Delete what the job created and nobody built on since; returns the ledger rows gone through."""
    created = created_ids(original.id)
    count = db.session.scalar(select(func.count()).select_from(created.subquery())) or 0
    if not count:
        return 0
    conflicts, kept = blocked_creations(original.id)
    plan.conflicts.extend(conflicts)
    doomed = select(D.id).where(D.id.in_(created), D.id.not_in(kept) if kept else D.id.isnot(None))
    plan.deleted += db.session.scalar(select(func.count()).select_from(doomed.subquery())) or 0
    if ledger_to is None or not plan.deleted:
        return count
    columns = select(*D.__table__.c).where(D.id.in_(doomed)).order_by(D.lft)
    rows = db.session.execute(columns.execution_options(yield_per=BATCH)).mappings()
    ids: list[int] = []
    while batch := rows.fetchmany(BATCH):  # first the ledger (every row as it is, what it holds), then the deletes
        batch_ids = [row["id"] for row in batch]
        held = held_rows(batch_ids)
        deleted = [(row["id"], {**row_json(row), HELD_KEY: held[row["id"]]}, None) for row in batch]
        record_rows(ledger_to, ChangeKind.DELETED, deleted)
        ids += batch_ids
    for start in range(0, len(ids), BATCH):  # a deleted parent takes its (created) children with it
        statement = delete(D).where(D.id.in_(ids[start : start + BATCH]))
        db.session.execute(statement.execution_options(synchronize_session=False))
    renumber_tree()
    return count


def _recreate(batch: list[RecordChange], plan: UndoPlan, ledger_to: int | None) -> None:
    """Insert again, as they were, the records an Undo deleted (parents first); undo() renumbers the
    tree once they are all back."""
    ids = [change.description_id for change in batch]
    taken = set(db.session.scalars(select(D.id).where(D.id.in_(ids))))
    fresh = [change for change in batch if change.description_id not in taken]
    plan.conflicts.extend((i, "a record with its id exists again") for i in sorted(taken))
    plan.recreated += len(fresh)
    if ledger_to is None or not fresh:
        return
    rows = sorted((row_values(change.before or {}) for change in fresh), key=lambda row: (row["depth"], row["lft"]))
    db.session.execute(insert(D), rows)
    insert_held([(change.before or {}).get(HELD_KEY) or {} for change in fresh])
    record_rows(ledger_to, ChangeKind.CREATED, [(row["id"], None, None) for row in rows])
