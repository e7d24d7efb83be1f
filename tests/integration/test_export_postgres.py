"""An export naming more records than PostgreSQL takes bind parameters in one statement (65,535):
the form resolves them and the job finds them, in the order asked."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from actors.jobs.export import export_roots
from extensions import db
from models import Job
from tests.helpers import make_app
from tests.import_export_support import submit

pytestmark = pytest.mark.postgres
CHILDREN = 70_000  # (each named: past 65,535)


@pytest.fixture
def app(tmp_path, monkeypatch, postgres_url):
    """The app of the web tests' clients and logins, on PostgreSQL, with no worker: the export
    launched stays queued (writing 70,001 rows is not these tests' business)."""
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=postgres_url)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def slugs(app) -> list[str]:
    """A fonds and its CHILDREN items (one set-based insert), slugs short enough for one form."""
    insert = (
        "INSERT INTO archival_descriptions (parent_id, lft, rgt, depth, slug, title, level_of_description,"
        " publication_status, created_at, updated_at) "
    )
    now = "now() AT TIME ZONE 'utc'"
    fonds = db.session.scalar(
        text(
            f"{insert} VALUES (NULL, 1, :rgt, 0, 'big', 'Big fonds', 'fonds', 'published', {now}, {now}) RETURNING id"
        ),
        {"rgt": 2 * CHILDREN + 2},
    )
    db.session.execute(
        text(
            f"{insert} SELECT :fonds, 2 * n, 2 * n + 1, 1, to_hex(n), 'Item ' || n, 'item', 'published', {now}, {now}"
            " FROM generate_series(1, :count) AS n"
        ),
        {"fonds": fonds, "count": CHILDREN},
    )
    db.session.commit()
    return [format(n, "x") for n in range(CHILDREN, 0, -1)] + ["big"]  # (the fonds last: each item is inside it)


def test_an_export_naming_70000_records(as_user, slugs):
    client = as_user("alice")
    page = submit(client, "export_descriptions", status=400, record=" ".join([*slugs, "nope"]), format="csv")
    assert "No description is “nope”: choose one from the suggestions." in page.text  # (and no other)
    assert db.session.scalars(select(Job)).all() == []
    response = submit(client, "export_descriptions", record=" ".join(slugs), format="csv")
    assert response.status_int == 302, response.text[:2000]
    job = db.session.scalars(select(Job)).one()
    assert job.parameters["slugs"] == slugs
    # What the job will export: every item once, with the fonds
    assert [root.slug for root in export_roots(job.parameters["slugs"])] == ["big"]
