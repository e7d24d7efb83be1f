"""Undo a job: put back what its ledger says it changed, and never over a later change.

An Undo is a job of its own (type "undo_job"; ``Job.undo_of_id`` names the job it reverses),
tracked like any job and written in the ledger itself, so undoing an Undo applies the job
again. Conflicts are judged by state, not by who touched a record: a record conflicts when
what is there now differs from what the job left, so undoing jobs newest first never meets
one. Per kind of change:

- updated: the fields get their before-values back, if each still holds what the job wrote;
- moved: the record goes back under its old parent, after the sibling it followed, if it is
  still where the job put it;
- created: the record is deleted if it still holds what the job left and nothing the job did
  not create (actors.ledger.created);
- deleted (an Undo's deletions): the record is inserted again with its id, under its old
  parent, after the sibling it followed — or, when that parent is gone, left out as a conflict.

A record that fails its check is a conflict: left alone and named. With conflicts the Undo
changes nothing (it raises; the job's transaction rolls back) unless it was asked to "undo
what can be undone". ``undo(..., apply=False)`` runs the same checks and writes nothing: the
preview of the confirmation page. An Undo that reshaped the tree checks the nested set
against the parent links before it commits.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select, update

from actors.ledger.plan import UndoPlan
from actors.ledger.recording import jsonable, record_rows
from actors.ledger.recreate import Recreation, delete_created
from actors.ledger.rights_ledger import CREATED as RIGHTS_CREATED
from actors.ledger.rights_ledger import FIELD as RIGHTS
from actors.ledger.rights_ledger import put_back, same_statements, statements_of
from actors.ledger.values import HELD, HELD_KEY, Held, from_json, held_rows, put_held_back, same_held
from actors.ledger.vocabulary import added_counts, remove_unused, restore_removed
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, Job, RecordChange
from models.base import utcnow
from models.tree import check_tree, move_subtree, previous_sibling_id

BATCH = 1000
Progress = Callable[[int], None]


def undo(original: Job, undo_job_id: int | None, *, apply: bool, on_progress: Progress = lambda done: None) -> UndoPlan:
    """Check (and with apply, undo) every change of original; the Undo's own ledger goes to undo_job_id."""
    plan = UndoPlan()
    ledger_to = undo_job_id if apply else None
    done = 0
    for batch in _batches(original.id, ChangeKind.UPDATED):
        _restore(batch, plan, ledger_to)
        done += len(batch)
        on_progress(done)
    for batch in _batches(original.id, ChangeKind.MOVED, newest_first=True):
        for change in batch:
            _move_back(change, plan, ledger_to)
        done += len(batch)
        on_progress(done)
    done += delete_created(original.id, plan, ledger_to)
    plan.vocabulary_removed = remove_unused(original.id, ledger_to) if apply else added_counts(original.id)
    on_progress(done)
    plan.vocabulary_restored = restore_removed(original.id, ledger_to)  # before the records that refer to it
    recreation = Recreation(plan, ledger_to)
    for batch in _batches(original.id, ChangeKind.DELETED):
        recreation.add(batch)
        done += len(batch)
        on_progress(done)
    if apply:
        recreation.finish()
        if plan.deleted or plan.recreated or plan.moved:
            check_tree()
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
    names = sorted({name for change in batch for name in change.after or {}} - {RIGHTS, RIGHTS_CREATED, HELD_KEY})
    query = select(D.id, *(getattr(D, name) for name in names)).where(D.id.in_([c.description_id for c in batch]))
    current = {row[0]: dict(zip(names, row[1:], strict=True)) for row in db.session.execute(query)}
    rights_now = statements_of([c.description_id for c in batch if RIGHTS in (c.after or {})])
    held_now = _held_now([change for change in batch if HELD_KEY in (change.after or {})])
    groups: dict[str, list[int]] = defaultdict(list)  # the same before-values: one UPDATE
    rights_back: dict[int, list] = {}
    rights_created: dict[int, list] = {}
    held_back: dict[int, Held] = {}
    restored = []
    for change in batch:
        now = current.get(change.description_id)
        if now is None:
            plan.conflict(change.description_id, "deleted since", (change.before or {}).get("title"))
            continue
        moved_on = _changed_since(change, now, rights_now, held_now)
        if moved_on:
            plan.conflict(change.description_id, f"changed since ({', '.join(moved_on)})")
            continue
        before = dict(change.before or {})
        if RIGHTS in before:
            rights_back[change.description_id] = before.pop(RIGHTS)
            rights_created[change.description_id] = before.pop(RIGHTS_CREATED, None) or []
        if HELD_KEY in before:
            held_back[change.description_id] = before.pop(HELD_KEY)
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
    put_back(rights_back, rights_created)
    put_held_back(held_back)
    record_rows(ledger_to, ChangeKind.UPDATED, restored)


def _changed_since(
    change: RecordChange, now: dict[str, Any], rights_now: dict[int, list[dict[str, Any]]], held_now: dict[int, Held]
) -> list[str]:
    """What the record no longer holds as the job left it (fields, rights statements, rows it
    holds): any of it makes the record a conflict, named with what changed."""
    after = change.after or {}
    moved_on = [name for name, value in after.items() if name in now and jsonable(now[name]) != value]
    if RIGHTS in after and not same_statements(rights_now[change.description_id], after[RIGHTS]):
        moved_on.append(RIGHTS)
    if HELD_KEY in after and not same_held(held_now[change.description_id], after[HELD_KEY]):
        moved_on.append("notes, events, access points or containers")
    return moved_on


def _held_now(changes: list[RecordChange]) -> dict[int, Held]:
    """What these records hold now in the tables their ledger rows name (an update import's)."""
    if not changes:
        return {}
    names = {name for change in changes for name in (change.after or {})[HELD_KEY]}
    tables = [table for table, _column in HELD if table.name in names]
    return held_rows([change.description_id for change in changes], tables)


def _move_back(change: RecordChange, plan: UndoPlan, ledger_to: int | None) -> None:
    """Under the old parent, after the sibling it followed (first if that one is gone)."""
    node = db.session.get(D, change.description_id)
    before, after = change.before or {}, change.after or {}
    if node is None:
        plan.conflict(change.description_id, "deleted since")
        return
    if node.parent_id != after.get("parent_id"):
        plan.conflict(change.description_id, "moved again since")
        return
    parent = db.session.get(D, before["parent_id"]) if before.get("parent_id") else None
    if before.get("parent_id") and parent is None:
        plan.conflict(change.description_id, "its old parent was deleted")
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
    assert node is not None  # (just moved, under the tree lock: read again with its new numbers)
    back = {"parent_id": node.parent_id, "previous_sibling_id": previous_sibling_id(node)}
    record_rows(ledger_to, ChangeKind.MOVED, [(node.id, now, back)])
