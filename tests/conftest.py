"""Fixtures: an app on a temporary SQLite file with a StubBroker, WebTest, an in-process
Dramatiq worker, users, a small tree, and the real Redis / PostgreSQL services."""
from __future__ import annotations

import socket
import uuid
from typing import Callable, Iterator

import dramatiq
import pytest
from helpers import PASSWORD, FreshContext, POSTGRES_URL, REDIS_URL, login, make_app
from webtest import TestApp

from actors.engine.runtime import runtime
from actors.engine.broker import QUEUE_NAME
from actors.registry import JOB_TYPES, JobType
from models.user import create_user
from extensions import db as _db
from models import User
from commands.demo_data import insert_demo_fonds
from pg_schema import private_schema


@pytest.fixture
def extra_job_types() -> dict[str, JobType]:
    """Job types a test directory adds to the registry (overridden by its conftest)."""
    return {}


@pytest.fixture
def app(request, tmp_path, monkeypatch, extra_job_types):
    """The app on a fresh SQLite file; ``@pytest.mark.app_config(NAME=value)`` overrides config."""
    for key, job_type in extra_job_types.items():  # before create_app declares the actors
        monkeypatch.setitem(JOB_TYPES, key, job_type)
    marker = request.node.get_closest_marker("app_config")
    app = make_app(tmp_path, monkeypatch, **(marker.kwargs if marker else {}))
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.drop_all()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def testapp(app) -> TestApp:
    return TestApp(FreshContext(app))


@pytest.fixture
def users(app) -> dict[str, User]:
    return {
        "alice": create_user("alice", PASSWORD),
        "bob": create_user("bob", PASSWORD),
        "admin": create_user("admin", PASSWORD, admin=True),
    }


@pytest.fixture
def as_user(testapp, users) -> Callable[[str], TestApp]:
    """Log the WebTest client in as one of the fixture users."""

    def _as(username: str) -> TestApp:
        testapp.reset()
        login(testapp, username).follow()
        return testapp

    return _as


@pytest.fixture
def fonds(app) -> str:
    """A small demo fonds (40 descriptions); returns its slug."""
    return insert_demo_fonds(40)


@pytest.fixture
def broker(app):
    return runtime(app).broker


@pytest.fixture
def worker(broker) -> Iterator[dramatiq.Worker]:
    """An in-process Dramatiq worker with two threads on the stub broker."""
    broker.emit_after("process_boot")  # what a worker process does first: time limits need it
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=50)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def run_jobs(broker, worker) -> Callable[[], None]:
    """Wait until every sent job has been processed by the in-process worker."""

    def _run() -> None:
        broker.join(QUEUE_NAME, timeout=60_000, fail_fast=False)
        worker.join()
        _db.session.expire_all()

    return _run


# -- real services ------------------------------------------------------------------------


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _reachable("127.0.0.1", 6379):
        pytest.skip("Redis is not running on 127.0.0.1:6379 (start it to run the Redis integration tests)")
    return REDIS_URL


@pytest.fixture(scope="session")
def postgres_base_url() -> str:
    if not _reachable("127.0.0.1", 5432):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (start it to run the PostgreSQL tests)")
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_base_url) -> Iterator[str]:
    """A private schema in the `test` database, dropped afterwards."""
    with private_schema(postgres_base_url, "aj_test") as url:
        yield url


@pytest.fixture
def namespace() -> str:
    return f"aj-test-{uuid.uuid4().hex[:10]}"
