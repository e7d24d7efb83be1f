"""What the sequence test (undo_machine) knows of the tree without asking the application twice:
snapshots of the whole tree, and per job the records it created, deleted, moved and updated.

An Undo's expected changes are the inverse of its job's; its ledger must name no other record.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, note, settings
from hypothesis.stateful import RuleBasedStateMachine
from sqlalchemy import delete, select

from actors.engine.clearing import delete_jobs
from actors.engine.launching import launch
from actors.ledger.values import HELD
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, Job, JobStatus, RecordChange, User
from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement
from tests.import_export_support import FIXTURES

COMPARED = [c.key for c in D.__mapper__.column_attrs if c.key != "updated_at"]
UNORDERED = [name for name in COMPARED if name not in ("lft", "rgt")]  # sibling order aside


@dataclass(frozen=True)
class State:
    """Every field of every description (but updated_at) and every row they hold: 'the tree'."""

    descriptions: tuple[tuple, ...]
    held: tuple[tuple[str, tuple], ...]

    def without_order(self) -> tuple:
        """The same tree but for lft/rgt (what survives undos done out of order)."""
        keep = [COMPARED.index(name) for name in UNORDERED]
        return tuple(tuple(row[i] for i in keep) for row in self.descriptions), self.held


def state() -> State:
    db.session.expire_all()
    rows = db.session.scalars(select(D).order_by(D.id))
    descriptions = tuple(tuple(getattr(d, name) for name in COMPARED) for d in rows)
    held = []
    for table, _column in HELD:
        kept = [c for c in table.columns if not (c.primary_key and c.name == "id")]
        held.append((table.name, tuple(sorted(tuple(map(str, row)) for row in db.session.execute(select(*kept))))))
    return State(descriptions, tuple(held))


def parents() -> dict[int, int | None]:
    """Every record's parent id, as the database has it now."""
    db.session.expire_all()
    return {row[0]: row[1] for row in db.session.execute(select(D.id, D.parent_id))}


def subtree_ids(record_id: int, strict: bool = False) -> set[int]:
    record = db.session.get(D, record_id)
    low = D.lft > record.lft if strict else D.lft >= record.lft
    return set(db.session.scalars(select(D.id).where(low, D.lft < record.rgt)))


def ledger(job_id: int) -> dict[str, list[RecordChange]]:
    """The job's ledger rows by kind."""
    db.session.expire_all()
    rows = db.session.scalars(select(RecordChange).where(RecordChange.job_id == job_id).order_by(RecordChange.id))
    found: dict[str, list[RecordChange]] = defaultdict(list)
    for row in rows:
        found[row.kind].append(row)
    return found


def ids_of(rows: dict[str, list[RecordChange]], kind: ChangeKind) -> set[int]:
    return {row.description_id for row in rows.get(kind.value, [])}


@dataclass
class Effect:
    """A job's changes to the tree as the model expects them (parents are ids, None: top level)."""

    created: dict[int, int | None] = field(default_factory=dict)  # id -> its parent
    deleted: dict[int, int | None] = field(default_factory=dict)  # id -> the parent it had
    moved: dict[int, tuple[int | None, int | None]] = field(default_factory=dict)  # id -> (from, to)
    updated: set[int] = field(default_factory=set)

    def inverse(self) -> Effect:
        return Effect(
            created=dict(self.deleted),
            deleted=dict(self.created),
            moved={i: (to, frm) for i, (frm, to) in self.moved.items()},
            updated=set(self.updated),
        )

    @property
    def empty(self) -> bool:
        return not (self.created or self.deleted or self.moved or self.updated)


@dataclass
class ModelJob:
    id: int
    type: str
    before: State
    after: State
    effect: Effect
    undo_of: int | None = None  # an Undo: the job it undid
    depth: int = 0  # 0 a job, 1 its Undo, 2 the Undo of that... (odd: it takes a change away)
    undone_by: int | None = None  # the completed Undo of this job
    undo_cleared: bool = False  # that Undo was cleared since: whether it still counts is not ours to say


def finished_job(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


LONG = int(os.environ.get("UNDO_SEQUENCES_EXAMPLES") or 0)
FILES = ("harbour.csv", "harbour.xml", "nested_c.xml", "harbour_revised.csv")


def revised_harbour(folder: Path) -> Path:
    """harbour.csv with every title changed: what an import that updates changes."""
    rows = list(csv.DictReader(io.StringIO((FIXTURES / "harbour.csv").read_text("utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**row, "title": row["title"] + " (revised)"} for row in rows)
    path = folder / "harbour_revised.csv"
    path.write_text(out.getvalue(), "utf-8")
    return path


def fresh_tree() -> None:
    """Every job and description gone; two small fonds, each root holding a rights statement."""
    delete_jobs(select(Job))
    db.session.execute(delete(D))
    db.session.commit()
    for slug in (insert_demo_fonds(12, title="Harbour fonds"), insert_demo_fonds(6, title="Elsewhere fonds")):
        own = {"basis": RightsBasis.COPYRIGHT, "act": RightsAct.DISPLAY, "restriction": RightsRestriction.ALLOW}
        db.session.add(RightsStatement(description_id=D.by_slug(slug).id, note=slug, **own))
    db.session.commit()


def step(method: Callable[..., None]) -> Callable[..., None]:
    """A rule or invariant: until it ends well, teardown does not judge the tree (Hypothesis runs
    teardown after a failure too; undoing everything then would only hide the first error)."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        self.steady = False
        method(self, *args, **kwargs)
        self.steady = True

    return wrapper


def sequence_settings(examples: int = 25, steps: int = 15) -> settings:
    """Short, derandomized and unshrunk in the suite (the same sequences every run: CI stays
    deterministic); UNDO_SEQUENCES_EXAMPLES=N: N random examples, shrunk, kept in the example database."""
    return settings(
        max_examples=LONG or examples,
        stateful_step_count=steps,
        derandomize=not LONG,
        # the suite does not shrink (it would take Hypothesis' five minutes at each failure); the long run does
        phases=tuple(Phase) if LONG else (Phase.explicit, Phase.generate),
        database=settings.default.database if LONG else None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


class MachineBase(RuleBasedStateMachine):
    """How the machine launches and records jobs (its rules are in undo_machine); configured by
    machine_for: how jobs run, who launches them, where uploads go."""

    run_jobs: ClassVar[Callable[[], Any]]
    username: ClassVar[str | None] = None
    folder: ClassVar[Path]
    parent: dict[int, int | None]
    jobs: dict[int, ModelJob]

    def created_at(self) -> dict:
        return {row[0]: row[1] for row in db.session.execute(select(D.id, D.created_at))}

    def descendants(self, record: int) -> set[int]:
        found, todo = set(), [record]
        while todo:
            parent = todo.pop()
            children = [i for i, p in self.parent.items() if p == parent]
            found.update(children)
            todo += children
        return found

    def launch(self, type_key: str, record: int | None, parameters: dict | None, undo_of: int | None = None):
        """Launch, run, read back: (job, tree before, tree after)."""
        before = state()
        user = User.by_username(self.username) if self.username else None
        description = db.session.get(D, record) if record else None
        job, _ = launch(type_key, user=user, description=description, parameters=parameters, undo_of_id=undo_of)
        type(self).run_jobs()
        job = finished_job(job.id)
        note(f"job {job.id} {type_key} {record} {parameters or ''} undo_of={undo_of}: {job.status.value} {job.info}")
        return job, before, state()

    def done(self, job: Job, before: State, after: State, effect: Effect, **fields: Any) -> ModelJob:
        model = ModelJob(job.id, job.type, before, after, effect, **fields)
        self.jobs[job.id] = model
        for record, parent in {**effect.created, **{i: to for i, (_f, to) in effect.moved.items()}}.items():
            self.parent[record] = parent
        for record in effect.deleted:
            self.parent.pop(record)
        return model

    def tree_job(self, type_key: str, record: int, parameters: dict | None, allowed: set[int]) -> None:
        """A job that only updates fields: completes, ledgers only records in allowed, moves none."""
        job, before, after = self.launch(type_key, record, parameters)
        assert job.status == JobStatus.COMPLETED, job.output
        rows = ledger(job.id)
        assert set(rows) <= {ChangeKind.UPDATED.value}, rows
        assert ids_of(rows, ChangeKind.UPDATED) <= allowed
        self.done(job, before, after, Effect(updated=ids_of(rows, ChangeKind.UPDATED)))
