"""The session-version, temporary-password and new-account migrations keep the accounts there are; their
holders log in as before."""

from __future__ import annotations

from sqlalchemy import text
from webtest import TestApp
from werkzeug.security import generate_password_hash

from extensions import db
from tests.helpers import FreshContext, login, make_app

BEFORE = "c7d2e4f1a8b6"


def test_existing_accounts_get_version_zero_and_still_log_in(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO users (username, password_hash, role, active, created_at)"
                " VALUES ('alice', :hash, 'editor', 1, '2026-01-01')"
            ),
            {"hash": generate_password_hash("pw", method="pbkdf2:sha256:1")},
        )
        db.session.commit()
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        row = db.session.execute(text("SELECT session_version, must_change_password, new_account FROM users")).one()
        assert (row[0], bool(row[1])) == (0, False)  # (and no forced password change for them)
        assert not row[2]  # (not a new account: no "finish setting up your account")
        client = TestApp(FreshContext(app))
        assert login(client, "alice", "pw").follow().status_int == 200
        db.engine.dispose()
