"""A job a schedule launched says so: "Launched by schedule NAME" on its page, a "scheduled"
mark on its row of the Jobs page; a job launched by hand has neither."""

from __future__ import annotations

from datetime import datetime

from actors.engine import scheduling
from actors.engine.worker.scheduler import run_due_schedules
from models import JobStatus, Overlap
from tests.helpers import table_rows
from tests.web.test_job_details import fields_of


def test_a_scheduled_job_names_its_schedule(as_user, users, fonds, make_job):
    fields = {"record": fonds, "format": "pdf"}
    schedule = scheduling.add("Nightly fonds PDF", "finding_aid", "0 3 * * *", fields, users["alice"], Overlap.WAIT,
                              datetime(2026, 6, 1, 12))  # fmt: skip
    assert run_due_schedules(schedule.next_run_at) == 1
    by_hand = make_job("alice", JobStatus.COMPLETED)
    client = as_user("alice")

    page = client.get("/jobs/")
    marks = {row.get("id"): row.select_one(".scheduled-mark") for row in page.html.select("tr[id^=job-]")}
    scheduled_id = next(key for key, mark in marks.items() if mark is not None)
    assert marks[scheduled_id].get_text(strip=True) == "scheduled"
    assert marks[f"job-{by_hand.id}"] is None
    assert any("scheduled" in row["Job name"] for row in table_rows(page))

    details = fields_of(client.get(f"/jobs/{scheduled_id.removeprefix('job-')}"))
    assert details["Launched by"] == "schedule Nightly fonds PDF 0 3 * * *"
    assert "Launched by" not in fields_of(client.get(f"/jobs/{by_hand.id}"))
