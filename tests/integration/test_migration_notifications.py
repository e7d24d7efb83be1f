"""The notifications migration (table notifications, users.notify_on), up from the schema before
it with an account and its jobs in it: the account e-mails on errors by default, a job ending
afterwards leaves its owner a notice the header counts; and back down."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from webtest import TestApp

from actors.engine import lifecycle
from extensions import db
from models.base import utcnow
from tests.helpers import FreshContext, app_at_revision, insert_as_stored, insert_old_user, login, upgrade_to_head

BEFORE = "c3e8a5d1f7b2"


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_existing_users_get_the_default_and_notices_after_the_upgrade(tmp_path, monkeypatch, request, database):
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app, runner = app_at_revision(tmp_path, monkeypatch, url, BEFORE)
    with app.app_context():
        insert_old_user(id=1)
        now = utcnow()
        insert_as_stored(
            "jobs", id=1, type="report", status="queued", user_id=1, parameters="{}", created_at=now, output=""
        )
        db.session.commit()
        db.engine.dispose()

    upgrade_to_head(runner)  # (and the migration matches the models)
    with app.app_context():
        assert db.session.execute(text("SELECT notify_on FROM users")).scalar() == "errors"
        assert lifecycle.kill(1)
        client = TestApp(FreshContext(app))
        page = login(client, "alice", "pw").follow()
        assert page.html.select_one(".notices-link .badge").get_text(strip=True) == "1"
        db.session.remove()
        db.engine.dispose()

    assert runner.invoke(args=["db", "downgrade", BEFORE]).exit_code == 0
    with app.app_context():
        assert db.session.execute(text("SELECT status FROM jobs")).scalar() == "error"
        db.engine.dispose()
