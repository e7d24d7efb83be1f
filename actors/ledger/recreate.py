"""The two halves of an Undo that delete and insert whole records: deleting what a job created
(its ledger keeps every deleted row, what it held and the sibling it followed, written by the
database in one statement: actors.ledger.snapshots), and inserting again what an Undo deleted
— only under the parent it had, at the place it had."""

from __future__ import annotations

from sqlalchemy import delete, func, select, true

from actors.ledger.created import blocked_creations, created_ids
from actors.ledger.plan import SHOWN_ROOTS, Subtree, UndoPlan
from actors.ledger.snapshots import PLACE_KEY, ledger_created, ledger_deleted
from actors.ledger.values import HELD_KEY, insert_held, row_values
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, RecordChange
from models.tree import renumber_tree


def delete_created(job_id: int, plan: UndoPlan, ledger_to: int | None) -> int:
    """Delete what the job created and is still as it left it; returns the ledger rows gone through."""
    created = created_ids(job_id)
    count = db.session.scalar(select(func.count()).select_from(created.subquery())) or 0
    if not count:
        return 0
    conflicts, kept = blocked_creations(job_id)
    for record_id, why in conflicts:
        plan.conflict(record_id, why)
    doomed = select(D.id).where(D.id.in_(created), D.id.not_in(kept) if kept else true())
    deleted, plan.deleted_root_count, plan.deleted_roots = _roots(job_id, kept)
    plan.deleted += deleted
    if ledger_to is None or not plan.deleted:
        return count
    ledger_deleted(ledger_to, doomed)  # every row as it is, what it holds, its place; then the delete
    db.session.execute(delete(D).where(D.id.in_(doomed)).execution_options(synchronize_session=False))
    renumber_tree()
    return count


def _roots(job_id: int, kept: set[int]) -> tuple[int, int, list[Subtree]]:
    """(how many records go, how many of them have a parent that stays, the first few of those):
    each goes with every record under it (a record that stays keeps its created ancestors too).
    Read as (id, parent)
    pairs: "its parent is not deleted too" in SQL took seconds per 10,000 records on PostgreSQL
    right after an import, before its statistics knew the new rows."""
    pairs = db.session.execute(
        select(D.id, D.parent_id, D.lft)
        .join(RecordChange, RecordChange.description_id == D.id)
        .where(RecordChange.job_id == job_id, RecordChange.kind == ChangeKind.CREATED.value)
    ).all()
    doomed = {record_id for record_id, _parent, _lft in pairs} - kept
    top = sorted((lft, record_id) for record_id, parent, lft in pairs if record_id in doomed and parent not in doomed)
    shown = [record_id for _lft, record_id in top[:SHOWN_ROOTS]]
    found = {row.id: row for row in db.session.execute(select(D.id, D.title, D.lft, D.rgt).where(D.id.in_(shown)))}
    return len(doomed), len(top), [Subtree(i, found[i].title, (found[i].rgt - found[i].lft - 1) // 2) for i in shown]


class Recreation:
    """Records an Undo deleted, inserted again batch by batch (parents first, as the ledger has
    them) with their ids, what they held, under their old parent and after the sibling they
    followed. One whose parent is gone (or left out) is a conflict, with everything under it."""

    def __init__(self, plan: UndoPlan, ledger_to: int | None) -> None:
        self.plan, self.ledger_to = plan, ledger_to
        self.back: set[int] = set()  # inserted again (a preview: would be)
        self.left_out: set[int] = set()
        self.placed: dict[int, int | None] = {}  # top records -> the sibling each follows
        self.root_of: dict[int, int] = {}
        self.shown: dict[int, Subtree] = {}

    def add(self, batch: list[RecordChange]) -> None:
        saved = sorted(
            ((c.description_id, c.before or {}) for c in batch),
            key=lambda s: (s[1].get("depth", 0), s[1].get("lft", 0)),
        )
        taken = set(db.session.scalars(select(D.id).where(D.id.in_([record_id for record_id, _ in saved]))))
        parents = {before.get("parent_id") for _, before in saved} - {None} - self.back
        present = set(db.session.scalars(select(D.id).where(D.id.in_(parents)))) if parents else set()
        fresh = []
        for record_id, before in saved:
            why = self._why_not(record_id, before.get("parent_id"), taken, present)
            if why:
                self.left_out.add(record_id)
                self.plan.conflict(record_id, why, before.get("title"))
                continue
            self._count(record_id, before)
            fresh.append(before)
        self.plan.recreated += len(fresh)
        if self.ledger_to is None or not fresh:
            return
        rows = [row_values(before) for before in fresh]
        db.session.execute(D.__table__.insert(), rows)
        insert_held([before.get(HELD_KEY) or {} for before in fresh])
        ledger_created(self.ledger_to, [row["id"] for row in rows])

    def finish(self) -> None:
        """Number the tree once every record is back (each top record after its old sibling)."""
        if self.ledger_to is not None and self.plan.recreated:
            renumber_tree(self.placed)

    def _why_not(self, record_id: int, parent_id: int | None, taken: set[int], present: set[int]) -> str | None:
        if record_id in taken:
            return "a record with its id exists"
        if parent_id is None or parent_id in self.back or parent_id in present:
            return None
        if parent_id in self.left_out:
            return "its parent is not put back"
        return f"its parent (description {parent_id}) no longer exists"

    def _count(self, record_id: int, before: dict) -> None:
        parent_id = before.get("parent_id")
        if parent_id in self.back:  # under a record put back with it
            root = self.root_of[record_id] = self.root_of[parent_id]
            if root in self.shown:
                self.shown[root].descendants += 1
        else:
            self.root_of[record_id] = record_id
            if PLACE_KEY in before:
                self.placed[record_id] = before[PLACE_KEY]
            self.plan.recreated_root_count += 1
            if len(self.shown) < SHOWN_ROOTS:
                self.shown[record_id] = Subtree(record_id, before.get("title") or "", 0)
                self.plan.recreated_roots.append(self.shown[record_id])
        self.back.add(record_id)
