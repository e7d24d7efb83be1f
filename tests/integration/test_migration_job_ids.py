"""Job ids are never reused after the highest ones are cleared (security review: "Job 2" became
someone else's job on SQLite); the migration keeps the jobs there are."""

from __future__ import annotations

from sqlalchemy import text

from extensions import db
from tests.helpers import make_app

BEFORE = "b5e1c0d2a9f3"


def test_after_clearing_the_newest_jobs_a_new_job_gets_a_new_id(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    insert = (
        "INSERT INTO jobs (id, type, status, parameters, output, created_at, attempt)"
        " VALUES (:id, 'finding_aid', 'COMPLETED', '{}', '', '2026-01-01', 1)"
    )
    with app.app_context():
        for job_id in (1, 2):
            db.session.execute(text(insert), {"id": job_id})
        db.session.commit()
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalars(text("SELECT id FROM jobs ORDER BY id")).all() == [1, 2]  # kept
        db.session.execute(text("DELETE FROM jobs WHERE id = 2"))  # "Clear inactive jobs"
        db.session.execute(text(insert.replace(":id, ", "").replace("(id, ", "(")))
        db.session.commit()
        assert db.session.scalars(text("SELECT id FROM jobs ORDER BY id")).all() == [1, 3]
        db.engine.dispose()


def test_later_migrations_that_rebuild_the_jobs_table_keep_ids_unique(tmp_path, monkeypatch):
    """The undo_of_id foreign key rebuilds the table on SQLite: AUTOINCREMENT and the sequence stay."""
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "a3b9d5f7c2e4"]).exit_code == 0
    insert = (
        "INSERT INTO jobs (type, status, parameters, output, created_at, attempt)"
        " VALUES ('finding_aid', 'COMPLETED', '{}', '', '2026-01-01', 1)"
    )
    with app.app_context():
        for _ in range(3):
            db.session.execute(text(insert))
        db.session.execute(text("DELETE FROM jobs WHERE id = 3"))  # the newest cleared before the upgrade
        db.session.commit()
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.execute(text(insert))
        db.session.commit()
        assert db.session.scalars(text("SELECT id FROM jobs ORDER BY id")).all() == [1, 2, 4]
        db.engine.dispose()
