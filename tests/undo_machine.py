"""A model-based test of sequences of jobs and their Undos (Hypothesis' RuleBasedStateMachine),
shared by the SQLite test (tests/ledger) and the PostgreSQL one (tests/integration).

Why a model: each Undo is right alone; the bugs are in sequences (ids used again after an
Undo, an Undo run twice, Undos in reverse order refused). The model keeps per job the tree
before and after it and the records it created, deleted, moved and updated, and checks after
every step that the tree is whole, that every record sits under the parent some job put it
under, and that no id names a different record; at the end, undoing every job still in effect
newest first gives back the first tree, field for field.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule
from sqlalchemy import select

from actors.engine.clearing import delete_jobs
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind as K
from models import Job, JobStatus
from models.rights import RightsStatement
from tests.import_export_support import FIXTURES
from tests.tree_jobs_support import assert_consistent
from tests.undo_model import (
    FILES,
    Effect,
    MachineBase,
    ModelJob,
    State,
    fresh_tree,
    ids_of,
    ledger,
    parents,
    revised_harbour,
    sequence_settings,
    state,
    step,
    subtree_ids,
)

__all__ = ["UndoMachine", "fresh_tree", "machine_for", "revised_harbour", "sequence_settings"]


class UndoMachine(MachineBase):
    """Configured by machine_for: how jobs run, who launches them, where uploads go."""

    def __init__(self) -> None:
        super().__init__()
        fresh_tree()
        self.initial = state()
        self.parent = parents()  # id -> the parent the model expects
        self.identity = self.created_at()  # id -> created_at: an id names one record, ever
        self.jobs: dict[int, ModelJob] = {}  # completed jobs not cleared
        self.failed: list[int] = []
        self.exact = True  # undoing everything gives the first tree back (no conflict left, no job cleared in effect)
        self.ordered = True  # ... with its sibling order (no Undo done out of order)
        self.copies = itertools.count()
        self.steady = True

    # -- rules ---------------------------------------------------------------------------------

    @rule(data=st.data(), name=st.sampled_from(FILES), match=st.sampled_from(("new", "skip", "update")))
    @step
    def import_file(self, data: st.DataObject, name: str, match: str) -> None:
        where = data.draw(st.sampled_from([None, *sorted(self.parent)]), label="under")
        copy = self.folder / f"{next(self.copies)}-{name}"
        shutil.copy(self.folder / name if name.endswith("revised.csv") else FIXTURES / name, copy)
        slug = db.session.get(D, where).slug if where else None
        file = {"path": str(copy), "filename": name}
        job, before, after = self.launch(
            "import_descriptions", where, {"file": file, "format": "auto", "parent": slug, "match": match}
        )
        assert job.status == JobStatus.COMPLETED, job.output
        rows, now = ledger(job.id), parents()
        created, matched = ids_of(rows, K.CREATED), ids_of(rows, K.UPDATED) | ids_of(rows, K.SKIPPED)
        assert not created & set(self.identity), f"ids of earlier records used again: {created & set(self.identity)}"
        scope = subtree_ids(where) if where else set(self.parent)
        assert matched <= scope, matched - scope
        assert set(now) == set(self.parent) | created
        for record in created:
            assert now[record] in created | scope or now[record] == where, (record, now[record])
        self.identity.update({i: at for i, at in self.created_at().items() if i in created})
        self.done(job, before, after, Effect(created={i: now[i] for i in created}, updated=ids_of(rows, K.UPDATED)))

    @rule(data=st.data())
    @step
    def move(self, data: st.DataObject) -> None:
        record = data.draw(st.sampled_from(sorted(self.parent)), label="record")
        mine = self.descendants(record) | {record}
        targets = ([None] if self.parent[record] is not None else []) + sorted(set(self.parent) - mine)
        if not targets:  # the only tree, and this its root
            return
        target = data.draw(st.sampled_from(targets), label="new parent")
        parameters = (
            {"new_parent": db.session.get(D, target).slug, "top_level": False} if target else {"top_level": True}
        )
        job, before, after = self.launch("move_description", record, parameters)
        assert job.status == JobStatus.COMPLETED, job.output
        rows = ledger(job.id)
        assert set(rows) == {K.MOVED.value}, rows
        assert ids_of(rows, K.MOVED) == {record}, rows
        self.done(job, before, after, Effect(moved={record: (self.parent[record], target)}))

    @rule(data=st.data(), status=st.sampled_from(("draft", "published")))
    @step
    def publication(self, data: st.DataObject, status: str) -> None:
        record = data.draw(st.sampled_from(sorted(self.parent)), label="record")
        parameters = {"status": status, "include_descendants": True}
        self.tree_job("publication_status", record, parameters, self.descendants(record) | {record})

    @rule(data=st.data())
    @step
    def descendant_dates(self, data: st.DataObject) -> None:
        record = data.draw(st.sampled_from(sorted(set(self.parent.values()) - {None})), label="record")
        self.tree_job("descendant_dates", record, None, {record})

    @rule(data=st.data(), mode=st.sampled_from(("combine", "overwrite")))
    @step
    def inherit_rights(self, data: st.DataObject, mode: str) -> None:
        holders = set(db.session.scalars(select(RightsStatement.description_id)))
        choices = sorted(holders & set(self.parent.values()))
        if not choices:
            return
        record = data.draw(st.sampled_from(choices), label="record")
        self.tree_job("inherit_rights", record, {"mode": mode, "scope": "all"}, self.descendants(record))

    def undo_targets(self) -> list[int]:
        """Newest first (what Hypothesis shrinks towards), but none whose Undo was cleared."""
        return sorted((i for i, job in self.jobs.items() if not job.undo_cleared), reverse=True)

    @precondition(lambda self: self.undo_targets())
    @rule(data=st.data(), partial=st.booleans())
    @step
    def undo(self, data: st.DataObject, partial: bool) -> None:
        self.undo_job(data.draw(st.sampled_from(self.undo_targets()), label="job"), partial)

    def undo_job(self, target: int, partial: bool = False) -> None:
        """Undo target and check the outcome against the model (see the module's docstring)."""
        model = self.jobs[target]
        description_id = db.session.get(Job, target).description_id
        parameters = {"partial": True} if partial else None
        job, before, after = self.launch("undo_job", description_id, parameters, undo_of=target)
        info = job.info or ""
        if model.undone_by is not None:
            assert job.status == JobStatus.ERROR, (job.status, info)
            assert "already undone" in info, (job.status, info)
        elif model.effect.empty:
            assert job.status == JobStatus.ERROR, (job.status, info)
            assert "no record of changes" in info, (job.status, info)
        elif before == model.after:  # nothing since, or all of it undone: the job's tree before comes back
            assert job.status == JobStatus.COMPLETED, (job.status, info, job.output)
            assert "conflict" not in info, (job.status, info, job.output)
            assert after == model.before, "the tree is not as it was before the job"
        if job.status != JobStatus.COMPLETED:
            assert after == before, "a refused Undo changed something"
            assert not ledger(job.id), "a refused Undo changed something"
            self.failed.append(job.id)
            return
        conflicts = "conflict" in info
        self.exact &= not conflicts
        self.ordered &= before == model.after
        self.record_undo(job, model, before, after, conflicts)

    def record_undo(self, job: Job, model: ModelJob, before: State, after: State, conflicts: bool) -> None:
        """The Undo's ledger names only what the job changed (all of it, without conflicts)."""
        expected, rows = model.effect.inverse(), ledger(job.id)
        done = {
            "created": (ids_of(rows, K.CREATED), set(expected.created)),
            "deleted": (ids_of(rows, K.DELETED), set(expected.deleted)),
            "moved": (ids_of(rows, K.MOVED), set(expected.moved)),
            "updated": (ids_of(rows, K.UPDATED), expected.updated),
        }
        for kind, (found, allowed) in done.items():
            assert found <= allowed, f"the Undo {kind} records job {model.id} did not touch: {found - allowed}"
            assert conflicts or found == allowed, f"the Undo left {kind} records without a conflict: {allowed - found}"
        effect = Effect(
            created={i: expected.created[i] for i in done["created"][0]},  # back under the parent it had
            deleted={i: self.parent[i] for i in done["deleted"][0]},
            moved={i: expected.moved[i] for i in done["moved"][0]},
            updated=done["updated"][0],
        )
        model.undone_by = job.id
        self.done(job, before, after, effect, undo_of=model.id, depth=model.depth + 1)

    @precondition(lambda self: self.jobs or self.failed)
    @rule(data=st.data())
    @step
    def clear(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(sorted([*self.jobs, *self.failed])), label="job")
        delete_jobs(select(Job).where(Job.id == target))
        note(f"cleared job {target}")
        if target in self.failed:
            self.failed.remove(target)
            return
        model = self.jobs.pop(target)
        if model.undone_by is None and not model.effect.empty:
            self.exact = False  # its changes stay, and nothing can undo them now
        for other in self.jobs.values():
            other.undo_cleared |= other.undone_by == target

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    @step
    def tree_is_whole(self) -> None:
        assert_consistent(db)

    @invariant()
    @step
    def every_record_under_the_parent_a_job_gave_it(self) -> None:
        now = parents()
        assert set(now) == set(self.parent), set(now) ^ set(self.parent)
        wrong = {i: (now[i], self.parent[i]) for i in now if now[i] != self.parent[i]}
        assert not wrong, f"record: (parent, expected parent): {wrong}"

    @invariant()
    @step
    def an_id_names_one_record(self) -> None:
        changed = {i: at for i, at in self.created_at().items() if self.identity.get(i) != at}
        assert not changed, f"ids now naming another record: {sorted(changed)}"

    def teardown(self) -> None:
        """Undo every job still in effect, newest first: the first tree again."""
        if self.exact and self.steady:
            tips = [j for j in self.jobs.values() if j.undone_by is None and j.depth % 2 == 0 and not j.effect.empty]
            for job in sorted(tips, key=lambda j: j.id, reverse=True):
                self.undo_job(job.id)
                undo = self.jobs[job.undone_by] if job.undone_by else None
                assert undo is not None, f"job {job.id} could not be undone"
            if self.ordered:
                assert state() == self.initial, "undoing everything did not give the first tree back"
            else:
                assert state().without_order() == self.initial.without_order(), "not the first tree (order aside)"
        super().teardown()


def machine_for(run_jobs: Callable[[], Any], folder: Path, username: str | None = None) -> type[UndoMachine]:
    """The machine on this database and worker (a subclass: Hypothesis builds it without arguments)."""
    revised_harbour(folder)
    return type("Machine", (UndoMachine,), {"run_jobs": staticmethod(run_jobs), "folder": folder, "username": username})
