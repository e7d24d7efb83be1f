"""What the import, export, upload and `flask descriptions` tests share."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from webtest import Upload

from extensions import db
from models import ArchivalDescription as D
from models import Job, JobStatus, Role
from models.user import create_user
from tests.helpers import PASSWORD

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
ISAD = "every_isad_column.csv"  # every column of AtoM's ISAD CSV, every column family filled


def cells(data: bytes) -> list[dict[str, str]]:
    """Rows by column, as AtoM means them: NULL holds a place with no value; ids left out."""

    def value(column: str, text: str) -> str:
        parts = ["" if part.strip() == "NULL" else part.strip() for part in text.split("|")]
        return "|".join(parts).rstrip("|")

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    return [{k: value(k, v) for k, v in row.items() if k not in ("legacyId", "parentId")} for row in rows]


@pytest.fixture
def roles(users) -> dict:
    """Adds carol (contributor: may export, not import) and victor (viewer: may create nothing)."""
    create_user("carol", PASSWORD, role=Role.CONTRIBUTOR)
    create_user("victor", PASSWORD, role=Role.VIEWER)
    return users


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def submit(client, type_key: str, upload: tuple[str, bytes] | None = None, status: int | None = None, **fields):
    """Fill and submit the "Create background job" form of a type (with a file upload)."""
    page = client.get(f"/jobs/new/{type_key}")
    form = next(f for f in page.forms.values() if f.action in ("", f"/jobs/new/{type_key}"))
    if upload is not None:
        form["file"] = Upload(upload[0], upload[1])
    for name, value in fields.items():
        form[name] = value
    return form.submit(status=status)


def last_job() -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def run_form(client, run_jobs, type_key: str, upload=None, **fields) -> Job:
    """Submit, follow to the job page, run the job; returns it finished."""
    response = submit(client, type_key, upload, **fields)
    assert response.status_int == 302, response.text[:2000]
    job = last_job()
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    run_jobs()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status in JobStatus.inactive()
    return job


def tree(slug: str | None = None, relative: bool = True) -> list[tuple]:
    """(depth, identifier, title, level, dates, start, end) of a sub-tree (or everything) in tree order."""
    db.session.expire_all()
    query = select(D).order_by(D.lft)
    base = 0
    if slug:
        root = D.by_slug(slug)
        query = query.where(D.lft.between(root.lft, root.rgt))
        base = root.depth if relative else 0
    return [
        (d.depth - base, d.identifier, d.title, d.level_of_description, d.dates, d.start_date, d.end_date)
        for d in db.session.scalars(query)
    ]


def description_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(D))


def everything() -> list[tuple]:
    """Every column that matters of every description, to prove nothing changed."""
    db.session.expire_all()
    return [
        (d.id, d.parent_id, d.lft, d.rgt, d.depth, d.slug, d.identifier, d.title, d.publication_status)
        for d in db.session.scalars(select(D).order_by(D.id))
    ]


def assert_consistent() -> None:
    """Nested set intact: boundaries 1..2N, each node inside its parent, depths right."""
    db.session.expire_all()
    rows = db.session.scalars(select(D).order_by(D.lft)).all()
    assert sorted([r.lft for r in rows] + [r.rgt for r in rows]) == list(range(1, 2 * len(rows) + 1))
    by_id = {row.id: row for row in rows}
    for row in rows:
        if row.parent_id:
            parent = by_id[row.parent_id]
            assert parent.lft < row.lft < row.rgt < parent.rgt, row
            assert row.depth == parent.depth + 1, row
        else:
            assert row.depth == 0
