"""Fixtures every room of the tests shares (engine, jobs, formats, ledger, rendering, models, web,
commands, integration, browser).

* ``app``: the app on a temporary SQLite file with a StubBroker. ``@pytest.mark.app_config(NAME=value)``
  overrides its configuration; with ``@pytest.mark.test_jobs`` it also declares the test job types
  below (they must be in ``actors.registry.JOB_TYPES`` before ``create_app`` declares the actors).
  A test module can add job types of its own by overriding ``extra_job_types``.
* WebTest clients and logins, users, a small tree, an in-process Dramatiq worker, job helpers.
* The real Redis / PostgreSQL services (skipped when they are not running).

Plain helper functions live in ``helpers.py``; what only one room uses lives in its conftest.py.
"""

from __future__ import annotations

import collections
import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import dramatiq
import pytest
from sqlalchemy import func, select
from webtest import TestApp

from actors.engine.broker import QUEUE_NAME
from actors.engine.launching import launch
from actors.engine.runtime import runtime
from actors.registry import JOB_TYPES, JobType
from commands.demo_data import insert_demo_fonds
from extensions import db as _db
from models import Job, JobStatus, User
from models.base import utcnow
from models.user import create_user
from tests.helpers import (
    PASSWORD,
    POSTGRES_URL,
    REDIS_URL,
    FreshContext,
    copy_database,
    csrf_token_of,
    form_posting_to,
    login,
    make_app,
    table_rows,
    template_database,
    wait_for,
)
from tests.pg_schema import private_schema

# -- test job types (``@pytest.mark.test_jobs``) -------------------------------------------------


class Probe:
    """What a test shares with its job functions, which run on the worker's threads."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=10)
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.runs: collections.Counter[int] = collections.Counter()

    def ran(self, job_id: int) -> None:
        with self.lock:
            self.runs[job_id] += 1


_probe = Probe()


def _params(job_id: int) -> dict:
    return dict(_db.session.get(Job, job_id).parameters or {})


def _count_runs(job_id: int) -> None:
    _probe.ran(job_id)
    print(f"job {job_id} ran")


def _tagged_lines(job_id: int) -> None:
    """Print `lines` numbered lines tagged `tag`; with `sync`, meet the other job every 50 lines."""
    params = _params(job_id)
    _probe.ran(job_id)
    for n in range(params["lines"]):
        if params.get("sync") and n % 50 == 0:
            _probe.barrier.wait()
        print(f"{params['tag']} line {n:05d}")


def _fail(job_id: int) -> None:
    _probe.ran(job_id)
    print("about to fail")
    raise ValueError("boom")


def _crash(job_id: int) -> None:
    print(1 / 0)


def _log(job_id: int) -> None:
    _probe.ran(job_id)
    logging.getLogger("x").warning("warning from job %s", job_id)


def _wait_for_release(job_id: int) -> None:
    _probe.ran(job_id)
    print("halfway there", flush=True)
    if not _probe.release.wait(timeout=30):
        raise TimeoutError("the test never released the job")
    print("released")


def _until_canceled(job_id: int) -> None:
    """Work in small steps, checking for a cancel request between them, until released."""
    from actors.engine.context import checkpoint

    _probe.ran(job_id)
    print("working", flush=True)
    deadline = time.monotonic() + 30
    while not _probe.release.wait(timeout=0.02):
        checkpoint(min_interval=0)
        if time.monotonic() > deadline:
            raise TimeoutError("the test never canceled or released the job")
    print("finished without being canceled")


TEST_JOB_TYPES = {
    jt.key: jt
    for jt in (
        JobType("test_count", "Test: count runs", _count_runs),
        JobType("test_lines", "Test: print lines", _tagged_lines, run_concurrently=True),
        JobType("test_fail", "Test: fail", _fail),
        JobType("test_crash", "Test: crash", _crash),
        JobType("test_log", "Test: log", _log),
        JobType("test_wait", "Test: wait for release", _wait_for_release),
        JobType("test_cancelable", "Test: run until canceled", _until_canceled),
    )
}


@pytest.fixture
def extra_job_types(request) -> dict[str, JobType]:
    """Job types the test adds to the registry: with ``@pytest.mark.test_jobs``, the test job
    types above (and a fresh probe). A test module overrides this fixture to add its own."""
    if not request.node.get_closest_marker("test_jobs"):
        return {}
    request.getfixturevalue("probe")
    return TEST_JOB_TYPES


@pytest.fixture
def probe() -> Probe:
    """A fresh Probe for this test's job functions (installed for every `test_jobs` test)."""
    global _probe
    _probe = Probe()
    return _probe


# -- app and client ---------------------------------------------------------------------------


@pytest.fixture
def database(request) -> str:
    """The app's database: SQLite, or PostgreSQL for a test parametrized with
    ``@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)``."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def app(request, tmp_path, monkeypatch, extra_job_types, database):
    """The app on a fresh SQLite file (or a private PostgreSQL schema, see ``database``);
    ``@pytest.mark.app_config(NAME=value)`` overrides config."""
    for key, job_type in extra_job_types.items():  # before create_app declares the actors
        monkeypatch.setitem(JOB_TYPES, key, job_type)
    marker = request.node.get_closest_marker("app_config")
    config = dict(marker.kwargs if marker else {})
    if database == "postgresql":
        config["SQLALCHEMY_DATABASE_URI"] = request.getfixturevalue("postgres_url")
    if database == "sqlite":
        copy_database(request.getfixturevalue("sqlite_template"), tmp_path / "test.db")
    app = make_app(tmp_path, monkeypatch, **config)
    with app.app_context():
        if database != "sqlite":
            _db.create_all()
        yield app
        _db.session.remove()
        if database != "sqlite":  # (a SQLite file goes with tmp_path)
            _db.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """An empty database with every table, made once per test process and copied for each test:
    creating the tables was half of a small test's setup."""
    return template_database(tmp_path_factory.mktemp("template"))


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def testapp(app) -> TestApp:
    return TestApp(FreshContext(app))


@pytest.fixture
def password() -> str:
    """The password of the fixture users."""
    return PASSWORD


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
def instance_dir(app) -> Path:
    return Path(app.instance_path)


# -- worker -----------------------------------------------------------------------------------


@pytest.fixture
def broker(app):
    return runtime(app).broker


@pytest.fixture
def worker(broker) -> Iterator[dramatiq.Worker]:
    """An in-process Dramatiq worker with two threads on the stub broker; before it stops, it
    releases any test job still waiting."""
    broker.emit_after("process_boot")  # what a worker process does first: time limits need it
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=50)
    worker.start()
    yield worker
    _probe.release.set()
    worker.stop()


@pytest.fixture
def run_jobs(broker, worker) -> Callable[[], None]:
    """Wait until every sent job has been processed by the in-process worker."""

    def _run() -> None:
        broker.join(QUEUE_NAME, timeout=60_000, fail_fast=False)
        worker.join()
        _db.session.expire_all()

    return _run


@pytest.fixture
def start_worker(request) -> Callable[[], None]:
    """Like run_jobs, but the worker starts on the first call: messages sent before stay queued."""

    def _run() -> None:
        request.getfixturevalue("run_jobs")()

    return _run


# -- jobs -------------------------------------------------------------------------------------


@pytest.fixture
def make_job(db, users) -> Callable[..., Job]:
    """Insert a Job row directly: make_job("alice", JobStatus.ERROR, info="...")."""

    def _make(username: str | None, status: JobStatus = JobStatus.COMPLETED, **fields) -> Job:
        created = fields.pop("created_at", utcnow())
        finished = fields.pop("finished_at", created if status in JobStatus.inactive() else None)
        job = Job(
            type=fields.pop("type", "finding_aid"),
            status=status,
            user_id=users[username].id if username else None,
            parameters=fields.pop("parameters", {"format": "pdf"}),
            created_at=created,
            started_at=fields.pop("started_at", None if status == JobStatus.QUEUED else created),
            finished_at=finished,
            **fields,
        )
        db.session.add(job)
        db.session.commit()
        return job

    return _make


@pytest.fixture
def launch_job(db, users) -> Callable[..., Job]:
    """Launch a job of a type through the app's own launch (row + message)."""

    def _launch(type_key: str, username: str | None = None, **parameters) -> Job:
        job, sent = launch(type_key, user=users[username] if username else None, parameters=parameters)
        assert sent
        return job

    return _launch


@pytest.fixture
def reload(db) -> Callable[[int], Job | None]:
    """The job as the database has it now (None when deleted)."""

    def _reload(job_id: int) -> Job | None:
        db.session.expire_all()
        return db.session.scalar(select(Job).where(Job.id == job_id))

    return _reload


@pytest.fixture
def job_ids(db) -> Callable[[], set[int]]:
    def _ids() -> set[int]:
        db.session.expire_all()
        return set(db.session.scalars(select(Job.id)))

    return _ids


@pytest.fixture
def job_count(db) -> Callable[[], int]:
    def _count() -> int:
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(Job))

    return _count


# -- pages and forms --------------------------------------------------------------------------


@pytest.fixture
def post(testapp) -> Callable[..., object]:
    """POST like the browser's forms do: with the session's csrf_token unless told otherwise."""

    def _post(url: str, data: dict | None = None, *, token: str | bool | None = True, status="*"):
        fields = dict(data or {})
        if token is True:
            fields["csrf_token"] = csrf_token_of(testapp)
        elif token:
            fields["csrf_token"] = token
        return testapp.post(url, fields, status=status, expect_errors=True)

    return _post


@pytest.fixture
def form_for():
    return form_posting_to


@pytest.fixture
def poll() -> Callable[..., object]:
    return wait_for


@pytest.fixture
def jobs_table(testapp) -> Callable[[str], list[dict[str, str]]]:
    def _rows(url: str = "/jobs/") -> list[dict[str, str]]:
        return table_rows(testapp.get(url))

    return _rows


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
