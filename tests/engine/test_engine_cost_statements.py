"""The per-job writes on the driver (extensions.FastStatement / direct_autocommit), on SQLite and
PostgreSQL: the same values as a SQLAlchemy Connection would write, errors as SQLAlchemy raises
them, and a session's own connections left as they were."""
from __future__ import annotations

from datetime import datetime

import pytest
from helpers import make_app
from sqlalchemy import bindparam, exc, insert, select, text

import extensions
from actors.engine import lifecycle
from actors.engine.launching import launch
from extensions import FastStatement, db, direct_autocommit
from models import Job, JobStatus, User
from models.base import utcnow


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request, tmp_path, monkeypatch):
    """The app on SQLite, then on a private PostgreSQL schema."""
    overrides = {}
    if request.param == "postgresql":
        overrides["SQLALCHEMY_DATABASE_URI"] = request.getfixturevalue("postgres_url")
    app = make_app(tmp_path, monkeypatch, **overrides)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _row(job_id: int):
    db.session.rollback()
    return db.session.execute(select(Job.__table__).where(Job.id == job_id)).one()


def test_queue_claim_and_finish_write_what_a_connection_would(any_db_app):
    created = utcnow()
    job = lifecycle.queue({"type": "export_descriptions", "user_id": None, "description_id": None,
                           "parameters": {"format": "csv", "slugs": ["a", "b"]}, "retry_of_id": None,
                           "created_at": created})
    row = _row(job.id)
    assert row.status == JobStatus.QUEUED and row.parameters == {"format": "csv", "slugs": ["a", "b"]}
    assert row.output == "" and row.attempt == 1 and row.created_at == created  # the columns' defaults
    assert job.parameters == {"format": "csv", "slugs": ["a", "b"]}  # the returned job as written

    assert lifecycle.claim(job.id, None, "worker-1", "/tmp/1.log", []) == ""
    assert lifecycle.claim(job.id, None, "worker-2", "/tmp/1.log", []) is None  # claimed once
    row = _row(job.id)
    assert (row.status, row.worker_id, row.output_path) == (JobStatus.RUNNING, "worker-1", "/tmp/1.log")
    assert isinstance(row.started_at, datetime)

    lifecycle.update_while_running(job.id, {"output": "so far\n", "progress_done": 1, "progress_total": 3})
    lifecycle.update_while_running(job.id, {"status": JobStatus.COMPLETED, "info": "Done.", "output": "all\n",
                                            "finished_at": utcnow()})
    lifecycle.update_while_running(job.id, {"output": "too late\n"})  # no longer Running: not written
    row = _row(job.id)
    assert (row.status, row.info, row.output, row.progress_done, row.progress_total) == (
        JobStatus.COMPLETED, "Done.", "all\n", 1, 3)


def test_a_failing_statement_raises_as_sqlalchemy_and_its_connection_goes_on(any_db_app):
    insert_with_id = FastStatement(insert(Job.__table__).values(
        id=bindparam("id"), type="x", status=JobStatus.QUEUED, parameters={}, created_at=bindparam("now"), output="",
        attempt=1))
    with direct_autocommit() as connection:
        connection.run(insert_with_id, {"id": 7, "now": utcnow()})
    with pytest.raises(exc.IntegrityError):
        with direct_autocommit() as connection:
            connection.run(insert_with_id, {"id": 7, "now": utcnow()})
    with direct_autocommit() as again:
        assert again is connection  # an error of the statement's: the connection is still good
        assert again.run(FastStatement(select(Job.id).where(Job.id == bindparam("id"))), {"id": 7}) == (7,)
    with pytest.raises(KeyError):  # a value the statement needs
        with direct_autocommit() as connection:
            connection.run(insert_with_id, {"id": 8})
    without_attempt = FastStatement(insert(Job.__table__).values(
        type="x", status=JobStatus.QUEUED, parameters={}, created_at=bindparam("now"), output=""))
    with pytest.raises(ValueError, match="give a value for attempt"):  # a default a Connection would compute
        with direct_autocommit() as connection:
            connection.run(without_attempt, {"now": utcnow()})


def test_sessions_keep_their_transactions(any_db_app):
    """The spare connections are the engine's pool's no more: a session's rollback still undoes."""
    for _ in range(3):
        with direct_autocommit() as connection:
            connection.run(lifecycle._insert(("created_at", "parameters", "status", "type")),
                           {"type": "x", "status": JobStatus.QUEUED, "parameters": {}, "created_at": utcnow()})
    db.session.add(User(username="nobody", password_hash="x"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.username == "nobody")) is None
    assert db.session.scalar(select(text("count(*)")).select_from(Job)) == 3


def test_disposing_the_engine_closes_the_spare_connections(any_db_app):
    with direct_autocommit() as connection:
        pass
    spares = extensions._spares_of(db.engine)
    assert spares.idle == [connection]
    db.engine.dispose()
    assert spares.idle == []
    with direct_autocommit() as fresh:  # and new ones come as needed
        assert fresh is not connection


def test_launch_commits_what_the_caller_changed_first(app, tmp_path):
    db.session.add(User(username="pending", password_hash="x"))  # not flushed, not committed
    job, _sent = launch("export_descriptions", parameters={"format": "csv", "slugs": []})
    db.session.rollback()  # nothing left to undo: launch committed it
    assert db.session.scalar(select(User.id).where(User.username == "pending")) is not None
    assert db.session.get(Job, job.id).status == JobStatus.QUEUED
