"""`flask users notify` (which endings e-mail a user) and `flask descriptions import|export
--user` (a job run as that user: their permissions, their notice)."""

from __future__ import annotations

from sqlalchemy import select

from models import JobStatus, Notification, Role, User
from models.user import NotifyOn
from tests.import_export_support import FIXTURES, last_job


def test_users_notify_sets_the_preference(app, db, users):
    runner = app.test_cli_runner()
    assert User.by_username("bob").notify_on == NotifyOn.ERRORS  # the default
    result = runner.invoke(args=["users", "notify", "bob", "--on", "all"])
    assert result.exit_code == 0, result.output
    assert "bob is e-mailed on: all" in result.output
    db.session.expire_all()
    assert User.by_username("bob").notify_on == NotifyOn.ALL
    assert runner.invoke(args=["users", "notify", "bob", "--on", "sometimes"]).exit_code == 2
    assert runner.invoke(args=["users", "notify", "nobody", "--on", "none"]).exit_code == 1


def test_import_as_a_user_is_theirs_and_tells_them(app, db, users, run_jobs):
    result = app.test_cli_runner().invoke(
        args=["descriptions", "import", str(FIXTURES / "harbour.csv"), "--user", "alice"]
    )
    assert result.exit_code == 0, result.output
    job = last_job()
    assert job.user_id == users["alice"].id
    run_jobs()
    assert last_job().status == JobStatus.COMPLETED
    assert db.session.scalar(select(Notification.user_id).where(Notification.job_id == job.id)) == users["alice"].id


def test_import_and_export_as_a_viewer_are_refused(app, db, users, fonds, tmp_path):
    users["bob"].role = Role.VIEWER
    db.session.commit()
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["descriptions", "import", str(FIXTURES / "harbour.csv"), "--user", "bob"])
    assert imported.exit_code == 1
    assert "bob (viewer) may not create “Import descriptions” jobs." in imported.output
    exported = runner.invoke(
        args=["descriptions", "export", fonds, "--format", "csv", "--output", str(tmp_path / "x.zip"), "--user", "bob"]
    )
    assert exported.exit_code == 1
    assert "may not create “Export descriptions” jobs" in exported.output
    assert runner.invoke(args=["descriptions", "import", str(FIXTURES / "harbour.csv"), "--user", "zed"]).exit_code == 1
    assert last_job() is None
