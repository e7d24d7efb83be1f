"""On PostgreSQL (json_build_object, advisory tree lock, the id sequence): each job type's ledger,
its Undo, and the tree identical to before, every field of every description compared."""

from __future__ import annotations

import pytest
from import_export_support import FIXTURES
from sqlalchemy import func, select
from tree_jobs_support import assert_consistent, run_all

from actors.changes.values import HELD
from actors.engine.launching import launch
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import ChangeKind, Job, JobStatus, RecordChange

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
