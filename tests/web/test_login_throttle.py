"""Login throttling that can't be turned against users (security review F2): growing delays per
(account, address), no lock of the account, an administrator's unlock, the real client address
behind trusted proxies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from extensions import db
from models import LoginFailure
from tests.helpers import PASSWORD, login

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
throttled = pytest.mark.app_config(LOGIN_MAX_FAILURES=3, LOGIN_MAX_DELAY_SECONDS=300)


def fail(testapp, times: int, environ=ATTACKER, username: str = "admin") -> None:
    for _ in range(times):
        assert "Unknown username or wrong password." in login(testapp, username, "wrong", environ=environ).text


def age_failures(seconds: float) -> None:
    """As if the failures happened ``seconds`` earlier (the test does not sleep through the delays)."""
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at -= timedelta(seconds=seconds)
    db.session.commit()


def failures() -> int:
    return db.session.scalar(select(func.count()).select_from(LoginFailure))


@throttled
def test_an_attacker_slows_down_only_their_own_address(testapp, users):
    fail(testapp, 3)
    refused = login(testapp, "admin", PASSWORD, status=429, environ=ATTACKER)
    assert "Wait 1 second and try again." in refused.text
    assert refused.headers["Retry-After"] == "1"
    testapp.reset()
    assert login(testapp, "admin", environ=OWNER).status_int == 302  # the administrator is not locked out


@throttled
def test_each_further_failure_doubles_the_wait_and_a_waited_try_is_heard(testapp, users):
    fail(testapp, 3)
    for expected in (1, 2, 4, 8):
        refused = login(testapp, "admin", "wrong", status=429, environ=ATTACKER)
        assert refused.headers["Retry-After"] == str(expected)
        age_failures(expected)
        fail(testapp, 1)
    age_failures(16)
    assert login(testapp, "admin", environ=ATTACKER).status_int == 302


@throttled
def test_a_try_too_early_is_not_checked_nor_counted(testapp, users):
    fail(testapp, 3)
    # The wait (1 s) runs from the last failure: put a minute ahead, no busy machine gets to its end
    # during the five tries (it once did, and a try was heard).
    age_failures(-60)
    before = failures()
    for _ in range(5):
        login(testapp, "admin", PASSWORD, status=429, environ=ATTACKER)
    assert failures() == before


@pytest.mark.app_config(LOGIN_MAX_FAILURES=2, LOGIN_MAX_DELAY_SECONDS=300)
def test_one_address_trying_many_accounts_is_slowed_after_ten_times_more(testapp, users, app):
    from models.user import create_user

    for n in range(20):
        create_user(f"u{n}", PASSWORD)
        fail(testapp, 1, username=f"u{n}")
    refused = login(testapp, "alice", PASSWORD, status=429, environ=ATTACKER)
    assert "Too many failed logins" in refused.text
    assert login(testapp, "alice", environ=OWNER).status_int == 302


@throttled
def test_the_delay_stops_growing_at_its_maximum(testapp, users, app):
    app.config["LOGIN_MAX_DELAY_SECONDS"] = 5
    for _ in range(12):
        age_failures(6)  # past the longest delay (5 s), well within the remembered 15 minutes
        fail(testapp, 1)
    assert login(testapp, "admin", status=429, environ=ATTACKER).headers["Retry-After"] == "5"


@throttled
def test_failures_are_forgotten_after_the_window(testapp, users):
    fail(testapp, 3)
    age_failures(16 * 60)
    assert login(testapp, "admin", environ=ATTACKER).status_int == 302


@throttled
def test_an_administrator_unlocks_on_the_users_page(testapp, users, as_user):
    fail(testapp, 3, username="alice")
    login(testapp, "alice", PASSWORD, status=429, environ=ATTACKER)
    page = as_user("admin").get("/users/")
    row = page.html.find("td", string="alice").find_parent("tr")
    assert row.find_all("td")[-2].get_text(" ", strip=True).startswith("3")  # (Failed logins)
    unlock = next(f for f in page.forms.values() if f.action.endswith(f"/{users['alice'].id}/unlock"))
    done = unlock.submit().follow()
    assert "alice can log in again without waiting." in done.text
    testapp.reset()
    assert login(testapp, "alice", environ=ATTACKER).status_int == 302


@throttled
def test_only_administrators_unlock(testapp, users, as_user):
    fail(testapp, 3, username="bob")
    app = as_user("alice")
    token = app.get("/jobs/").html.find("input", {"name": "csrf_token"})["value"]
    app.post(f"/users/{users['bob'].id}/unlock", {"csrf_token": token}, status=403)
    assert failures() == 3


@throttled
def test_flask_users_unlock(app, testapp, users):
    fail(testapp, 3)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "unlock", "admin"])
    assert result.exit_code == 0
    assert "admin can log in again without waiting (3 recent" in result.output
    assert login(testapp, "admin", environ=ATTACKER).status_int == 302
    assert runner.invoke(args=["users", "unlock", "nobody"]).exit_code == 1


@throttled
def test_without_trusted_proxies_a_forwarded_address_is_ignored(testapp, users):
    fail(testapp, 3, environ={**ATTACKER, "HTTP_X_FORWARDED_FOR": "192.0.2.1"})
    spoofed = {**ATTACKER, "HTTP_X_FORWARDED_FOR": "192.0.2.2"}  # a new claim does not escape the wait
    login(testapp, "admin", PASSWORD, status=429, environ=spoofed)


@pytest.mark.app_config(LOGIN_MAX_FAILURES=3, TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_each_client_has_its_own_address(testapp, users):
    proxy = {"REMOTE_ADDR": "127.0.0.1"}  # nginx: every request comes from it
    attacker = {**proxy, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    fail(testapp, 3, environ=attacker)
    login(testapp, "admin", PASSWORD, status=429, environ=attacker)
    testapp.reset()
    assert login(testapp, "admin", environ={**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}).status_int == 302
    assert set(db.session.scalars(select(LoginFailure.ip))) == {"203.0.113.66"}
