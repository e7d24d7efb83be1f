"""On PostgreSQL (json_build_object, advisory tree lock, the id sequence): each job type's ledger,
its Undo, and the tree identical to before, every field of every description compared."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from actors.engine.launching import LaunchConflict, launch
from actors.ledger.values import HELD
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, Job, JobStatus, RecordChange
from tests.import_export_support import FIXTURES
from tests.tree_jobs_support import assert_consistent, run_all

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_app")]
COMPARED = [c.key for c in D.__mapper__.column_attrs if c.key != "updated_at"]


def every_description() -> list[tuple]:
    db.session.expire_all()
    return [tuple(getattr(d, name) for name in COMPARED) for d in db.session.scalars(select(D).order_by(D.id))]


def held_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table)) for table, _ in HELD}


def finished(type_key: str, **launched) -> Job:
    job, _ = launch(type_key, **launched)
    run_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def undone(job: Job) -> Job:
    return finished("undo_job", description=job.description, undo_of_id=job.id)


def test_publication_ledger_undo_and_undo_of_undo():
    fonds = D.by_slug(insert_demo_fonds(300))
    drafts = {d.id for d in db.session.scalars(fonds.subtree()) if d.publication_status.value == "draft"}
    before = every_description()
    job = finished(
        "publication_status", description=fonds, parameters={"status": "published", "include_descendants": True}
    )
    rows = db.session.scalars(select(RecordChange).where(RecordChange.job_id == job.id)).all()
    assert {row.description_id for row in rows} == drafts
    assert {(row.kind, str(row.before), str(row.after)) for row in rows} == {
        (ChangeKind.UPDATED.value, "{'publication_status': 'draft'}", "{'publication_status': 'published'}")
    }
    published = every_description()
    undo = undone(job)
    assert every_description() == before
    undone(undo)
    assert every_description() == published
    assert_consistent(db)


def test_move_and_descendant_dates_undone_leave_the_tree_as_it_was():
    fonds, other = D.by_slug(insert_demo_fonds(200)), D.by_slug(insert_demo_fonds(50, title="Other fonds"))
    before = every_description()
    series = fonds.children()[1]
    move = finished("move_description", description=series, parameters={"new_parent": other.slug, "top_level": False})
    dates = finished("descendant_dates", description=db.session.get(D, other.id))
    undone(dates)
    undone(move)
    assert every_description() == before
    assert_consistent(db)


def test_an_import_undone_and_applied_again():
    fonds = D.by_slug(insert_demo_fonds(40))
    before = every_description()
    path = FIXTURES / "harbour.csv"
    parameters = {"file": {"path": str(path), "filename": "harbour.csv"}, "format": "auto", "parent": fonds.slug}
    job = finished("import_descriptions", description=fonds, parameters={**parameters, "match": "skip"})
    imported, held = every_description(), held_counts()
    assert len(imported) == len(before) + 6
    undo = undone(job)
    assert undo.info == f"Undid job {job.id}: 6 deleted, 1 repository it added removed (used by nothing else)."
    assert every_description() == before
    undone(undo)
    assert every_description() == imported  # the same ids (the sequence is not asked again), fields and places
    assert held_counts() == held  # and their events, notes, access points
    assert_consistent(db)


def test_inherit_rights_undone():
    from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement

    fonds = D.by_slug(insert_demo_fonds(100))
    db.session.add(RightsStatement(description_id=fonds.id, basis=RightsBasis.LICENSE, act=RightsAct.DISPLAY,
                                   restriction=RightsRestriction.ALLOW, note="own"))  # fmt: skip
    db.session.commit()

    def statements() -> list[tuple]:
        db.session.expire_all()
        return sorted((s.description_id, s.note) for s in db.session.scalars(select(RightsStatement)))

    before = statements()
    job = finished("inherit_rights", description=fonds, parameters={"mode": "combine", "scope": "all"})
    assert len(db.session.scalars(select(RecordChange).where(RecordChange.job_id == job.id)).all()) == 99
    undone(job)
    assert statements() == before


def test_six_simultaneous_undos_of_one_job_undo_it_once(postgres_app):
    """The security review's race: six Undo launches at the same moment made six Undo jobs (one
    restored, three ended Error, two 'Completed' with 42 conflicts). One wins; every other is
    refused at launch (the unique index) or by the worker, naming the one that won."""
    fonds = D.by_slug(insert_demo_fonds(40))
    before = every_description()
    job = finished(
        "publication_status", description=fonds, parameters={"status": "published", "include_descendants": True}
    )
    start = threading.Barrier(6)
    refused: list[str] = []

    def launch_one() -> None:
        with postgres_app.app_context():
            start.wait()
            try:
                launch("undo_job", description=db.session.get(D, fonds.id), undo_of_id=job.id)
            except LaunchConflict:
                refused.append("at launch")

    threads = [threading.Thread(target=launch_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run_all()
    undos = db.session.scalars(select(Job).where(Job.undo_of_id == job.id).order_by(Job.id)).all()
    completed = [undo for undo in undos if undo.status == JobStatus.COMPLETED]
    assert len(completed) == 1, [(u.status, u.info) for u in undos]
    assert len(undos) + len(refused) == 6, [(u.status, u.info) for u in undos]
    for other in undos:
        if other is not completed[0]:
            assert other.status == JobStatus.ERROR, other.info
            assert f"by job {completed[0].id}" in other.info, other.info
    assert every_description() == before


def test_ids_an_undo_deleted_never_come_back_on_postgresql():
    """Neither to the next import (the sequence) nor to records inserted with chosen ids (the
    demo fonds moved the sequence back to the highest id left)."""
    fonds = D.by_slug(insert_demo_fonds(10))
    path = FIXTURES / "harbour.csv"
    parameters = {"file": {"path": str(path), "filename": "harbour.csv"}, "format": "auto", "parent": fonds.slug}
    job = finished("import_descriptions", description=fonds, parameters=parameters)
    created = set(db.session.scalars(select(RecordChange.description_id).where(RecordChange.job_id == job.id)))
    undone(job)
    other = D.by_slug(insert_demo_fonds(5, title="Later fonds"))
    again = finished("import_descriptions", description=other, parameters={**parameters, "parent": other.slug})
    later = {d.id for d in db.session.scalars(other.subtree())}
    later |= set(db.session.scalars(select(RecordChange.description_id).where(RecordChange.job_id == again.id)))
    assert min(later) > max(created)
