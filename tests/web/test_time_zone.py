"""Each user sees page dates in their own time zone; the CSV keeps the site's."""

from __future__ import annotations

from datetime import datetime

from models import JobStatus


def test_a_user_time_zone_shifts_page_dates_but_not_the_csv(as_user, make_job, db):
    make_job("alice", JobStatus.COMPLETED, created_at=datetime(2026, 1, 15, 12, 0, 0))
    client = as_user("alice")
    assert "2026-01-15 12:00:00" in client.get("/jobs/").text  # the site's time zone (UTC)
    form = client.get("/preferences/time-zone").forms["time-zone-form"]
    form["timezone"] = "Europe/Paris"
    assert "Dates are now shown in Europe/Paris." in form.submit().follow().text
    assert "2026-01-15 13:00:00" in client.get("/jobs/").text
    assert "2026-01-15 12:00:00" in client.get("/jobs/export.csv").text


def test_an_unknown_time_zone_is_refused_with_a_message(as_user, post, users, db):
    as_user("alice")
    page = post("/preferences/time-zone", {"timezone": "Mars/Olympus"})
    assert "Unknown time zone “Mars/Olympus”." in page.text
    db.session.expire_all()
    assert users["alice"].timezone is None
