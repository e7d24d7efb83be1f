"""What the tests of the tree job types (move, publication, dates, rights) share.

The PostgreSQL ones (tests/integration/) get their ``postgres_app`` fixture from the
conftest.py there.
"""

from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import ArchivalDescription as D
from models import Job, JobStatus, Role, User
from models.user import create_user
from tests.helpers import PASSWORD


def as_contributor(as_user):
    """Log in as carol, a contributor: may create jobs, holds neither edit_ nor publish_descriptions."""
    if User.by_username("carol") is None:
        create_user("carol", PASSWORD, role=Role.CONTRIBUTOR)
    return as_user("carol")


def submit_job_form(client, type_key: str, record: str, expect: int | None = None, **fields):
    """Fill /jobs/new/<type>?record=... (the record comes prefilled) and submit it."""
    page = client.get(f"/jobs/new/{type_key}", params={"record": record})
    form = next(f for f in page.forms.values() if "record" in f.fields)
    assert form["record"].value == record  # prefilled from the query string
    for name, value in fields.items():
        form[name] = value
    return form.submit(status=expect)


def only_job() -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job)).one()


def finished(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job.status in JobStatus.inactive(), job.status
    return job


def launch_through_form(client, run_jobs, type_key: str, record: str, **fields) -> Job:
    """The happy path up to the end: form, redirect to the job, run it; returns the finished job."""
    details = submit_job_form(client, type_key, record, **fields).follow()
    job = only_job()
    assert details.request.path == f"/jobs/{job.id}"
    assert job.description.slug == record
    run_jobs()
    return finished(job.id)


def subtree_snapshot(slug: str) -> list[tuple]:
    """What a reader sees of a sub-tree: (slug, parent_id, lft, rgt, depth, status, dates) in order."""
    db.session.expire_all()
    root = D.by_slug(slug)
    return [
        (d.slug, d.parent_id, d.lft, d.rgt, d.depth, d.publication_status, d.dates, d.start_date, d.end_date)
        for d in db.session.scalars(root.subtree())
    ]


def assert_contributor_refused(as_user, post, type_key: str, label: str, record: str, **fields) -> None:
    """Not in the menu, 403 on GET and on POST (with a valid CSRF token), nothing launched."""
    client = as_contributor(as_user)
    menu = [a.get_text(strip=True) for a in client.get("/jobs/new").html.select("ul.job-types a")]
    assert label not in menu
    client.get(f"/jobs/new/{type_key}", status=403)
    response = post(f"/jobs/new/{type_key}", {"record": record, **fields})
    assert response.status_int == 403
    assert db.session.scalars(select(Job)).all() == []
    page = client.get(f"/descriptions/{record}")
    assert f"/jobs/new/{type_key}" not in page.text  # no record-page action either


def run_all(timeout: float = 60) -> list[Job]:
    """Wait until every job has finished; returns them in id order."""
    from tests.helpers import wait_for

    def done():
        db.session.expire_all()
        jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
        return jobs if all(job.status in JobStatus.inactive() for job in jobs) else None

    return wait_for(done, timeout=timeout, what="every job to finish")


def snapshot(db) -> list[tuple]:
    """(slug, parent slug, depth) in tree order: what a reader of the tree sees."""
    db.session.expire_all()
    rows = db.session.scalars(select(D).order_by(D.lft)).all()
    by_id = {row.id: row for row in rows}
    return [(r.slug, by_id[r.parent_id].slug if r.parent_id else None, r.depth) for r in rows]


def assert_consistent(db) -> None:
    """Every node's range holds exactly its descendants; depths match; boundaries are 1..2N."""
    db.session.expire_all()
    rows = db.session.scalars(select(D).order_by(D.lft)).all()
    bounds = sorted([r.lft for r in rows] + [r.rgt for r in rows])
    assert bounds == list(range(1, 2 * len(rows) + 1))
    by_id = {row.id: row for row in rows}
    for row in rows:
        if row.parent_id:
            parent = by_id[row.parent_id]
            assert parent.lft < row.lft < row.rgt < parent.rgt
            assert row.depth == parent.depth + 1
        else:
            assert row.depth == 0
