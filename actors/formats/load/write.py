"""Pass 2 of an import: insert the new records in batches with their final tree numbers.

When every new sub-tree hangs from one place (the chosen parent, or the top level —
every import with match "new" and most others), the gap is opened once with
``open_gap`` and each row is inserted with its final lft/rgt/depth: no other row of the
tree is touched again, which matters on a big tree. Only when new records land under
several existing records (merging into matched records) are they inserted provisionally
after everything and the tree renumbered from parent_id in one pass of batched UPDATEs.
"""

from __future__ import annotations

from array import array
from collections import deque
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import BindParameter, bindparam, func, select, text, update

from actors.formats.load.bulk import insert_dicts
from actors.formats.load.plan import Plan
from actors.formats.load.related import LINK_TABLES, RelatedWriter
from actors.formats.load.slugs import SlugAllocator
from actors.formats.rows import ImportFailed, Row
from actors.ledger.recording import jsonable, record_rows, written_in
from actors.ledger.snapshots import ledger_created
from actors.ledger.values import held_rows, with_held
from actors.ledger.vocabulary import record_additions, watermarks
from extensions import db
from models.base import utcnow
from models.changes import ChangeKind
from models.description import ArchivalDescription as D
from models.tree import check_tree, lock_tree, open_gap, renumber_tree
from models.vocabulary import LevelOfDescription

BATCH = 1000
SHOWN_SKIPS = 100
REPLACED_TABLES = [table.__table__ for table in LINK_TABLES]  # what an update replaces of a matched record


class Writer:
    def __init__(self, plan: Plan, job_id: int) -> None:
        self.plan, self.job_id = plan, job_id
        self.ids = array("q", [0]) * plan.count  # the record each row became (new or matched)
        self.lft, self.rgt, self.depth = plan.number()
        self.single_place = len(plan.attachments) <= 1
        self.slugs = SlugAllocator()
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.created = self.updated = self.skipped = 0
        self.skipped_ids: list[int] = []  # ledgered with the next batch
        self._free_ids: deque[int] = deque()
        self._next_id = 0
        self.base = self.base_depth = 0
        self.related = RelatedWriter()
        self.level_keys: dict[str, str] = {}  # compact level key -> the vocabulary's key
        self.levels_written: dict[str, str] = {}  # a level as the file writes it -> the vocabulary's key
        self.now = utcnow()  # one time for the whole import, as the one transaction it is
        self.vocabulary_since: dict[str, int] = {}
        self.created_ids: list[int] = []  # inserted, ledgered once what they hold is in too

    def begin(self) -> None:
        """Take the tree lock (exclusively, as a move does: the gap renumbers other trees), then
        find where the new records go and make room."""
        lock_tree(0, exclusive=True)
        self.vocabulary_since = watermarks()
        self.level_keys = {_compact(key): key for key in LevelOfDescription.names()}
        self._next_id = D.highest_id_ever() + 1
        place = next(iter(self.plan.attachments), 0)
        if self.single_place and place:
            node = db.session.get(D, place)
            if node is None:  # deleted between the plan and the tree lock
                raise ImportFailed(
                    _("The description the new records go under (id %(id)s) no longer exists.", id=place)
                )
            self.base, self.base_depth = node.rgt, node.depth + 1
            open_gap(node.rgt, 2 * self.plan.new_count)
            db.session.expire(node)
        else:
            self.base = (db.session.scalar(select(func.max(D.rgt))) or 0) + 1

    def add(self, i: int, row: Row, values: dict[str, Any]) -> None:
        plan = self.plan
        values["level_of_description"] = self._level_key(values["level_of_description"])
        values["repository_id"] = self.related.repository_id(row.related.repository)
        if plan.match[i]:
            self.ids[i] = plan.match[i]
            if plan.match_mode == "update":
                self.related.add(plan.match[i], row.related, row.related.events, replace=True)
                changes = {f"b_{name}": value for name, value in values.items()}  # (b_: not a column name)
                self.updates.append({"b_id": plan.match[i], **changes, "b_updated_at": self.now})
                self.updated += 1
            else:
                self.skipped_ids.append(plan.match[i])
                self.skipped += 1
                if self.skipped <= SHOWN_SKIPS:
                    print(f"{row.where}: skipped “{values['title']}”: {values['identifier']} is already there.")
            if len(self.updates) + len(self.skipped_ids) >= BATCH:
                self._flush()
            return
        parent = plan.parent[i]
        record_id = self._allocate_id()
        self.ids[i] = record_id
        self.inserts.append(
            {
                **values,
                "id": record_id,
                "parent_id": self.ids[parent] if parent >= 0 else (plan.anchor[i] or None),
                "lft": self.base + self.lft[i],
                "rgt": self.base + self.rgt[i],
                "depth": self.base_depth + self.depth[i],
                "created_at": self.now,
                "updated_at": self.now,
            }
        )
        self.related.add(record_id, row.related, row.related.events, replace=False)
        self.created += 1
        if len(self.inserts) >= BATCH:
            self._flush()

    def finish(self) -> None:
        self._flush()
        record_additions(self.job_id, self.vocabulary_since)
        if self.skipped > SHOWN_SKIPS:
            print(f"... and {self.skipped - SHOWN_SKIPS} more rows skipped.")
        if not self.single_place:
            print("New records were added under several existing records: renumbering the tree.", flush=True)
            renumber_tree()
        check_tree()  # the nested set and the parent links agree, or nothing is imported

    def _level_key(self, name: str) -> str:
        """The vocabulary's key for a level as written ("Sub-fonds" is "subfonds"); a new level joins it.
        (A file writes its few levels the same way on every row: each spelling is worked out once.)"""
        key = self.levels_written.get(name)
        if key is None:
            compact = _compact(name)
            if compact not in self.level_keys:
                self.level_keys[compact] = LevelOfDescription.ensure([name])[0]
            key = self.levels_written[name] = self.level_keys[compact]
        return key

    def record_id(self, i: int) -> int:
        return self.ids[i]

    def _flush(self) -> None:
        """The buffered descriptions, then what they hold (it refers to them). What an update
        replaces of a matched record's notes, events, access points... is ledgered as it was and
        as it became, so its Undo puts it back."""
        self._flush_inserts()
        replaced = list(self.related.replaced)
        held_before = held_rows(replaced, REPLACED_TABLES) if replaced else {}
        changes = self._flush_updates()
        record_rows(self.job_id, ChangeKind.SKIPPED, ((record_id, None, None) for record_id in self.skipped_ids))
        self.skipped_ids = []
        self.related.flush()
        if self.created_ids:  # once they hold what they hold: what an Undo compares
            ledger_created(self.job_id, written_in(self.created_ids))
            self.created_ids = []
        if held_before:
            changes = with_held(changes, held_before, held_rows(replaced, REPLACED_TABLES))
        record_rows(self.job_id, ChangeKind.UPDATED, changes)

    def _flush_inserts(self) -> None:
        if not self.inserts:
            return
        for record, slug in zip(self.inserts, self.slugs.assign([r["title"] for r in self.inserts]), strict=True):
            record["slug"] = slug
        insert_dicts(D.__table__, self.inserts)
        self.created_ids = [record["id"] for record in self.inserts]
        self.inserts = []

    def _flush_updates(self) -> list[tuple[int, dict, dict]]:
        """Update the matched records; returns their ledger rows (id, before, after)."""
        if not self.updates:
            return []
        columns: dict[str, BindParameter[Any]] = {
            name[2:]: bindparam(name) for name in self.updates[0] if name != "b_id"
        }
        changes = self._ledger_updates([name for name in columns if name != "updated_at"])
        db.session.connection().execute(update(D).where(D.id == bindparam("b_id")).values(columns), self.updates)
        self.updates = []
        return changes

    def _ledger_updates(self, names: list[str]) -> list[tuple[int, dict, dict]]:
        """The fields each matched record is about to change, with their values before (one
        SELECT per batch): exactly what undo would put back."""
        ids = [values["b_id"] for values in self.updates]
        query = select(D.id, *(getattr(D, name) for name in names)).where(D.id.in_(ids))
        current = {row[0]: dict(zip(names, row[1:], strict=True)) for row in db.session.execute(query)}
        changes = []
        for values in self.updates:
            old = current[values["b_id"]]
            changed = [name for name in names if jsonable(values[f"b_{name}"]) != jsonable(old[name])]
            if changed:
                before = {name: old[name] for name in changed}
                changes.append((values["b_id"], before, {name: values[f"b_{name}"] for name in changed}))
        return changes

    def _allocate_id(self) -> int:
        """Ids are chosen here so children can point at parents still in the unsent batch.

        PostgreSQL: blocks from the table's sequence (safe beside other inserts). Others:
        after the current maximum, under the write lock ``begin`` took.
        """
        if db.engine.dialect.name != "postgresql":
            self._next_id += 1
            return self._next_id - 1
        if not self._free_ids:
            self._free_ids.extend(
                sorted(
                    db.session.scalars(
                        text(
                            "SELECT nextval(pg_get_serial_sequence('archival_descriptions', 'id')) "
                            "FROM generate_series(1, :n)"
                        ),
                        {"n": BATCH},
                    )
                )
            )
        return self._free_ids.popleft()


def _compact(level: str) -> str:
    return "".join(ch for ch in level.lower() if ch.isalnum())
