"""Users in the browser: administrators create accounts, deactivate and reactivate them, reset
passwords to temporary ones; everyone changes their own password."""

from __future__ import annotations

import pytest
from webtest import TestApp

from extensions import db
from models import Role, User
from tests.helpers import PASSWORD, FreshContext, login


def signed_in(app, username: str, password: str = PASSWORD) -> TestApp:
    client = TestApp(FreshContext(app))
    login(client, username, password)
    return client


def messages(page) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in page.html.select(".messages .message, .field-error"))


def change_password(client, current: str, new: str, repeat: str | None = None, status=None):
    form = client.get("/account/password").forms["password-form"]
    form["current"], form["new"], form["repeat"] = current, new, repeat or new
    return form.submit(status=status)


def test_an_administrator_creates_a_user_who_chooses_a_password_at_first_login(app, users):
    admin = signed_in(app, "admin")
    form = admin.get("/users/").click("New user").forms["user-form"]
    form["username"], form["email"], form["role"], form["password"] = (
        " dora ",
        "dora@example.org",
        "viewer",
        "temp-pass-1",
    )
    page = form.submit().follow()
    assert "dora is created" in messages(page)
    dora = User.by_username("dora")
    assert (dora.role, dora.email, dora.must_change_password) == (Role.VIEWER, "dora@example.org", True)

    client = TestApp(FreshContext(app))
    landing = login(client, "dora", "temp-pass-1").follow()
    assert landing.request.path == "/jobs/"
    forced = landing.follow()
    assert forced.request.path == "/account/password"
    assert messages(forced) == "Welcome! Choose your own password to finish setting up your account."
    assert client.get("/descriptions/").status_int == 302  # nothing else until it is changed
    client.post("/logout", {"csrf_token": forced.html.find("input", {"name": "csrf_token"})["value"]})
    again = login(client, "dora", "temp-pass-1").follow().follow()  # (a logout ends nothing of it)
    assert messages(again) == "Welcome! Choose your own password to finish setting up your account."
    done = change_password(client, "temp-pass-1", "dora-own-pass").follow()
    assert done.request.path == "/jobs/"
    assert "Your password is changed" in messages(done)
    assert client.get("/descriptions/").status_int == 200  # and this session goes on
    db.session.expire_all()
    assert not User.by_username("dora").must_change_password


@pytest.mark.parametrize(
    ("username", "email", "password", "says"),
    [
        ("alice", "", "long-enough", "There is already a user alice."),
        ("erin", "not-an-address", "long-enough", "An address like name@example.org."),
        ("erin", "", "short", "At least 8 characters."),
        ("", "", "long-enough", "This field is required."),
    ],
)
def test_a_bad_new_user_is_refused_with_a_message_and_the_form(app, users, username, email, password, says):
    admin = signed_in(app, "admin")
    form = admin.get("/users/new").forms["user-form"]
    form["username"], form["email"], form["password"] = username, email, password
    page = form.submit(status=400)
    assert says in messages(page)
    assert page.forms["user-form"]["username"].value == username.strip()  # what was typed stays
    assert User.by_username("erin") is None


def test_deactivation_on_the_users_page_ends_the_sessions_and_reactivation_undoes_it(app, users):
    alice = signed_in(app, "alice")
    admin = signed_in(app, "admin")
    page = admin.get("/users/")
    forms = [f for f in page.forms.values() if f.action == f"/users/{users['alice'].id}/active"]
    assert "deactivated" in messages(forms[0].submit().follow())
    assert alice.get("/jobs/").status_int == 302  # logged out
    assert "Unknown username or wrong password." in login(TestApp(FreshContext(app)), "alice").text
    page = admin.get("/users/")
    reactivate = next(f for f in page.forms.values() if f.action == f"/users/{users['alice'].id}/active")
    assert reactivate["active"].value == "1"
    reactivate.submit()
    assert login(TestApp(FreshContext(app)), "alice").status_int == 302


def test_an_administrator_cannot_deactivate_themselves(app, users):
    admin = signed_in(app, "admin")
    page = admin.get("/users/")
    assert not any(f.action == f"/users/{users['admin'].id}/active" for f in page.forms.values())
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    result = admin.post(f"/users/{users['admin'].id}/active", {"csrf_token": token, "active": "0"}).follow()
    assert "You cannot deactivate your own account" in messages(result)
    assert User.by_username("admin").active


def test_a_reset_asks_first_then_shows_a_temporary_password_once(app, users):
    alice = signed_in(app, "alice")
    admin = signed_in(app, "admin")
    confirm = admin.get("/users/").click(href=f"/users/{users['alice'].id}/reset-password")
    assert alice.get("/jobs/").status_int == 200  # looking at the confirmation changes nothing
    action = f"/users/{users['alice'].id}/reset-password"
    shown = next(f for f in confirm.forms.values() if f.action == action).submit()
    temporary = shown.html.find(id="temporary-password").get_text(strip=True)
    assert len(temporary) >= 12
    assert alice.get("/jobs/").status_int == 302  # every session of hers ended
    fresh = TestApp(FreshContext(app))
    assert "Unknown username or wrong password." in login(fresh, "alice", PASSWORD).text
    forced = login(fresh, "alice", temporary).follow().follow()
    assert forced.request.path == "/account/password"
    assert messages(forced) == "Your password was reset: choose a new one to go on."


def test_changing_my_password_checks_the_current_one_and_ends_my_other_sessions(app, users):
    laptop, phone = signed_in(app, "alice"), signed_in(app, "alice")
    assert "This is not your current password." in messages(change_password(laptop, "wrong", "new-pass-1", status=400))
    assert "The two do not match." in messages(change_password(laptop, PASSWORD, "new-pass-1", "new-pass-2", 400))
    change_password(laptop, PASSWORD, "new-pass-1").follow()
    assert laptop.get("/jobs/").status_int == 200
    assert phone.get("/jobs/").status_int == 302
    assert login(TestApp(FreshContext(app)), "alice", "new-pass-1").status_int == 302


def test_the_cli_resets_to_a_temporary_password(app, users):
    result = app.test_cli_runner().invoke(
        args=["users", "reset-password", "bob", "--password", "temp-pass-9", "--temporary"]
    )
    assert result.exit_code == 0
    client = TestApp(FreshContext(app))
    assert login(client, "bob", "temp-pass-9").follow().follow().request.path == "/account/password"
