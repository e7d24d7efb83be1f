"""Notices in the browser: the header's unread count, /notifications newest first with each job's
number, type, record and result, read once seen, "Mark all read"; My settings' e-mail choice."""

from __future__ import annotations

import pytest

from actors.engine import lifecycle
from models import ArchivalDescription as D
from models import JobStatus, User
from models.user import NotifyOn


def header_count(page) -> str | None:
    badge = page.html.select_one(".site-header .notices-link .badge")
    return badge.get_text(strip=True) if badge else None


@pytest.fixture
def ended(make_job, db, fonds):
    """Two of alice's jobs ended (an error on the fonds, then a completion), a cancel of one of
    bob's by alice (bob's notice)."""
    record = D.by_slug(fonds)
    failed = make_job("alice", JobStatus.QUEUED, type="finding_aid", description_id=record.id)
    done = make_job("alice", JobStatus.QUEUED, type="report")
    lifecycle.kill(failed.id)
    lifecycle.cancel([done.id], "bob")
    return failed, done, record


def test_the_header_counts_unread_notices_and_the_page_lists_them_newest_first(as_user, ended):
    failed, done, record = ended
    client = as_user("alice")
    assert header_count(client.get("/jobs/")) == "2"
    page = client.get("/notifications")
    items = page.html.select("li.notice")
    assert [i.select_one("a").get_text(strip=True) for i in items] == [f"#{done.id}", f"#{failed.id}"]
    text = items[1].get_text(" ", strip=True)
    assert f"Error #{failed.id} Generate finding aid: {record.title}" in text
    assert "Killed by administrator." in text
    assert items[1].select_one("a")["href"] == f"/jobs/{failed.id}"
    assert "Canceled by someone else" in items[0].get_text(" ", strip=True)
    assert len(page.html.select("li.notice.unread")) == 2  # new on this page...
    assert header_count(client.get("/jobs/")) is None  # ...read from then on
    assert not client.get("/notifications").html.select("li.notice.unread")


def test_each_user_sees_only_their_own_notices(as_user, ended):
    client = as_user("bob")
    assert header_count(client.get("/jobs/")) is None  # (bob canceled alice's job: alice is told, not bob)
    assert client.get("/notifications").html.select("li.notice") == []


def test_the_page_marks_read_what_it_shows_and_mark_all_read_the_rest(as_user, ended, make_job, form_for, monkeypatch):
    monkeypatch.setattr("blueprints.notifications.SHOWN", 1)  # (the page lists the newest only)
    client = as_user("alice")
    page = client.get("/notifications")
    assert len(page.html.select("li.notice.unread")) == 1
    assert header_count(client.get("/jobs/")) == "1"  # the older one, not shown, is still unread
    third = make_job("alice", JobStatus.QUEUED)
    lifecycle.kill(third.id)
    assert header_count(client.get("/jobs/")) == "2"
    page = form_for(client.get("/notifications"), "/notifications/read").submit().follow()  # (shows the third)
    assert "1 notice marked read." in page.text  # the one never shown
    assert header_count(page) is None


def test_my_settings_saves_which_endings_e_mail_me(as_user, users, form_for, db):
    client = as_user("alice")
    page = client.get("/jobs/")
    page = page.click(href="/account/settings")
    assert page.html.find(id="mail-off")  # no MAIL_SERVER in the tests: in the app only, and it says so
    form = page.forms["settings-form"]
    assert form["notify_on"].value == "errors"  # the default
    form["notify_on"] = "all"
    page = form.submit().follow()
    assert "Your settings are saved." in page.text
    db.session.expire_all()
    assert User.by_username("alice").notify_on == NotifyOn.ALL
    assert page.forms["settings-form"]["notify_on"].value == "all"


@pytest.mark.app_config(MAIL_SERVER="smtp.example.org")
def test_my_settings_says_where_e_mails_go_or_that_i_have_no_address(as_user, users, db):
    page = as_user("alice").get("/account/settings")
    assert page.html.find(id="no-address")
    users["alice"].email = "alice@example.org"
    db.session.commit()
    page = as_user("alice").get("/account/settings")
    assert "E-mails go to alice@example.org." in page.text
