"""What the tests of the tree job types (move, publication, dates, rights) share.

Import the fixtures by name (``from tree_jobs_support import carol``) so pytest finds them.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from blueprints.users import create_user
from extensions import db
from helpers import PASSWORD
from models import ArchivalDescription as D
from models import Job, JobStatus, Role


@pytest.fixture
def carol(users) -> str:
    """A contributor: may create jobs, but holds neither edit_ nor publish_descriptions."""
    create_user("carol", PASSWORD, role=Role.CONTRIBUTOR)
    return "carol"


def submit_job_form(client, type_key: str, record: str, status: int | None = None, **fields):
    """Fill /jobs/new/<type>?record=... (the record comes prefilled) and submit it."""
    page = client.get(f"/jobs/new/{type_key}", params={"record": record})
    form = next(f for f in page.forms.values() if "record" in f.fields)
    assert form["record"].value == record  # prefilled from the query string
    for name, value in fields.items():
        form[name] = value
    return form.submit(status=status)


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
    client = as_user("carol")
    menu = [a.get_text(strip=True) for a in client.get("/jobs/new").html.select("ul.job-types a")]
    assert label not in menu
    client.get(f"/jobs/new/{type_key}", status=403)
    response = post(f"/jobs/new/{type_key}", {"record": record, **fields})
    assert response.status_int == 403
    assert db.session.scalars(select(Job)).all() == []
    page = client.get(f"/descriptions/{record}")
    assert f"/jobs/new/{type_key}" not in page.text  # no record-page action either
