"""The migration that indexes finding_aids.job_id, the last column referring to jobs.id without
an index (deleting a job then scanned finding_aids once per deleted job): up from the schema
before it, matching the models, and back down."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from extensions import db
from tests.helpers import app_at_revision, upgrade_to_head

BEFORE = "e3a7c9d1b5f4"
REFERRING_TO_JOBS = {  # every column with a foreign key to jobs.id, and the index that serves it
    ("jobs", "retry_of_id"),
    ("jobs", "undo_of_id"),
    ("job_changes", "job_id"),
    ("job_vocabulary_changes", "job_id"),
    ("finding_aids", "job_id"),
    ("notifications", "job_id"),
}


def job_indexes() -> dict[str, list[str]]:
    inspector = inspect(db.engine)
    return {index["name"]: index["column_names"] for index in inspector.get_indexes("finding_aids")}


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_finding_aids_job_id_is_indexed_after_the_upgrade_and_not_before(tmp_path, monkeypatch, request, database):
    url = request.getfixturevalue("postgres_url") if database == "postgres" else f"sqlite:///{tmp_path}/m.db"
    app, runner = app_at_revision(tmp_path, monkeypatch, url, BEFORE)
    with app.app_context():
        assert "ix_finding_aids_job_id" not in job_indexes()
        db.engine.dispose()

    upgrade_to_head(runner)  # (and the migration matches the models)
    with app.app_context():
        assert job_indexes()["ix_finding_aids_job_id"] == ["job_id"]
        inspector = inspect(db.engine)
        referring = {
            (table, key["constrained_columns"][0])
            for table in inspector.get_table_names()
            for key in inspector.get_foreign_keys(table)
            if key["referred_table"] == "jobs"
        }
        assert referring == REFERRING_TO_JOBS  # (a new one needs its index too: add it here)
        for table, column in referring:  # each leads an index: deleting a job never scans its table
            leading = {index["column_names"][0] for index in inspector.get_indexes(table)}
            assert column in leading, (table, column)
        db.engine.dispose()

    assert runner.invoke(args=["db", "downgrade", BEFORE]).exit_code == 0
    with app.app_context():
        assert "ix_finding_aids_job_id" not in job_indexes()
        db.engine.dispose()
