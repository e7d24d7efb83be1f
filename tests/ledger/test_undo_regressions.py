"""Sequences of jobs and Undos that went wrong, as tests/ledger/test_undo_sequences.py found
them (each docstring quotes Hypothesis' shrunk sequence), written out without Hypothesis."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from actors.engine.launching import launch
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, Job, JobStatus, User
from tests.import_export_support import FIXTURES
from tests.tree_jobs_support import assert_consistent
from tests.undo_machine import fresh_tree, revised_harbour
from tests.undo_model import ids_of, ledger, parents, state


@pytest.fixture
def run(users, run_jobs, tmp_path):
    """Launch a job as alice, run it, return it finished."""
    fresh_tree()

    def _run(type_key: str, record: int | None = None, parameters: dict | None = None, undo_of: int | None = None):
        user = User.by_username("alice")
        description = db.session.get(D, record) if record else None
        job, _ = launch(type_key, user=user, description=description, parameters=parameters, undo_of_id=undo_of)
        run_jobs()
        db.session.expire_all()
        return db.session.get(Job, job.id)

    return _run


def imported(run, tmp_path: Path, name: str = "harbour.csv", under: int | None = None, match: str = "new") -> Job:
    source = tmp_path / name if name.endswith("revised.csv") else FIXTURES / name
    copy = tmp_path / f"{len(list(tmp_path.iterdir()))}-{name}"
    shutil.copy(source, copy)
    slug = db.session.get(D, under).slug if under else None
    parameters = {"file": {"path": str(copy), "filename": name}, "format": "auto", "parent": slug, "match": match}
    job = run("import_descriptions", under, parameters)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def undone(run, job: Job, partial: bool = False) -> Job:
    description_id = db.session.get(Job, job.id).description_id
    return run("undo_job", description_id, {"partial": True} if partial else None, undo_of=job.id)


def created(job: Job) -> set[int]:
    return ids_of(ledger(job.id), ChangeKind.CREATED)


def test_an_import_after_an_undone_import_gets_ids_of_its_own(run, tmp_path):
    """state.import_file(match='new', name='harbour.csv')   # under: None
    state.undo(partial=False)                                # job: the import
    state.import_file(match='new', name='harbour.csv')       # under: None
    -> AssertionError: ids of earlier records used again: {19, 20, 21, 22, 23, 24}

    On SQLite an import numbered its records from max(id) + 1, so the ids the Undo had just freed
    went to the next import's records. The Undo's ledger still names those ids: undoing the Undo
    then met "a record with its id exists again", and with "undo what can be undone" put the
    first import's records back under the second import's ones."""
    first = imported(run, tmp_path)
    first_ids, first_parents = created(first), {i: p for i, p in parents().items() if i in created(first)}
    assert undone(run, first).status == JobStatus.COMPLETED
    second = imported(run, tmp_path, "nested_c.xml")  # 5 records: the 6th one came back under the 5th of these
    assert created(second).isdisjoint(first_ids), "the second import took the ids of the first one's records"
    again = undone(run, db.session.scalar(select(Job).where(Job.undo_of_id == first.id)))
    assert again.status == JobStatus.COMPLETED, again.info
    now = parents()
    assert {i: now.get(i) for i in first_ids} == first_parents  # each under the parent it had
    assert created(second) <= set(now)  # the second import's records untouched
    assert_consistent(db)


def test_an_undone_job_is_not_undone_again(run, tmp_path):
    """state.import_file(match='new', name='harbour.csv')   # under: None
    state.undo(partial=False)                                # job: the import
    state.undo(partial=False)                                # job: the import again
    -> AssertionError: (ERROR, '6 records changed since job 1253 ran: nothing was undone ...')

    The second Undo was not refused as such: it looked for conflicts, found the first Undo's
    deletions, and (with "undo what can be undone") completed as "nothing to undo"."""
    job = imported(run, tmp_path)
    first = undone(run, job)
    assert first.status == JobStatus.COMPLETED
    for partial in (False, True):
        second = undone(run, job, partial=partial)
        assert second.status == JobStatus.ERROR, second.info
        assert f"already undone by job {first.id}" in second.info


def test_a_job_undone_then_redone_by_undoing_its_undo_is_still_undone(run, tmp_path):
    """import, undo it, undo the Undo (the records come back), then undo the import again: it was
    undone by the first Undo; undoing it again deleted the records a second time and left the
    chain of Undos saying the records were there."""
    job = imported(run, tmp_path)
    first = undone(run, job)
    assert undone(run, first).status == JobStatus.COMPLETED
    before = state()
    again = undone(run, job)
    assert again.status == JobStatus.ERROR, again.info
    assert f"already undone by job {first.id}" in again.info, again.info
    assert state() == before


def test_undos_in_reverse_order_all_succeed(run, tmp_path):
    """state.import_file(match='new', name='harbour.csv')             # under: a series
    state.import_file(match='update', name='harbour_revised.csv')      # under: the same series
    state.undo(partial=False)                                          # job: the update
    state.undo(partial=False)                                          # job: the first import
    -> the first import's Undo refused: '6 records changed since job N ran: nothing was undone'

    "Changed since" was read from any later ledger row about a record, even one of a job that
    was undone since: the tree was exactly as the import had left it, yet it could not be undone."""
    revised_harbour(tmp_path)
    series = db.session.scalars(select(D).where(D.depth == 1).order_by(D.lft)).first()
    before = state()
    first = imported(run, tmp_path, under=series.id)
    update = imported(run, tmp_path, "harbour_revised.csv", under=series.id, match="update")
    assert ids_of(ledger(update.id), ChangeKind.UPDATED) == created(first)
    assert undone(run, update).status == JobStatus.COMPLETED
    undo = undone(run, first)
    assert undo.status == JobStatus.COMPLETED, undo.info
    assert undo.info.startswith(f"Undid job {first.id}: 6 deleted")
    assert state() == before


def test_the_undo_of_an_undo_of_inherit_rights_gives_back_the_statements_as_the_job_left_them(run):
    """state.inherit_rights(mode='combine')   # record: Elsewhere fonds
    state.undo(partial=False)                 # job: the inherit
    state.undo(partial=True)                  # job: that Undo
    -> AssertionError: the tree is not as it was before the job   (found on PostgreSQL; SQLite alike)

    The statements inserted again are new rows: their created_at is the Undo's time, not the
    one the job gave them (the rights ledger keeps RightsStatement.CONTENT only), so "the undo of
    the Undo applies the job again" holds for their content but not field for field."""
    root = db.session.scalar(select(D).where(D.title == "Elsewhere fonds"))
    job = run("inherit_rights", root.id, {"mode": "combine", "scope": "all"})
    assert job.status == JobStatus.COMPLETED, job.output
    inherited = state()
    first = undone(run, job)
    assert first.status == JobStatus.COMPLETED
    assert undone(run, first).status == JobStatus.COMPLETED
    assert state() == inherited


def test_an_import_is_not_undone_over_rights_inherited_since(run, tmp_path):
    """state.import_file(match='new', name='harbour.csv')   # under: Harbour fonds
    state.inherit_rights(mode='combine')                     # record: Harbour fonds
    state.undo(partial=False)                                # job: the import
    state.teardown()  -> AssertionError: job (the inherit) could not be undone
                         ("6 records changed since": the Undo of the import had deleted them)

    What a created record holds (its rights statements here) is part of what the job left of it."""
    root = db.session.scalar(select(D).where(D.title == "Harbour fonds"))
    before = state()
    first = imported(run, tmp_path, under=root.id)
    inherit = run("inherit_rights", root.id, {"mode": "combine", "scope": "all"})
    assert inherit.status == JobStatus.COMPLETED, inherit.output
    refused = undone(run, first)
    assert refused.status == JobStatus.ERROR, refused.info
    assert "6 records changed since" in refused.info, refused.info
    assert undone(run, inherit).status == JobStatus.COMPLETED
    assert undone(run, first).status == JobStatus.COMPLETED
    assert state() == before
