"""Helpers shared by the test modules (import as `from helpers import ...`)."""
from __future__ import annotations

import contextvars
import os
import time
from pathlib import Path

import pytest
from webtest import TestApp

from app import create_app

PASSWORD = "correct horse battery staple"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **overrides):
    monkeypatch.setenv("ARCHIVE_JOBS_INSTANCE", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "JOBS_NAMESPACE"):
        monkeypatch.delenv(name, raising=False)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
        "JOBS_BROKER": "stub",
        "JOBS_OUTPUT_FLUSH_SECONDS": 0.05,
    }
    config.update(overrides)
    return create_app(config)


def login(testapp: TestApp, username: str, password: str = PASSWORD, status=None):
    form = testapp.get("/login").forms["login-form"]
    form["username"] = username
    form["password"] = password
    return form.submit(status=status)


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
