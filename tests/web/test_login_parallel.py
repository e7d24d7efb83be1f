"""Guesses sent all at once (security review, issue 24 L11): of 48 parallel wrong passwords from
one address, 8 were checked instead of LOGIN_MAX_FAILURES (5), as each request counted the
failures before any of them was recorded. A try is now claimed before its password is checked."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from models import login_failure
from models.base import utcnow
from models.user import create_user

GUESSES, THREADS = 48, 12
WRONG = "Unknown username or wrong password."
BOTH_DATABASES = pytest.mark.parametrize(
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
# A slow hash (it lets other threads run, as scrypt does) keeps each check open long enough for
# the others to arrive; CSRF is off: each thread is a bare client.
PARALLEL = pytest.mark.app_config(
    LOGIN_MAX_FAILURES=5, WTF_CSRF_ENABLED=False, PASSWORD_HASH_METHOD="pbkdf2:sha256:200000"
)


@pytest.fixture
def frozen_clock(monkeypatch) -> None:
    """The throttle's clock stands still: no wait runs out while the guesses are answered, so
    every one past the free ones must be refused, however long the machine takes."""
    now = utcnow()
    monkeypatch.setattr(login_failure, "utcnow", lambda: now)


def guess(app: Flask, password: str) -> tuple[int, str]:
    client = app.test_client()
    response = client.post(
        "/login",
        data={"username": "alice", "password": password},
        environ_base={"REMOTE_ADDR": "203.0.113.66"},
    )
    return response.status_code, response.get_data(as_text=True)


def guess_in_parallel(app: Flask, passwords: list[str]) -> list[tuple[int, str]]:
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(lambda password: guess(app, password), passwords))


@BOTH_DATABASES
@PARALLEL
def test_parallel_guesses_are_checked_no_more_than_the_free_failures(app, frozen_clock):
    create_user("alice", "the real password")
    answers = guess_in_parallel(app, [f"guess {n}" for n in range(GUESSES)])
    checked = [status for status, text in answers if WRONG in text]
    refused = [status for status, text in answers if "Too many failed logins" in text]
    assert len(checked) <= 5, f"{len(checked)} guesses were checked"
    assert set(checked) <= {200}
    assert set(refused) == {429}
    assert len(checked) + len(refused) == GUESSES


@BOTH_DATABASES
@PARALLEL
def test_the_right_password_among_parallel_guesses_is_refused_once_the_free_ones_are_used(app, frozen_clock):
    """Whatever order they arrive in, nothing past the free tries reaches the password check."""
    create_user("alice", "the real password")
    answers = guess_in_parallel(app, [f"guess {n}" for n in range(GUESSES - 1)] + ["the real password"])
    logged_in = sum(status == 302 for status, _ in answers)
    checked = sum(WRONG in text for _, text in answers)
    assert logged_in + checked <= 5
