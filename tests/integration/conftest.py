"""Fixtures of the integration tests (real PostgreSQL, Redis, worker processes)."""

from __future__ import annotations

import dramatiq
import pytest
from helpers import make_app

from actors.engine.runtime import runtime
from extensions import db


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
