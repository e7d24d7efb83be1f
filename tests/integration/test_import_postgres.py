"""Import and export on PostgreSQL: ids from the sequence, all or nothing, beside other tree jobs."""

from __future__ import annotations

import zipfile

import pytest

from actors.engine.launching import launch
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from tests.import_export_support import FIXTURES, assert_consistent, everything, tree
from tests.tree_jobs_support import run_all

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_app")]


def import_file(name: str, parent: D | None = None, match: str = "skip", path=None) -> None:
    path = path or FIXTURES / name
    launch(
        "import_descriptions",
        description=parent,
        parameters={
            "file": {"path": str(path), "filename": name},
            "format": "auto",
            "parent": parent.slug if parent else None,
            "match": match,
        },
    )


def test_import_merge_and_failure_on_postgres():
    fonds = D.by_slug(insert_demo_fonds(50))
    import_file("harbour.csv", parent=fonds)
    (job,) = run_all()
    assert job.status == JobStatus.COMPLETED, job.output
    assert [d for d, *_ in tree("harbour-board-fonds")] == [0, 1, 2, 2, 1, 2]
    before = everything()
    import_file("bad_parent.csv", parent=fonds)
    assert run_all()[-1].info.startswith("line 14: parentId 99 refers to no earlier row")
    assert everything() == before
    new = D(title="x", slug="x", lft=0, rgt=0)  # the sequence moved past the imported ids
    db.session.add(new)
    db.session.flush()
    assert new.id > max(row[0] for row in before)
    db.session.rollback()
    assert_consistent()


def test_export_round_trip_and_a_concurrent_status_update(tmp_path):
    source = D.by_slug(insert_demo_fonds(300))
    other = D.by_slug(insert_demo_fonds(200, title="Other fonds"))
    original = tree(source.slug)
    launch("export_descriptions", description=source, parameters={"format": "ead", "slugs": [source.slug]})
    (export,) = run_all()
    with zipfile.ZipFile(export.result_path) as archive:
        path = tmp_path / "export.xml"
        path.write_bytes(archive.read(f"{source.slug}.xml"))
    import_file("export.xml", path=path, match="new")
    launch("publication_status", description=other, parameters={"status": "draft", "include_descendants": True})
    jobs = run_all()
    assert [j.status for j in jobs] == [JobStatus.COMPLETED] * 3, [j.info for j in jobs]
    copy = jobs[1].description
    assert copy.id != source.id
    assert tree(copy.slug) == original
    assert_consistent()


def test_a_canceled_import_rolls_back(tmp_path):
    from sqlalchemy import update

    from models import Job
    from models.base import utcnow
    from tests.helpers import wait_for

    fonds = D.by_slug(insert_demo_fonds(20))
    path = tmp_path / "big.csv"
    rows = "".join(f"{n},1,Item {n}\n" for n in range(2, 60_000))
    path.write_text(f"legacyId,parentId,title\n1,,Big fonds\n{rows}")
    before = everything()
    import_file("big.csv", parent=fonds, path=path)

    def running_job():
        db.session.expire_all()
        return db.session.scalars(db.select(Job).where(Job.status == JobStatus.RUNNING)).first()

    job = wait_for(running_job, timeout=30, what="the import to start")
    db.session.execute(update(Job).where(Job.id == job.id).values(cancel_requested_at=utcnow(), canceled_by="alice"))
    db.session.commit()
    (job,) = run_all()
    assert (job.status, job.info) == (JobStatus.CANCELED, "Canceled by alice."), job.output
    assert everything() == before
