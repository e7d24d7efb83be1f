"""The Schedules page: administrators see every schedule, editors their own; Run now, pause,
resume and delete (after its confirmation) by POST with the form's csrf_token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from actors.engine import scheduling
from models import Job, Overlap, Schedule
from tests.helpers import form_posting_to


def _add(name, user, fonds):
    fields = {"record": fonds, "format": "pdf"}
    return scheduling.add(name, "finding_aid", "30 2 * * *", fields, user, Overlap.WAIT, datetime(2026, 6, 1, 12))


def _names(page) -> list[str]:
    return [row.td.get_text(strip=True) for row in page.html.select("table.schedules tbody tr")]


def test_each_sees_theirs_and_the_administrator_all(as_user, users, fonds):
    _add("Alice nightly", users["alice"], fonds)
    _add("Bob nightly", users["bob"], fonds)
    _add("Command line nightly", None, fonds)
    jobs = as_user("alice").get("/jobs/")  # reached from the Jobs page
    assert jobs.html.select_one("main .see-also a[href='/schedules/']").get_text(strip=True) == "Schedules"
    page = jobs.click(href="/schedules/")
    assert _names(page) == ["Alice nightly"]
    row = page.html.select_one("table.schedules tbody tr")
    cells = {td["data-label"]: " ".join(td.get_text(" ", strip=True).split()) for td in row.find_all("td")}
    assert cells["Next run"] == "2026-06-02 02:30:00"
    assert cells["Last run"] == "Never"
    assert cells["When (cron)"] == "30 2 * * *"
    assert cells["Job name"].startswith("Generate finding aid")
    assert _names(as_user("admin").get("/schedules/")) == ["Alice nightly", "Bob nightly", "Command line nightly"]
    bob_id = Schedule.by_name("Bob nightly").id
    assert as_user("alice").get(f"/schedules/{bob_id}/delete", status=404)  # another's: not even its name


def test_run_now_pause_resume_and_delete(as_user, db, users, fonds):
    schedule = _add("Alice nightly", users["alice"], fonds)
    client = as_user("alice")
    page = client.get("/schedules/")
    done = form_posting_to(page, f"/schedules/{schedule.id}/run").submit().follow()
    job = db.session.scalar(select(Job))
    assert (job.schedule_id, job.user_id) == (schedule.id, users["alice"].id)
    said = " ".join(done.html.select_one(".message-success").get_text(" ", strip=True).split())
    assert said.startswith(f"Launched job {job.id} (Generate finding aid).")
    last = done.html.select_one(f"#schedule-{schedule.id} td[data-label='Last run']").get_text(" ", strip=True)
    assert f"job {job.id} Queued" in " ".join(last.split())

    paused = form_posting_to(done, f"/schedules/{schedule.id}/pause").submit().follow()
    assert "Paused “Alice nightly”" in paused.text
    assert paused.html.select_one(f"#schedule-{schedule.id} td[data-label='Next run']").get_text(strip=True) == "Paused"
    resumed = form_posting_to(paused, f"/schedules/{schedule.id}/resume").submit().follow()
    db.session.expire_all()
    assert not db.session.get(Schedule, schedule.id).paused

    confirm = client.get(resumed.html.select_one(f"#schedule-{schedule.id} a[data-confirm]")["href"])
    assert confirm.html.h1.get_text(strip=True) == "Delete the schedule “Alice nightly”?"
    assert client.post(f"/schedules/{schedule.id}/delete", status=400)  # no csrf_token: refused, kept
    assert db.session.get(Schedule, schedule.id) is not None
    gone = form_posting_to(confirm, f"/schedules/{schedule.id}/delete").submit().follow()
    assert "the jobs it launched stay" in gone.text
    assert "No schedules yet." in gone.text
    db.session.expire_all()
    assert db.session.get(Job, job.id).schedule_id is None
