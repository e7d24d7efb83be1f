"""Fixtures of the integration tests (real PostgreSQL, Redis, worker processes)."""

from __future__ import annotations

import os
from pathlib import Path

import dramatiq
import pytest
from flask import Flask

from actors.engine.runtime import runtime
from extensions import db
from tests.helpers import make_app


class Services:
    """The real PostgreSQL (a private schema) and Redis (a private namespace) of one test: an app
    on them, and the environment of `flask jobs worker` processes on the same services."""

    def __init__(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str, redis_url: str, namespace: str
    ) -> None:
        self.tmp_path, self.monkeypatch = tmp_path, monkeypatch
        self.postgres_url, self.redis_url, self.namespace = postgres_url, redis_url, namespace

    def app(self) -> Flask:
        """Built when asked: a test may first add the job types its app declares."""
        return make_app(
            self.tmp_path,
            self.monkeypatch,
            SQLALCHEMY_DATABASE_URI=self.postgres_url,
            JOBS_BROKER="redis",
            REDIS_URL=self.redis_url,
            JOBS_NAMESPACE=self.namespace,
        )

    def worker_env(self, **settings: str) -> dict[str, str]:
        return dict(
            os.environ,
            DATABASE_URL=self.postgres_url,
            REDIS_URL=self.redis_url,
            JOBS_NAMESPACE=self.namespace,
            ARCHIVE_JOBS_INSTANCE=str(self.tmp_path / "instance"),
            SECRET_KEY="test",
            FLASK_APP="app",
            WORKER_HEARTBEAT_SECONDS="1",
            **settings,
        )


@pytest.fixture
def services(tmp_path, monkeypatch, postgres_url, redis_url, namespace) -> Services:
    return Services(tmp_path, monkeypatch, postgres_url, redis_url, namespace)


@pytest.fixture
def postgres_app(tmp_path, monkeypatch, postgres_url):
    """The app on a private PostgreSQL schema, its context pushed, with a 4-thread in-process worker."""
    app = make_app(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=postgres_url, JOBS_WAIT_RETRY_SECONDS=0.05)
    with app.app_context():
        db.create_all()
        worker = dramatiq.Worker(runtime(app).broker, worker_threads=4, worker_timeout=50)
        worker.start()
        try:
            yield app
        finally:
            worker.stop()
            db.session.remove()
            db.engine.dispose()
