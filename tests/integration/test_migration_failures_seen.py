"""The failures-seen migration (users.failures_seen_at), up from the schema before it with an
account and its failed job in it: the failure still counts on the Jobs page until its owner marks
it as seen (issue 27); and back down."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from webtest import TestApp

from extensions import db
from models.base import utcnow
from tests.helpers import (
    FreshContext,
    app_at_revision,
    form_posting_to,
    insert_as_stored,
    insert_old_user,
    login,
    upgrade_to_head,
)

BEFORE = "a6c9e2f4b8d1"


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_existing_failure_counts_until_its_owner_marks_it_seen(tmp_path, monkeypatch, request, database):
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app, runner = app_at_revision(tmp_path, monkeypatch, url, BEFORE)
    with app.app_context():
        insert_old_user(id=1)
        now = utcnow()
        insert_as_stored(
            "jobs",
            id=1,
            type="report",
            status="error",
            user_id=1,
            parameters="{}",
            created_at=now,
            finished_at=now,
            output="",
        )
        db.session.commit()
        db.engine.dispose()

    upgrade_to_head(runner)  # (and the migration matches the models)
    with app.app_context():
        assert db.session.execute(text("SELECT failures_seen_at FROM users")).scalar() is None
        client = TestApp(FreshContext(app))
        login(client, "alice", "pw").follow()
        page = client.get("/jobs/")
        assert "1 failed in the last 24 h" in page.html.find(class_="counts").get_text(" ", strip=True)
        page = form_posting_to(page, "/jobs/failures/seen").submit().follow()
        assert "0 failed in the last 24 h" in page.html.find(class_="counts").get_text(" ", strip=True)
        assert db.session.execute(text("SELECT failures_seen_at FROM users")).scalar() is not None
        db.session.remove()
        db.engine.dispose()

    assert runner.invoke(args=["db", "downgrade", BEFORE]).exit_code == 0
    with app.app_context():
        assert db.session.execute(text("SELECT username FROM users")).scalar() == "alice"
        db.engine.dispose()
