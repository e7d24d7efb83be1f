"""Job and user ids past 2**31 on PostgreSQL: the security review's 130 HTTP 500s for
``/jobs/2147483648`` and the like (INTEGER columns, while the web takes ids up to 2**63 - 1);
the migration keeps the jobs and users there are, and the next ids may pass 2**31."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from webtest import TestApp

from extensions import db
from models.user import create_user
from tests.helpers import FreshContext, login, make_app

pytestmark = pytest.mark.postgres
BEFORE = "e5a1c3b7d9f2"
PAST_32_BITS = 2**31 + 5
JOB = (
    "INSERT INTO jobs (type, status, user_id, parameters, output, created_at, attempt)"
    " VALUES ('finding_aid', 'completed', :user, '{}', :output, '2026-01-01', 1) RETURNING id"
)


def test_ids_past_32_bits_after_the_migration(tmp_path, monkeypatch, postgres_url):
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=postgres_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    with app.app_context():
        alice = db.session.execute(
            text(
                "INSERT INTO users (username, password_hash, role, created_at, active, must_change_password,"
                " session_version) VALUES ('old', 'x', 'editor', '2026-01-01', true, false, 1) RETURNING id"
            )
        ).scalar_one()
        old_job = db.session.execute(text(JOB), {"user": alice, "output": "kept\n"}).scalar_one()
        db.session.commit()
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(text("SELECT user_id, output FROM jobs WHERE id = :id"), {"id": old_job}).one() == (
            alice,
            "kept\n",
        )
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('users', 'id'), :n)"), {"n": PAST_32_BITS})
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('jobs', 'id'), :n)"), {"n": PAST_32_BITS})
        db.session.commit()
        user = create_user("alice", "correct horse battery staple")
        assert user.id == PAST_32_BITS + 1
        job = db.session.execute(text(JOB), {"user": user.id, "output": "new\n"}).scalar_one()
        db.session.commit()
        assert job == PAST_32_BITS + 1
        db.engine.dispose()
    web = TestApp(FreshContext(app))
    login(web, "alice", "correct horse battery staple")
    assert "new" in web.get(f"/jobs/{job}/output").text
    for url in (f"/jobs/{2**31}", f"/jobs/{2**63 - 1}/status.json", f"/jobs/{2**40}/output"):
        assert web.get(url, expect_errors=True).status_int == 404
