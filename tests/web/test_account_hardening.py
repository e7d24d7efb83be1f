"""Accounts, security review issue 24: guesses at the current password are throttled like logins
(L6); a new password differs from the temporary one, usernames can't be empty, invisible or look
like another account's, and the temporary password is not cached (L7)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webtest import TestApp

from extensions import db
from models import User, login_failure
from models.base import utcnow
from models.user import create_user
from tests.helpers import PASSWORD, FreshContext, login

HOME = {"REMOTE_ADDR": "198.51.100.7"}
ELSEWHERE = {"REMOTE_ADDR": "203.0.113.66"}


def signed_in(app, username: str, password: str = PASSWORD, environ=HOME) -> TestApp:
    client = TestApp(FreshContext(app), extra_environ=environ)
    login(client, username, password, environ=environ)
    return client


def change_password(client: TestApp, current: str, new: str, status="*"):
    form = client.get("/account/password").forms["password-form"]
    form["current"], form["new"], form["repeat"] = current, new, new
    return form.submit(status=status)


def messages(page) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in page.html.select(".messages .message, .field-error"))


@pytest.fixture
def frozen_clock(monkeypatch) -> None:
    """No wait runs out between two requests of the test, however slow the machine."""
    now = utcnow()
    monkeypatch.setattr(login_failure, "utcnow", lambda: now)


# -- L6: guessing the current password ------------------------------------------------------


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_guesses_at_the_current_password_wait_like_failed_logins(app, users, frozen_clock):
    """A stolen session can't try passwords at full speed: after the free failures, even the
    right one is not looked at until the wait is over."""
    thief = signed_in(app, "alice")
    for n in range(3):
        assert "This is not your current password." in messages(change_password(thief, f"guess {n}", "new-pass-1"))
    refused = change_password(thief, PASSWORD, "new-pass-1")
    assert refused.status_int == 429
    assert refused.headers["Retry-After"] == "1"
    assert "Too many wrong passwords for this account from your address. Wait 1 second" in messages(refused)
    alice = User.by_username("alice")
    assert alice is not None
    assert alice.check_password(PASSWORD)  # nothing changed


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3)
def test_the_owner_elsewhere_is_not_slowed_and_a_right_password_forgets_the_failures(app, users, frozen_clock):
    thief, owner = signed_in(app, "alice", environ=ELSEWHERE), signed_in(app, "alice")
    for n in range(3):
        change_password(thief, f"guess {n}", "new-pass-1")
    assert change_password(thief, PASSWORD, "new-pass-1").status_int == 429
    done = change_password(owner, PASSWORD, "own-new-pass").follow()
    assert "Your password is changed" in messages(done)


# -- L7 (a): the temporary password is not kept -----------------------------------------------


def test_the_new_password_must_differ_from_the_temporary_one(app, users):
    create_user("dora", "temp-pass-1", temporary=True)
    dora = signed_in(app, "dora", "temp-pass-1")
    refused = change_password(dora, "temp-pass-1", "temp-pass-1", status=400)
    assert "Choose a password other than your current one." in messages(refused)
    db.session.expire_all()
    dora_now = User.by_username("dora")
    assert dora_now is not None
    assert dora_now.must_change_password
    assert dora.get("/descriptions/").status_int == 302  # still held on the password page


# -- L7 (b, c): usernames ---------------------------------------------------------------------


@pytest.fixture
def admin(app, users) -> TestApp:
    return signed_in(app, "admin")


def new_user(admin: TestApp, username: str, status="*"):
    form = admin.get("/users/new").forms["user-form"]
    form["username"], form["password"] = username, "temp-pass-1"
    return form.submit(status=status)


ONLY_SAFE = "A username may hold only letters (with or without accents), digits, dots, hyphens and underscores."


@pytest.mark.parametrize(
    ("username", "says"),
    [
        ("   ", "This field is required."),
        ("Admin", "Admin looks too much like the user admin: choose another username."),
        ("ADMIN", "ADMIN looks too much like the user admin: choose another username."),
        ("adrnin", "adrnin looks too much like the user admin: choose another username."),
        ("ädmin", "ädmin looks too much like the user admin: choose another username."),
        ("bOb", "bOb looks too much like the user bob: choose another username."),
        ("\u0430dmin", ONLY_SAFE),  # Cyrillic a
        ("ad\u200bmin", ONLY_SAFE),  # zero-width space
        ("evil\u202enimda", ONLY_SAFE),  # right-to-left override: shows as "eviladmin"
        ("\uff41dmin", ONLY_SAFE),  # fullwidth a
        ("jean luc", ONLY_SAFE),
    ],
)
def test_a_username_that_is_empty_invisible_or_like_another_is_refused(admin, username, says):
    before = db.session.query(User).count()
    page = new_user(admin, username, status=400)
    assert says in messages(page)
    assert db.session.query(User).count() == before


@pytest.mark.parametrize("username", ["dora", "jean-luc.picard", "hélène_2", "Zoé"])
def test_a_plain_username_is_accepted(admin, username):
    new_user(admin, username, status=302)
    assert User.by_username(username) is not None


# (NUL is refused before any form is read: blueprints/inputs.py)
INVISIBLE = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Co"], exclude_characters="\x00")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.sampled_from(["dora", "d"]), hidden=INVISIBLE, after=st.sampled_from(["x", "ra"]))
def test_no_invisible_control_or_bidi_character_gets_into_a_username(admin, before, hidden, after):
    """(Inside the name: spaces around it are dropped, as typed by mistake.)"""
    page = new_user(admin, f"{before}{hidden}{after}", status=400)
    assert ONLY_SAFE in messages(page)


# -- L7 (d): the temporary password page ------------------------------------------------------


def test_the_temporary_password_page_is_not_stored_by_the_browser(app, users):
    admin = signed_in(app, "admin")
    confirm = admin.get(f"/users/{users['alice'].id}/reset-password")
    action = f"/users/{users['alice'].id}/reset-password"
    shown = next(f for f in confirm.forms.values() if f.action == action).submit()
    assert shown.html.find(id="temporary-password") is not None
    assert shown.headers["Cache-Control"] == "no-store"
