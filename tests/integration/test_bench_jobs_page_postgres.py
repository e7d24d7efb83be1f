"""The Jobs page on PostgreSQL with a big history: set-based demo rows, keyset pages, and
query plans that read an index range (no sequential scan, no sort) for admins and users."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text
from webtest import TestApp

from blueprints.jobs.filters import JobFilter
from blueprints.jobs.queries import counts, jobs_for
from commands.demo_data import insert_historical_jobs
from extensions import db
from models import Job, User
from models.user import create_user
from tests.helpers import PASSWORD, FreshContext, login, make_app
from tests.pg_schema import private_schema

pytestmark = pytest.mark.postgres
ROWS = 30_000


@pytest.fixture(scope="module")
def big_app(tmp_path_factory, postgres_base_url):
    """The app on a private PostgreSQL schema with ROWS finished jobs, built once for the module:
    the tests read them (and VACUUM ANALYZE after the insert fixes the planner's statistics)."""
    with pytest.MonkeyPatch.context() as monkeypatch, private_schema(postgres_base_url, "aj_test") as url:
        app = make_app(tmp_path_factory.mktemp("bench"), monkeypatch, SQLALCHEMY_DATABASE_URI=url, JOBS_PER_PAGE=25)
        with app.app_context():
            db.create_all()
            create_user("boss", PASSWORD, admin=True)
            insert_historical_jobs(ROWS, 10)
            yield app
            db.session.remove()
            db.engine.dispose()


def plan(statement) -> str:
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    return "\n".join(db.session.execute(text(f"EXPLAIN {compiled}")).scalars())


def first_page(viewer: User, args: dict[str, str], tab: str = "all"):
    query = jobs_for(viewer, tab, JobFilter.from_args(args, viewer)).order_by(Job.id.desc()).limit(26)
    return query.where(Job.id < 10**9)  # as a keyset page past the first has it


def test_demo_jobs_are_inserted_set_based(big_app):
    assert db.session.scalar(text("SELECT count(*) FROM jobs")) == ROWS
    statuses = dict(db.session.execute(text("SELECT status, count(*) FROM jobs GROUP BY status")).all())
    assert set(statuses) == {"completed", "error", "canceled"}
    assert abs(statuses["error"] - ROWS / 10) < 10
    assert abs(statuses["canceled"] - ROWS / 10) < 10


@pytest.mark.parametrize(
    ("who", "args"),
    [
        ("boss", {}),
        ("demo-user-3", {}),
        ("boss", {"status": "error"}),
        ("demo-user-3", {"status": "error"}),
        ("boss", {"user": "demo-user-3"}),
    ],
)
def test_first_pages_use_an_index_without_sorting(big_app, who, args):
    user = db.session.scalar(db.select(User).where(User.username == who))
    explained = plan(first_page(user, args))
    # The big table is read by an index range; the joined lookups (users, the related record's
    # slug and title) may be scanned when they are as small as here: the planner reads them once.
    assert not re.search(r"Seq Scan on (jobs|users)\b", explained), explained
    assert "Index Scan" in explained, explained
    assert "on jobs" in explained, explained
    assert not re.search(r"^\s*(->\s*)?Sort\b", explained, re.M), explained


def test_failed_count_reads_the_finished_at_index(big_app):
    user = db.session.scalar(db.select(User).where(User.username == "demo-user-3"))
    assert counts(user)["queued"] == 0
    statement = (
        Job.visible_to(user)
        .with_only_columns(db.func.count())
        .where(Job.status == "error", Job.finished_at >= db.func.now() - text("interval '1 day'"))
    )
    assert "ix_jobs_user_status_finished_at" in plan(statement)


def test_keyset_pages_walk_a_big_history_without_repeats(big_app):
    db.session.scalar(db.select(User).where(User.username == "demo-user-3")).set_password(PASSWORD)
    db.session.commit()
    client = TestApp(FreshContext(big_app))
    login(client, "demo-user-3").follow()
    page, seen = client.get("/jobs/?status=error"), []
    for _ in range(5):
        seen += [int(tr["id"].removeprefix("job-")) for tr in page.html.select("table.jobs tbody tr")]
        page = client.get(page.html.find("a", rel="next")["href"])
    assert len(seen) == 125
    assert seen == sorted(set(seen), reverse=True)
    search = client.get("/jobs/?q=historical+error")
    assert len(search.html.select("table.jobs tbody tr")) == 25
