"""Sessions end for real (security review F9): logout, a password change and deactivation end
every session of that user, on every device; a copied cookie is worth nothing afterwards."""

from __future__ import annotations

import pytest
from webtest import TestApp

from extensions import db
from models import User
from tests.helpers import FreshContext, login


def signed_in(app, username: str) -> TestApp:
    client = TestApp(FreshContext(app))
    login(client, username).follow()
    return client


def is_signed_in(client: TestApp) -> bool:
    response = client.get("/jobs/")
    return response.status_int == 200


def cookie_copy(client: TestApp) -> dict[str, str]:
    return dict(client.cookies)


def with_cookies(app, cookies: dict[str, str]) -> TestApp:
    client = TestApp(FreshContext(app))
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def log_out(client: TestApp) -> None:
    page = client.get("/jobs/")
    page.forms["logout-form"].submit().follow()


def test_a_cookie_copied_before_logout_is_refused_after_it(app, users):
    client = signed_in(app, "alice")
    stolen = cookie_copy(client)
    log_out(client)
    thief = with_cookies(app, stolen)
    assert thief.get("/jobs/").status_int == 302  # to the login page
    assert "/login" in thief.get("/jobs/").headers["Location"]


def test_logout_ends_the_sessions_on_every_device(app, users):
    laptop, phone = signed_in(app, "alice"), signed_in(app, "alice")
    bob = signed_in(app, "bob")
    log_out(laptop)
    assert not is_signed_in(phone)
    assert is_signed_in(bob)  # other users keep theirs


def test_a_password_reset_ends_every_session_and_the_new_password_works(app, users):
    client = signed_in(app, "alice")
    result = app.test_cli_runner().invoke(args=["users", "reset-password", "alice", "--password", "n3w-pass"])
    assert result.exit_code == 0
    assert "their sessions have ended" in result.output
    assert not is_signed_in(client)
    fresh = TestApp(FreshContext(app))
    assert login(fresh, "alice", "n3w-pass").status_int == 302


def test_deactivation_ends_every_session_and_refuses_logins(app, users):
    client = signed_in(app, "alice")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "deactivate", "alice"]).exit_code == 0
    assert not is_signed_in(client)
    fresh = TestApp(FreshContext(app))
    assert "Unknown username or wrong password." in login(fresh, "alice").text
    assert runner.invoke(args=["users", "reactivate", "alice"]).exit_code == 0
    assert login(fresh, "alice").status_int == 302
    assert runner.invoke(args=["users", "deactivate", "nobody"]).exit_code == 1


def test_an_account_deactivated_in_the_database_loses_its_session_at_once(app, users):
    """Even without the CLI (Flask-Login itself checks is_active only at login)."""
    client = signed_in(app, "alice")
    db.session.get(User, users["alice"].id).active = False
    db.session.commit()
    assert not is_signed_in(client)


@pytest.mark.parametrize("session_id", ["1", "1.x", "x.0", "99999999999999999999999.0", "", "1.0.0"])
def test_a_cookie_of_the_old_format_or_forged_is_just_logged_out(app, users, session_id):
    """Cookies from before session versions held the bare id: their holders log in again."""
    serializer = app.session_interface.get_signing_serializer(app)
    client = with_cookies(app, {app.config["SESSION_COOKIE_NAME"]: serializer.dumps({"_user_id": session_id})})
    response = client.get("/jobs/")
    assert response.status_int == 302
    assert "/login" in response.headers["Location"]
