"""What users get for bad input: readable 400/404 pages, never a 500 or a traceback, nothing changed."""

from __future__ import annotations

import pytest

from models import JobStatus

BAD_TOKEN = "IjE2ZjQ1ZGM0NTcwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAi.not-a-real-signature"


def test_the_test_app_checks_csrf_tokens(app):
    assert app.config.get("WTF_CSRF_ENABLED", True) is True


@pytest.mark.parametrize(
    "url", ["/jobs/999999", "/jobs/999999/output", "/jobs/999999/status.json", "/jobs/abc", "/jobs/-1", "/nowhere"]
)
def test_unknown_job_urls_are_readable_404s(as_user, url, readable_error):
    response = as_user("alice").get(url, status="*")
    readable_error(response, 404)


def test_unknown_job_page_says_what_is_missing(as_user):
    page = as_user("alice").get("/jobs/999999", status=404)
    assert "There is no job 999999 that you can see." in page.text
    assert page.html.find("a", href="/") is not None  # a way back


@pytest.mark.parametrize("action", ["cancel", "retry"])
def test_actions_on_unknown_jobs_are_404(as_user, post, action, readable_error):
    as_user("alice")
    readable_error(post(f"/jobs/999999/{action}"), 404)


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999"])
def test_odd_page_numbers_never_fail(as_user, make_job, page):
    make_job("alice")
    response = as_user("alice").get(f"/jobs/?page={page}", status="*")
    assert response.status_int in (200, 404)
    assert "Traceback" not in response.text


@pytest.mark.parametrize("fmt", ["doc", "", "PDF; DROP TABLE jobs"])
def test_wrong_finding_aid_format_is_a_readable_400_and_creates_no_job(
    as_user, fonds, post, job_count, fmt, readable_error
):
    as_user("alice")
    response = post(f"/descriptions/{fonds}/finding-aid", {"format": fmt})
    readable_error(response, 400)
    assert "Choose a finding aid format: PDF or RTF" in response.text
    assert job_count() == 0


def test_a_wrong_model_says_what_is_wrong_with_the_model(as_user, fonds, post, job_count, readable_error):
    as_user("alice")
    response = post(f"/descriptions/{fonds}/finding-aid", {"format": "pdf", "model": "everything"})
    readable_error(response, 400)
    assert "Model: Not a valid choice." in response.text
    assert "Choose a finding aid format" not in response.text
    assert job_count() == 0


def test_missing_format_is_a_readable_400(as_user, fonds, post, job_count, readable_error):
    as_user("alice")
    readable_error(post(f"/descriptions/{fonds}/finding-aid", {}), 400)
    assert job_count() == 0


@pytest.mark.parametrize("url", ["/descriptions/no-such-record", "/descriptions/no-such-record/finding-aid"])
def test_unknown_description_is_a_readable_404(as_user, url, readable_error):
    response = as_user("alice").get(url, status="*")
    readable_error(response, 404)


def test_finding_aid_for_unknown_description_is_404_and_creates_no_job(as_user, post, job_count, readable_error):
    as_user("alice")
    readable_error(post("/descriptions/no-such-record/finding-aid", {"format": "pdf"}), 404)
    assert job_count() == 0


# -- CSRF: every POST without a valid token is refused and changes nothing ---------------------


def refused(response, readable_error) -> None:
    readable_error(response, 400)
    assert "security token" in response.text


@pytest.fixture(params=["missing", "wrong"])
def token(request):
    return None if request.param == "missing" else BAD_TOKEN


def test_login_without_valid_token_is_refused(testapp, users, password, post, token, readable_error):
    response = post("/login", {"username": "alice", "password": password}, token=token)
    refused(response, readable_error)
    assert testapp.get("/jobs/", status="*").status_int == 302


def test_logout_without_valid_token_is_refused(as_user, post, token, readable_error):
    client = as_user("alice")
    refused(post("/logout", token=token), readable_error)
    assert client.get("/jobs/").status_int == 200


def test_clear_without_valid_token_is_refused(as_user, make_job, post, job_count, token, readable_error):
    make_job("alice", JobStatus.COMPLETED)
    as_user("alice")
    refused(post("/jobs/clear", token=token), readable_error)
    assert job_count() == 1


def test_cancel_without_valid_token_is_refused(as_user, make_job, post, reload, token, readable_error):
    job = make_job("alice", JobStatus.QUEUED)
    as_user("alice")
    refused(post(f"/jobs/{job.id}/cancel", token=token), readable_error)
    assert reload(job.id).status == JobStatus.QUEUED


def test_retry_without_valid_token_is_refused(as_user, make_job, post, job_count, token, readable_error):
    job = make_job("alice", JobStatus.ERROR)
    as_user("alice")
    refused(post(f"/jobs/{job.id}/retry", token=token), readable_error)
    assert job_count() == 1


def test_finding_aid_without_valid_token_is_refused(as_user, fonds, post, job_count, token, readable_error):
    as_user("alice")
    refused(post(f"/descriptions/{fonds}/finding-aid", {"format": "pdf"}, token=token), readable_error)
    assert job_count() == 0


def test_token_of_another_session_is_refused(testapp, users, password, post, make_job, job_count, readable_error):
    make_job("alice", JobStatus.COMPLETED)
    login = testapp.get("/login").forms["login-form"]
    other_session_token = login["csrf_token"].value
    testapp.reset()
    login = testapp.get("/login").forms["login-form"]
    login["username"], login["password"] = "alice", password
    login.submit().follow()
    refused(post("/jobs/clear", token=other_session_token), readable_error)
    assert job_count() == 1


# -- anonymous POSTs --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/jobs/clear", "/jobs/1/cancel", "/jobs/1/retry", "/logout"])
def test_anonymous_posts_change_nothing(testapp, make_job, post, reload, job_count, url):
    job = make_job("alice", JobStatus.ERROR)
    assert job.id == 1
    for token in (None, True):
        response = post(url, token=token)
        assert response.status_int in (302, 400), response.status
        if response.status_int == 302:
            assert response.location.startswith("/login")
    assert reload(job.id).status == JobStatus.ERROR
    assert job_count() == 1


def test_anonymous_finding_aid_post_creates_no_job(testapp, fonds, post, job_count):
    for token in (None, True):
        response = post(f"/descriptions/{fonds}/finding-aid", {"format": "pdf"}, token=token)
        assert response.status_int in (302, 400)
    assert job_count() == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_database_away_gets_a_503_page_that_needs_no_database(as_user, monkeypatch, method):
    """PostgreSQL restarting: every query fails. The page says so, never a 500, and does not
    itself load the user (that query would fail too)."""
    from sqlalchemy.exc import OperationalError

    import models.user

    client = as_user("alice")
    token = client.get("/jobs/").html.find("input", {"name": "csrf_token"})["value"]

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(models.user.User, "load_session_user", classmethod(unreachable))
    if method == "GET":
        response = client.get("/jobs/?status=running", expect_errors=True)
    else:
        response = client.post(
            "/jobs/clear",
            {"csrf_token": token},
            headers={"Referer": "http://localhost/jobs/active"},
            expect_errors=True,
        )
    assert response.status_int == 503
    assert response.headers["Retry-After"] == "5"
    assert "Database unavailable" in response.text
    assert "nothing was changed" in response.text
    again = response.html.find("main").find_all("a")[0]
    assert again["href"] == ("/jobs/?status=running" if method == "GET" else "/jobs/active")
