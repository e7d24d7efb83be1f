"""Helpers shared by the test modules (import as `from helpers import ...`)."""

from __future__ import annotations

import contextvars
import csv
import io
import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import text
from webtest import TestApp
from werkzeug.security import generate_password_hash

from app import create_app
from extensions import db

PASSWORD = "correct horse battery staple"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# One PBKDF2 round instead of scrypt (0.17 s a hash): the tests make hundreds of users. The
# production default, scrypt, has its own test (tests/web/test_security.py).
FAST_PASSWORD_HASH = "pbkdf2:sha256:1"


def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **overrides):
    """The app on a SQLite file in tmp_path with a StubBroker; the environment variables set
    here (instance folder, fast password hash) also reach the processes a test starts."""
    monkeypatch.setenv("ARCHIVE_JOBS_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("PASSWORD_HASH_METHOD", FAST_PASSWORD_HASH)
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "JOBS_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
        "JOBS_BROKER": "stub",
        "JOBS_OUTPUT_FLUSH_SECONDS": 0.05,
        "JOBS_WAIT_RETRY_SECONDS": 0.05,  # a job waiting for a record lock looks again soon (2 s in production)
        "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
    }
    config.update(overrides)
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATE_BYTECODE
    return app


def app_at_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str, revision: str):
    """The app on ``url`` with the schema as migration ``revision`` left it: a migration's test
    fills it with data, then upgrades."""
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=url)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", revision])
    assert result.exit_code == 0, result.output
    return app, runner


def insert_as_stored(table: str, **values: object) -> None:
    """One row written as a migration's schema stores it: raw SQL, since the models describe the
    newest schema, not the one being migrated from."""
    columns = ", ".join(values)
    placeholders = ", ".join(f":{name}" for name in values)
    db.session.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"), values)


def insert_old_user(username: str = "alice", password: str = "pw", **columns: object) -> None:
    """An editor account as any schema since users had roles stores it (id 1 for the first)."""
    insert_as_stored(
        "users",
        username=username,
        password_hash=generate_password_hash(password, method="pbkdf2:sha256:1"),
        role="editor",
        active=True,
        created_at="2026-01-01 00:00:00",
        **columns,
    )


def upgrade_to_head(runner) -> None:
    """The rest of the migrations, then the check that the newest one matches the models."""
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(args=["db", "check"])
    assert checked.exit_code == 0, checked.output


class SharedBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory for every app the tests create (each has its own Jinja
    environment: compiling the same templates again was a third of a web test). A template whose
    source changed is compiled again: Jinja checks each entry's checksum."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_BYTECODE = SharedBytecodeCache()


def login(testapp: TestApp, username: str, password: str = PASSWORD, status=None, environ: dict | None = None):
    """Log in through the form; ``environ`` sets e.g. REMOTE_ADDR or HTTP_X_FORWARDED_FOR."""
    environ = environ or {}
    form = testapp.get("/login", extra_environ=environ).forms["login-form"]
    form["username"] = username
    form["password"] = password
    return form.submit(status=status, extra_environ=dict(environ))


def wait_for(predicate, timeout: float = 60, interval: float = 0.05, what: str = ""):
    """Poll until predicate() is truthy and return its value; fail clearly at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


class FreshContext:
    """WSGI wrapper: each request runs in an empty contextvars context, as in production.

    Tests keep an app context open; without this, Flask would reuse it (and Flask-Login's
    cached user in ``g``) for every request, so a logged-out client still looked logged in.
    """

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def run():
            body = self.wsgi_app(environ, start_response)
            try:
                return [b"".join(body)]
            finally:
                getattr(body, "close", lambda: None)()

        return contextvars.Context().run(run)


# -- pages and forms --------------------------------------------------------------------------


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


def parse_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def table_rows(page) -> list[dict[str, str]]:
    """The Jobs page table as dicts keyed by column heading (cell text, whitespace collapsed)."""
    table = page.html.find("table", class_="jobs")
    if table is None:
        return []
    headings = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows = []
    for tr in table.tbody.find_all("tr"):
        cells = [" ".join(td.get_text(" ", strip=True).split()) for td in tr.find_all("td")]
        row = dict(zip(headings, cells, strict=False))
        row["id"] = int(tr["id"].removeprefix("job-"))
        rows.append(row)
    return rows


def assert_readable_error(response, status: int) -> None:
    """An error a user can cause: the expected code, a page made for people, no stack trace."""
    assert response.status_int == status, response.text[:500]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    if response.content_type == "text/html":
        assert response.html.find("h1") is not None
        assert (
            response.html.find(class_="error-message") is not None
            or response.html.find(class_="message-error") is not None
        )


def template_database(folder: Path, fill: Callable[[], object] = lambda: None) -> Path:
    """A SQLite database with every table, and what ``fill`` adds, made once to be copied for
    each test (copy_database): building it again was half of a small test's setup."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        app = make_app(folder, monkeypatch)
        with app.app_context():
            db.create_all()
            fill()
            db.session.remove()
            db.engine.dispose()
    return folder / "test.db"


def copy_database(source: Path, target: Path) -> None:
    """SQLite's own backup: a consistent copy, whatever journal mode the file is in."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()
