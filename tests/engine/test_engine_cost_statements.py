"""The per-job writes on the driver (actors.engine.driver.FastStatement / direct_autocommit), on SQLite and
PostgreSQL: the same values as a SQLAlchemy Connection would write, errors as SQLAlchemy raises
them, and a session's own connections left as they were."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import bindparam, exc, func, insert, select, text, update

from actors.engine import driver, job_row, launching, lifecycle
from actors.engine.driver import FastStatement, direct_autocommit
from actors.engine.launching import dispatch_unsent, launch
from extensions import db
from models import Job, JobStatus, User
from models.base import utcnow
from tests.helpers import make_app


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
    job = lifecycle.queue(
        {
            "type": "export_descriptions",
            "user_id": None,
            "description_id": None,
            "parameters": {"format": "csv", "slugs": ["a", "b"]},
            "retry_of_id": None,
            "created_at": created,
        }
    )
    row = _row(job.id)
    assert row.status == JobStatus.QUEUED
    assert row.parameters == {"format": "csv", "slugs": ["a", "b"]}
    # the columns' defaults:
    assert row.output == ""
    assert row.attempt == 1
    assert row.created_at == created
    assert job.parameters == {"format": "csv", "slugs": ["a", "b"]}  # the returned job as written

    assert lifecycle.claim(job.id, None, "worker-1", "/tmp/1.log", []) == lifecycle.Claim(1, "")
    assert lifecycle.claim(job.id, None, "worker-2", "/tmp/1.log", []) is None  # claimed once
    row = _row(job.id)
    assert (row.status, row.worker_id, row.output_path) == (JobStatus.RUNNING, "worker-1", "/tmp/1.log")
    assert isinstance(row.started_at, datetime)

    assert job_row.update_while_running(job.id, 1, {"output": "so far\n", "progress_done": 1, "progress_total": 3})
    assert not job_row.update_while_running(job.id, 2, {"output": "another attempt's\n"})  # fenced
    job_row.update_while_running(
        job.id, 1, {"status": JobStatus.COMPLETED, "info": "Done.", "output": "all\n", "finished_at": utcnow()}
    )
    assert not job_row.update_while_running(job.id, 1, {"output": "too late\n"})  # no longer Running
    row = _row(job.id)
    assert (row.status, row.info, row.output, row.progress_done, row.progress_total) == (
        JobStatus.COMPLETED,
        "Done.",
        "all\n",
        1,
        3,
    )


def test_a_failing_statement_raises_as_sqlalchemy_and_its_connection_goes_on(any_db_app):
    insert_with_id = FastStatement(
        insert(Job.__table__).values(
            id=bindparam("id"),
            type="x",
            status=JobStatus.QUEUED,
            parameters={},
            created_at=bindparam("now"),
            output="",
            attempt=1,
        )
    )
    with direct_autocommit() as connection:
        connection.run(insert_with_id, {"id": 7, "now": utcnow()})
    with pytest.raises(exc.IntegrityError), direct_autocommit() as connection:
        connection.run(insert_with_id, {"id": 7, "now": utcnow()})
    with direct_autocommit() as again:
        assert again is connection  # an error of the statement's: the connection is still good
        assert again.run(FastStatement(select(Job.id).where(Job.id == bindparam("id"))), {"id": 7}) == (7,)
    with pytest.raises(KeyError), direct_autocommit() as connection:  # a value the statement needs
        connection.run(insert_with_id, {"id": 8})
    without_attempt = FastStatement(
        insert(Job.__table__).values(
            type="x", status=JobStatus.QUEUED, parameters={}, created_at=bindparam("now"), output=""
        )
    )
    # a default a Connection would compute
    with pytest.raises(ValueError, match="give a value for attempt"), direct_autocommit() as connection:
        connection.run(without_attempt, {"now": utcnow()})


def test_sessions_keep_their_transactions(any_db_app):
    """The spare connections are the engine's pool's no more: a session's rollback still undoes."""
    for _ in range(3):
        with direct_autocommit() as connection:
            connection.run(
                lifecycle._insert(("created_at", "parameters", "status", "type")),
                {"type": "x", "status": JobStatus.QUEUED, "parameters": {}, "created_at": utcnow()},
            )
    db.session.add(User(username="nobody", password_hash="x"))
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.username == "nobody")) is None
    assert db.session.scalar(select(text("count(*)")).select_from(Job)) == 3


def test_disposing_the_engine_closes_the_spare_connections(any_db_app):
    with direct_autocommit() as connection:
        pass
    spares = driver._spares_of(db.engine)
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


def test_a_launched_job_is_marked_sent_off_the_request(app):
    job, sent = launch("export_descriptions", parameters={"format": "csv", "slugs": []})
    assert sent
    assert launching._sent_marks.flush()
    db.session.expire_all()
    assert db.session.get(Job, job.id).sent_at is not None
    assert dispatch_unsent(grace_seconds=0) == 0  # nothing for the dispatcher to send again


def test_a_late_mark_leaves_a_re_queued_attempt_to_the_dispatcher(app):
    first, again = (
        lifecycle.queue(
            {
                "type": "export_descriptions",
                "user_id": None,
                "description_id": None,
                "parameters": {},
                "retry_of_id": None,
                "created_at": utcnow(),
            }
        )
        for _ in range(2)
    )
    # A worker claimed `again` and stopped before the mark came: re-queued as attempt 2, unsent.
    db.session.execute(update(Job).where(Job.id == again.id).values(attempt=2))
    db.session.commit()
    marks = launching._SentMarks()
    marks.add(db.engine, first.id)
    marks.add(db.engine, again.id)
    assert marks.flush()
    db.session.expire_all()
    assert db.session.get(Job, first.id).sent_at is not None
    assert db.session.get(Job, again.id).sent_at is None  # the dispatcher sends it


@pytest.mark.postgres
@pytest.mark.parametrize("any_db_app", ["postgresql"], indirect=True)  # a server that can drop a connection
def test_a_connection_the_database_dropped_is_not_used_again(any_db_app):
    backend_pid = FastStatement(select(func.pg_backend_pid()))
    with direct_autocommit() as connection:
        dropped = connection.run(backend_pid, {})[0]
    db.session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped})
    db.session.commit()
    with pytest.raises(exc.OperationalError), direct_autocommit() as connection:
        connection.run(backend_pid, {})
    assert driver._spares_of(db.engine).idle == []
    with direct_autocommit() as connection:
        assert connection.run(backend_pid, {})[0] != dropped


def test_sqlite_in_memory_writes_through_the_one_shared_connection(tmp_path, monkeypatch):
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        db.create_all()
        job = lifecycle.queue(
            {
                "type": "export_descriptions",
                "user_id": None,
                "description_id": None,
                "parameters": {},
                "retry_of_id": None,
                "created_at": utcnow(),
            }
        )
        assert lifecycle.claim(job.id, None, "worker-1", "/tmp/1.log", []) == lifecycle.Claim(1, "")
        assert _row(job.id).status == JobStatus.RUNNING  # the same database the session sees
        db.session.remove()
