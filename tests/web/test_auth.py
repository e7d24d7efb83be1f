"""Logging in and out, and what anonymous visitors get."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

PROTECTED_PAGES = [
    "/jobs/",
    "/jobs/active",
    "/jobs/1",
    "/jobs/1/output",
    "/jobs/1/status.json",
    "/jobs/export.csv",
    "/descriptions/",
]


def submit_login(testapp, username, password, url="/login"):
    form = testapp.get(url).forms["login-form"]
    form["username"] = username
    form["password"] = password
    return form.submit(status="*")


def browser_target(location: str):
    """Where a browser would go: browsers read a backslash like a slash."""
    return urlsplit(location.replace("\\", "/"))


def test_login_page_shows_a_form_with_username_password_and_token(testapp):
    page = testapp.get("/login")
    assert page.status_int == 200
    form = page.forms["login-form"]
    assert form.method.upper() == "POST"
    assert {"username", "password", "csrf_token"} <= set(form.fields)
    assert page.html.find("input", attrs={"name": "password"})["type"] == "password"


@pytest.mark.parametrize("username", ["alice", "nobody"])
def test_wrong_credentials_show_the_form_again_with_a_message(testapp, users, username):
    page = submit_login(testapp, username, "not the password")
    assert page.status_int == 200
    assert "Unknown username or wrong password." in page.text
    assert "password" in page.forms["login-form"].fields
    assert testapp.get("/jobs/").status_int == 302  # still not logged in


def test_correct_credentials_redirect_to_the_jobs_page(testapp, users, password):
    response = submit_login(testapp, "alice", password)
    assert response.status_int == 302
    assert urlsplit(response.location).path == "/jobs/"
    page = response.follow()
    assert page.status_int == 200
    assert "Manage jobs" in page.text
    assert "alice" in page.html.find(class_="account").get_text()


def test_inactive_user_cannot_log_in(testapp, users, password, db):
    users["bob"].active = False
    db.session.commit()
    page = submit_login(testapp, "bob", password)
    assert page.status_int == 200
    assert "Unknown username or wrong password." in page.text


@pytest.mark.parametrize("url", PROTECTED_PAGES)
def test_anonymous_visitor_is_sent_to_login_with_next(testapp, url):
    response = testapp.get(url, status="*")
    assert response.status_int == 302
    target = urlsplit(response.location)
    assert target.path == "/login"
    assert parse_qs(target.query)["next"] == [url]


def test_anonymous_description_page_redirects_to_login(testapp, fonds):
    response = testapp.get(f"/descriptions/{fonds}", status="*")
    assert response.status_int == 302
    assert parse_qs(urlsplit(response.location).query)["next"] == [f"/descriptions/{fonds}"]


def test_login_honours_next_within_the_site(testapp, users, password):
    login_url = testapp.get("/jobs/active", status=302).location
    response = submit_login(testapp, "alice", password, url=login_url)
    assert response.status_int == 302
    assert urlsplit(response.location).path == "/jobs/active"
    assert "Active jobs" in response.follow().text


@pytest.mark.parametrize(
    "next_url",
    ["http://evil.example/steal", "//evil.example/steal", "/\\evil.example/steal", "https:evil.example"],
)
def test_login_never_redirects_to_another_host(testapp, users, password, next_url):
    login_url = "/login?" + urlencode({"next": next_url})
    response = submit_login(testapp, "alice", password, url=login_url)
    assert response.status_int == 302
    target = browser_target(response.location)
    assert target.netloc in ("", "localhost", "localhost:80")
    assert target.path.startswith("/")
    assert not target.path.startswith("//")
    assert "evil.example" not in target.netloc


def test_logged_in_user_visiting_login_goes_to_the_jobs_page(as_user):
    client = as_user("alice")
    response = client.get("/login", status=302)
    assert urlsplit(response.location).path == "/jobs/"


def test_logout_by_get_is_refused_and_keeps_the_session(as_user, readable_error):
    client = as_user("alice")
    response = client.get("/logout", status="*")
    readable_error(response, 405)
    assert client.get("/jobs/").status_int == 200


def test_logout_by_post_ends_the_session(as_user, post):
    client = as_user("alice")
    response = post("/logout")
    assert response.status_int == 302
    assert urlsplit(response.location).path == "/login"
    assert "You are logged out." in response.follow().text
    assert client.get("/jobs/", status="*").status_int == 302
