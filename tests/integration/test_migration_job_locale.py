"""The job-locale migration (jobs.locale), up from the schema before it with a French user and her
failed job in it: the old job has no language, so it is the site's (English) — run again, even by
her, it stays English — while her new jobs keep French (issue 27, item 8); and back down."""

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

BEFORE = "b9d3f6a2c8e4"


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_an_old_job_speaks_the_site_language_and_new_ones_their_launchers(tmp_path, monkeypatch, request, database):
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app, runner = app_at_revision(tmp_path, monkeypatch, url, BEFORE)
    with app.app_context():
        insert_old_user(id=1, locale="fr")
        now = utcnow()
        insert_as_stored(
            "jobs",
            type="export_descriptions",
            status="error",
            user_id=1,
            parameters='{"format": "csv"}',
            created_at=now,
            finished_at=now,
            output="",
            info="Failed.",
        )
        old = db.session.execute(
            text("SELECT id FROM jobs")
        ).scalar()  # (its id from the sequence: ids are never reused)
        db.session.commit()
        db.engine.dispose()

    upgrade_to_head(runner)  # (and the migration matches the models)
    with app.app_context():
        assert db.session.execute(text("SELECT locale FROM jobs")).scalar() is None
        client = TestApp(FreshContext(app))
        login(client, "alice", "pw").follow()
        form_posting_to(client.get(f"/jobs/{old}"), f"/jobs/{old}/retry").submit().follow()
        locales = dict(
            db.session.execute(text("SELECT retry_of_id, locale FROM jobs WHERE id > :old"), {"old": old}).all()
        )
        assert locales == {old: "en"}  # a run again of the old job speaks as it did
        db.session.remove()
        db.engine.dispose()

    assert runner.invoke(args=["db", "downgrade", BEFORE]).exit_code == 0
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM jobs")).scalar() == 2
        db.engine.dispose()
