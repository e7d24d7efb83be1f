"""Login throttling, cookie flags, the production secret key, time limits and HTML escaping."""
from __future__ import annotations

import time

import pytest

from actors.engine.launching import launch
from actors.registry import JobType
from helpers import PASSWORD, login
from models import ArchivalDescription, Job, JobStatus
from commands.demo_data import insert_demo_fonds

SCRIPT = "<script>alert('x')</script>"


def spin(job_id: int) -> None:
    """Never ends by itself: only the time limit stops it."""
    while True:
        time.sleep(0.01)


def print_markup(job_id: int) -> None:
    print(f"output with {SCRIPT} in it")


@pytest.fixture
def extra_job_types() -> dict[str, JobType]:
    return {
        "spin": JobType(key="spin", label="Spin", perform=spin, time_limit_seconds=1),
        "markup": JobType(key="markup", label="Markup", perform=print_markup),
    }


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_account_for_a_while(testapp, users):
    for _ in range(3):
        assert "Unknown username or wrong password." in login(testapp, "alice", "wrong").text
    locked = login(testapp, "alice", PASSWORD, status=429)  # even the right password, for now
    assert "Too many failed logins" in locked.text
    assert "/jobs/" not in locked.headers.get("Location", "")
    assert login(testapp, "bob").status_int == 302  # other accounts are not affected


def test_a_successful_login_forgets_earlier_failures(testapp, users):
    for _ in range(4):
        login(testapp, "alice", "wrong")
    assert login(testapp, "alice").status_int == 302
    testapp.reset()
    for _ in range(4):
        login(testapp, "alice", "wrong")
    assert login(testapp, "alice").status_int == 302


def test_session_cookie_is_http_only_and_same_site(testapp, users):
    response = login(testapp, "alice")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_JOBS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ARCHIVE_JOBS_INSTANCE", str(tmp_path))
    from app import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app({"JOBS_BROKER": "stub"})
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    assert create_app({"JOBS_BROKER": "stub"}).config["SECRET_KEY"] == "s3cret"


def test_a_job_over_its_time_limit_ends_in_error(db, run_jobs):
    job, _ = launch("spin")
    run_jobs()
    job = db.session.get(Job, job.id)
    assert (job.status, job.info) == (JobStatus.ERROR, "Timed out after 1 s.")


def test_titles_and_output_are_escaped_everywhere(as_user, db, run_jobs, users):
    slug = insert_demo_fonds(3, title=f"Fonds {SCRIPT}")
    record = ArchivalDescription.by_slug(slug)
    job, _ = launch("markup", user=users["alice"], description=record)
    run_jobs()
    client = as_user("alice")
    for url in ("/jobs/", f"/jobs/{job.id}", f"/descriptions/{slug}", "/descriptions/"):
        page = client.get(url)
        assert SCRIPT not in page.text, url
        assert "&lt;script&gt;" in page.text, url
    assert client.get(f"/jobs/{job.id}/status.json").json["output"].startswith("output with <script>")
