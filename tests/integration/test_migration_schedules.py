"""The schedules migration (table schedules, jobs.schedule_id), up from the schema before it
with a user and a job in it: the old job launched by no schedule, a schedule added afterwards
launches a job naming it, removing the schedule keeps that job; and back down."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from extensions import db
from models.base import utcnow
from tests.helpers import app_at_revision, upgrade_to_head

BEFORE = "d9f1b3c5e7a2"


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_schedules_after_the_upgrade_and_old_jobs_untouched(tmp_path, monkeypatch, request, database):
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app, runner = app_at_revision(tmp_path, monkeypatch, url, BEFORE)
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, active, created_at)"
                " VALUES (1, 'alice', :hash, 'editor', true, '2026-01-01')"
            ),
            {"hash": generate_password_hash("pw", method="pbkdf2:sha256:1")},
        )
        db.session.execute(
            text(
                "INSERT INTO jobs (type, status, user_id, parameters, created_at, output)"
                " VALUES ('report', 'completed', 1, '{}', :now, '')"
            ),
            {"now": utcnow()},
        )
        db.session.commit()
        db.engine.dispose()

    upgrade_to_head(runner)  # (and the migration matches the models)
    added = runner.invoke(
        args=["schedules", "add", "weekly", "--type", "publication_status", "--cron", "0 6 * * 1", "--user", "alice"]
    )
    assert added.exit_code == 1
    assert "record:" in added.output
    runner.invoke(args=["demo", "load", "--descriptions", "5"])
    with app.app_context():
        slug = db.session.execute(text("SELECT slug FROM archival_descriptions ORDER BY id LIMIT 1")).scalar()
        db.engine.dispose()
    args = ["schedules", "add", "weekly", "--type", "finding_aid", "--cron", "0 6 * * 1", "--param", f"record={slug}"]
    assert runner.invoke(args=[*args, "--user", "alice"]).exit_code == 0
    ran = runner.invoke(args=["schedules", "run", "weekly"])
    assert ran.exit_code == 0, ran.output
    with app.app_context():
        rows = db.session.execute(text("SELECT id, schedule_id FROM jobs ORDER BY id")).all()
        assert rows[0][1] is None
        assert rows[1][1] is not None
        db.engine.dispose()
    assert runner.invoke(args=["schedules", "remove", "weekly"]).exit_code == 0
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM jobs WHERE schedule_id IS NULL")).scalar() == 2
        db.engine.dispose()

    assert runner.invoke(args=["db", "downgrade", BEFORE]).exit_code == 0
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM jobs")).scalar() == 2
        db.engine.dispose()
