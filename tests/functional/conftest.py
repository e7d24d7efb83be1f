"""Fixtures and helpers shared by the functional tests.

Overrides of tests/conftest.py:

* ``app`` takes configuration overrides from ``@pytest.mark.app_config(NAME=value)`` and,
  with ``@pytest.mark.test_jobs``, declares the test job types below (they must be in
  ``actors.registry.JOB_TYPES`` before ``create_app`` declares the actors).
"""
from __future__ import annotations

import collections
import csv
import io
import logging
import re
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import dramatiq
import pytest
from helpers import PASSWORD, wait_for
from sqlalchemy import func, select
from webtest import TestApp

from actors.engine.launching import launch
from actors.registry import JobType
from extensions import db as _db
from models import Job, JobStatus
from models.base import utcnow

# -- test job types ----------------------------------------------------------------------------


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


# -- app and client ---------------------------------------------------------------------------


@pytest.fixture
def password() -> str:
    """The password of the fixture users."""
    return PASSWORD


@pytest.fixture
def extra_job_types(request) -> dict[str, JobType]:
    """With ``@pytest.mark.test_jobs``, the test job types above (and a fresh probe)."""
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


@pytest.fixture
def worker(worker) -> Iterator[dramatiq.Worker]:
    """tests/conftest.py's worker, which also releases any test job still waiting before it stops."""
    yield worker
    _probe.release.set()


@pytest.fixture
def start_worker(request) -> Callable[[], None]:
    """Like run_jobs, but the worker starts on the first call: messages sent before stay queued."""

    def _run() -> None:
        request.getfixturevalue("run_jobs")()

    return _run


# -- helpers ----------------------------------------------------------------------------------


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


@pytest.fixture
def post(testapp) -> Callable[..., object]:
    """POST like the browser's forms do: with the session's csrf_token unless told otherwise."""

    def _post(url: str, data: dict | None = None, *, token: str | None | bool = True, status="*"):
        fields = dict(data or {})
        if token is True:
            fields["csrf_token"] = csrf_token_of(testapp)
        elif token:
            fields["csrf_token"] = token
        return testapp.post(url, fields, status=status, expect_errors=True)

    return _post


def csrf_token_of(testapp: TestApp) -> str:
    """The csrf_token a page would embed for this client's session."""
    page = testapp.get("/jobs/", status="*")
    if page.status_int != 200:
        page = testapp.get("/login")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page.text
    )
    assert match, "no csrf_token on the page"
    return match.group(1)


def form_posting_to(page, action: str):
    """The form on ``page`` whose action is ``action`` (WebTest indexes forms by position)."""
    matches = [form for form in page.forms.values() if form.action == action]
    assert len(matches) == 1, f"{len(matches)} forms post to {action}"
    return matches[0]


@pytest.fixture
def form_for():
    return form_posting_to


@pytest.fixture
def poll() -> Callable[..., object]:
    return wait_for


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def read_csv(testapp) -> Callable[[], tuple[str, list[dict[str, str]]]]:
    """GET /jobs/export.csv: (header line, rows as dicts)."""

    def _read():
        response = testapp.get("/jobs/export.csv")
        assert response.content_type == "text/csv"
        text = response.body.decode("utf-8")
        return text.splitlines()[0], parse_csv(text)

    return _read


def table_rows(page) -> list[dict[str, str]]:
    """The Jobs page table as dicts keyed by column heading (cell text, whitespace collapsed)."""
    table = page.html.find("table", class_="jobs")
    if table is None:
        return []
    headings = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows = []
    for tr in table.tbody.find_all("tr"):
        cells = [" ".join(td.get_text(" ", strip=True).split()) for td in tr.find_all("td")]
        row = dict(zip(headings, cells))
        row["id"] = int(tr["id"].removeprefix("job-"))
        rows.append(row)
    return rows


@pytest.fixture
def jobs_table(testapp) -> Callable[[str], list[dict[str, str]]]:
    def _rows(url: str = "/jobs/") -> list[dict[str, str]]:
        return table_rows(testapp.get(url))

    return _rows


def assert_readable_error(response, status: int) -> None:
    """An error a user can cause: the expected code, a page made for people, no stack trace."""
    assert response.status_int == status, response.text[:500]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    if response.content_type == "text/html":
        assert response.html.find("h1") is not None
        assert response.html.find(class_="error-message") is not None or response.html.find(
            class_="message-error"
        ) is not None


@pytest.fixture
def readable_error():
    return assert_readable_error


@pytest.fixture
def instance_dir(app) -> Path:
    return Path(app.instance_path)

