"""Record ids are never reused after an upgrade either: the ledger names records an Undo deleted
above today's highest id, and the migration keeps every row (the changes ledger included: a
rebuilt table used to take its ON DELETE CASCADE rows with it on SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from extensions import db
from tests.helpers import make_app

BEFORE = "b4c0e6a8d3f5"
JOB = (
    "INSERT INTO jobs (id, type, status, parameters, output, created_at, attempt, undo_of_id)"
    " VALUES (:id, :type, :status, '{}', '', '2026-01-01', 1, :undo_of)"
)
RECORD = (
    "INSERT INTO archival_descriptions (id, parent_id, lft, rgt, depth, slug, title, level_of_description,"
    " publication_status, created_at, updated_at)"
    " VALUES (:id, NULL, :lft, :rgt, 0, :slug, :slug, 'fonds', 'draft', '2026-01-01', '2026-01-01')"
)


def test_ids_a_ledger_names_never_come_back_and_every_row_stays(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", BEFORE]).exit_code == 0
    with app.app_context():
        db.session.execute(text(JOB), {"id": 1, "type": "import_descriptions", "status": "completed", "undo_of": None})
        db.session.execute(text(JOB), {"id": 2, "type": "undo_job", "status": "completed", "undo_of": 1})
        for record_id in (1, 2):
            db.session.execute(
                text(RECORD), {"id": record_id, "lft": 2 * record_id - 1, "rgt": 2 * record_id, "slug": f"r{record_id}"}
            )
        db.session.execute(
            text("INSERT INTO notes (description_id, note_type, content, position) VALUES (2, 'general', 'x', 0)")
        )
        ledger = "INSERT INTO job_changes (job_id, description_id, kind) VALUES (:job, :record, :kind)"
        for record_id in range(3, 721):  # job 1 created 3..720, its Undo (job 2) deleted them
            db.session.execute(text(ledger), {"job": 1, "record": record_id, "kind": "created"})
            db.session.execute(text(ledger), {"job": 2, "record": record_id, "kind": "deleted"})
        db.session.commit()
        db.engine.dispose()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM job_changes")) == 2 * 718  # kept
        assert db.session.scalar(text("SELECT count(*) FROM notes")) == 1
        db.session.execute(
            text(RECORD.replace("(id, ", "(").replace("VALUES (:id, ", "VALUES (")), {"lft": 5, "rgt": 6, "slug": "new"}
        )
        db.session.execute(text("DELETE FROM notes"))
        db.session.execute(
            text("INSERT INTO notes (description_id, note_type, content, position) VALUES (1, 'general', 'y', 0)")
        )
        db.session.commit()
        assert db.session.scalar(text("SELECT id FROM archival_descriptions WHERE slug = 'new'")) == 721
        assert db.session.scalar(text("SELECT id FROM notes")) == 2
        db.engine.dispose()


def test_two_undos_of_one_job_cannot_both_be_queued(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/m.db")
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        db.session.execute(text(JOB), {"id": 1, "type": "import_descriptions", "status": "completed", "undo_of": None})
        db.session.execute(text(JOB), {"id": 2, "type": "undo_job", "status": "error", "undo_of": 1})
        db.session.execute(text(JOB), {"id": 3, "type": "undo_job", "status": "queued", "undo_of": 1})
        with pytest.raises(IntegrityError):
            db.session.execute(text(JOB), {"id": 4, "type": "undo_job", "status": "running", "undo_of": 1})
        db.session.rollback()
        db.engine.dispose()
