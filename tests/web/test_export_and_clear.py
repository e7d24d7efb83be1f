"""Export history CSV and "Clear inactive jobs"."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from models import JobStatus
from models.user import create_user

HEADER = "startDate,endDate,jobName,jobStatus,jobInfo,jobUser"


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_header_is_exactly_the_contract(as_user, read_csv):
    as_user("alice")
    header, rows = read_csv()
    assert header == HEADER
    assert rows == []


def test_csv_is_a_download(as_user):
    response = as_user("alice").get("/jobs/export.csv")
    assert response.content_type == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert ".csv" in response.headers["Content-Disposition"]


def test_csv_rows_use_contract_dates_labels_and_statuses(as_user, make_job, read_csv):
    make_job(
        "alice",
        JobStatus.COMPLETED,
        created_at=datetime(2026, 11, 23, 16, 5, 1),
        finished_at=datetime(2026, 11, 23, 16, 9, 30),
        info="Finding aid generated (PDF).",
    )
    for n, status in enumerate((JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.ERROR, JobStatus.CANCELED)):
        make_job("alice", status, created_at=datetime(2026, 11, 24, 9, 0, n))
    as_user("alice")
    _, rows = read_csv()
    assert [row["jobStatus"] for row in rows] == ["Canceled", "Error", "Running", "Queued", "Completed"]
    completed = rows[-1]
    assert completed == {
        "startDate": "2026-11-23 16:05:01",
        "endDate": "2026-11-23 16:09:30",
        "jobName": "Generate finding aid",
        "jobStatus": "Completed",
        "jobInfo": "Finding aid generated (PDF).",
        "jobUser": "alice",
    }
    assert rows[2]["endDate"] == rows[3]["endDate"] == ""  # running, queued
    assert rows[0]["endDate"]
    assert rows[1]["endDate"]
    assert {row["jobName"] for row in rows} == {"Generate finding aid"}


def test_csv_leaves_user_empty_for_a_job_started_from_the_cli(as_user, make_job, read_csv):
    make_job(None, JobStatus.COMPLETED)
    as_user("admin")
    _, (row,) = read_csv()
    assert row["jobUser"] == ""


@pytest.mark.parametrize("dangerous", ["=cmd|' /C calc'!A0", "+1", "@x", "-2+3", '=HYPERLINK("http://x")'])
def test_csv_neutralizes_formula_cells(as_user, make_job, read_csv, dangerous):
    make_job("alice", JobStatus.ERROR, info=dangerous)
    as_user("alice")
    _, (row,) = read_csv()
    assert row["jobInfo"] == "'" + dangerous


def test_csv_neutralizes_a_formula_username(make_job, read_csv, password, db, as_user):
    evil = create_user("=evil", password)
    job = make_job("alice", JobStatus.COMPLETED, info="plain text, with a comma")
    job.user_id = evil.id
    db.session.commit()
    as_user("admin")
    _, (row,) = read_csv()
    assert row["jobUser"] == "'=evil"
    assert row["jobInfo"] == "plain text, with a comma"


# -- Clear inactive jobs ------------------------------------------------------------------------


@pytest.fixture
def mixed(make_job, instance_dir, db):
    """Jobs of every status for alice, plus bob's and admin's finished jobs; each with an output file."""

    def with_file(username, status):
        job = make_job(username, status, output="text")
        path = instance_dir / "job-output" / f"{job.id}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("text")
        job.output_path = str(path)
        db.session.commit()
        return SimpleNamespace(id=job.id, path=path)  # plain values: the row may be deleted

    jobs = {status: with_file("alice", status) for status in JobStatus}
    jobs["bob"] = with_file("bob", JobStatus.COMPLETED)
    jobs["admin"] = with_file("admin", JobStatus.ERROR)
    return jobs


def flash_text(page) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in page.html.select(".messages .message"))


def test_clear_removes_only_own_inactive_jobs_and_their_files(as_user, mixed, job_ids, form_for):
    client = as_user("alice")
    confirm = client.get(client.get("/jobs/").html.find("a", href="/jobs/clear")["href"])
    page = form_for(confirm, "/jobs/clear").submit().follow()
    assert "Cleared 3 inactive jobs." in flash_text(page)
    cleared = [mixed[s] for s in JobStatus.inactive()]
    kept = [mixed[JobStatus.QUEUED], mixed[JobStatus.RUNNING], mixed["bob"], mixed["admin"]]
    assert job_ids() == {job.id for job in kept}
    assert not any(f"job {job.id}" in page.text for job in cleared)
    assert not any(job.path.exists() for job in cleared)
    assert all(job.path.exists() for job in kept)


def test_clear_again_says_there_is_nothing_to_clear(as_user, mixed, post):
    as_user("alice")
    assert "Cleared 3 inactive jobs." in flash_text(post("/jobs/clear").follow())
    assert "There are no inactive jobs of yours to clear." in flash_text(post("/jobs/clear").follow())


def test_admin_clears_only_own_jobs(as_user, mixed, post, job_ids):
    as_user("admin")
    assert "Cleared 1 inactive job." in flash_text(post("/jobs/clear").follow())
    assert mixed["admin"].id not in job_ids()
    assert {mixed["bob"].id, mixed[JobStatus.COMPLETED].id} <= job_ids()
    assert len(job_ids()) == 6


def test_clear_asks_first_and_names_what_will_go(as_user, mixed, job_ids, make_job):
    """One stray click destroys nothing: the Jobs page links to a confirmation that says how many
    jobs of yours go, with their output and files, and names them."""
    client = as_user("alice")
    jobs_page = client.get("/jobs/")
    assert not any(form.action.endswith("/jobs/clear") for form in jobs_page.forms.values())
    before = job_ids()
    confirm = client.get("/jobs/clear")
    assert job_ids() == before  # looking is not clearing
    text = " ".join(confirm.html.find(id="bulk-count").get_text(" ", strip=True).split())
    assert text == "This deletes 3 inactive jobs of yours, with their output and files."
    named = {int(a.get_text(strip=True)[1:]) for a in confirm.html.select(".job-preview a")}
    assert named == {mixed[s].id for s in JobStatus.inactive()}


def test_clear_confirmed_leaves_jobs_ended_after_the_confirmation(as_user, mixed, job_ids, make_job, form_for):
    client = as_user("alice")
    confirm = client.get("/jobs/clear")
    later = make_job("alice", JobStatus.COMPLETED).id  # ended after the page was shown
    assert "Cleared 3 inactive jobs." in flash_text(form_for(confirm, "/jobs/clear").submit().follow())
    assert later in job_ids()


@pytest.mark.app_config(JOBS_PER_PAGE=50)
def test_a_long_confirmation_names_twenty_and_counts_the_rest(as_user, make_job):
    for _ in range(23):
        make_job("alice", JobStatus.ERROR)
    confirm = as_user("alice").get("/jobs/clear")
    assert len(confirm.html.select(".job-preview li")) == 20
    assert "… and 3 more." in confirm.text
