"""Export history CSV and "Clear inactive jobs"."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from models import JobStatus
from models.user import create_user

ATOM_HEADER = "startDate,endDate,jobName,jobStatus,jobInfo,jobUser"  # the contract: AtoM's six, first


# -- CSV ----------------------------------------------------------------------------------------


def test_csv_header_is_atoms_six_then_the_job_number(as_user, read_csv):
    as_user("alice")
    header, rows = read_csv()
    assert header == ATOM_HEADER + ",jobId"
    assert rows == []


def test_a_csv_row_matches_its_job_number_on_the_jobs_page(as_user, make_job, read_csv):
    """Issue 27: "#12" on the page is 12 in the jobId column, after AtoM's six."""
    job = make_job("alice", JobStatus.ERROR, info="disk full")
    page = as_user("alice").get("/jobs/")
    number = page.html.find("tr", id=f"job-{job.id}").find("a", href=f"/jobs/{job.id}").get_text(strip=True)
    _, (row,) = read_csv()
    assert number == "#" + row["jobId"]
    assert list(row)[:6] == ATOM_HEADER.split(",")


def test_csv_is_a_download(as_user):
    response = as_user("alice").get("/jobs/export.csv")
    assert response.content_type == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert ".csv" in response.headers["Content-Disposition"]


def test_csv_rows_use_contract_dates_labels_and_statuses(as_user, make_job, read_csv):
    first = make_job(
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
        "jobId": str(first.id),
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
    page = form_for(confirm, "/jobs/bulk/clear").submit().follow()
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
    assert text == "This deletes 3 inactive jobs of yours, with their output, their files and their Undo."
    named = {int(a.get_text(strip=True)[1:]) for a in confirm.html.select(".job-preview a")}
    assert named == {mixed[s].id for s in JobStatus.inactive()}


def test_clear_confirmed_leaves_jobs_ended_after_the_confirmation(as_user, mixed, job_ids, make_job, form_for):
    client = as_user("alice")
    confirm = client.get("/jobs/clear")
    later = make_job("alice", JobStatus.COMPLETED).id  # ended after the page was shown
    assert "Cleared 3 inactive jobs." in flash_text(form_for(confirm, "/jobs/bulk/clear").submit().follow())
    assert later in job_ids()


@pytest.mark.app_config(JOBS_PER_PAGE=50)
def test_a_long_confirmation_names_five_and_counts_the_rest(as_user, make_job):
    """A short list, then "and N more": the dialog's buttons stay on screen (issue 27)."""
    for _ in range(23):
        make_job("alice", JobStatus.ERROR)
    confirm = as_user("alice").get("/jobs/clear")
    assert len(confirm.html.select(".job-preview li")) == 5
    assert "… and 18 more." in confirm.text
    actions = confirm.html.select_one("[data-confirmation] .confirm-actions")
    assert [b.get_text(strip=True) for b in actions.select("button")] == ["Clear 23 jobs"]
    assert actions.find("a", attrs={"data-dismiss": True}).get_text(strip=True) == "Back to the jobs"


def test_the_one_clear_says_whose_jobs_it_deletes_and_deletes_them(as_user, mixed, job_ids, form_for):
    """Issue 27: an administrator's one "Clear inactive jobs…" reaches everyone's inactive jobs and
    says whose ("5 inactive jobs, 3 of them alice's, 1 of them bob's"); there is no second clear."""
    client = as_user("admin")
    jobs_page = client.get("/jobs/")
    clears = [a for a in jobs_page.html.select(".toolbar a") if a.get_text(strip=True).startswith("Clear")]
    assert [(a["href"], a.get_text(strip=True)) for a in clears] == [("/jobs/clear", "Clear inactive jobs…")]
    confirm = client.get("/jobs/clear")
    text = " ".join(confirm.html.find(id="bulk-count").get_text(" ", strip=True).split())
    assert text == (
        "This deletes 5 inactive jobs, 3 of them alice's, 1 of them bob's, "
        "with their output, their files and their Undo."
    )
    assert "Cleared 5 inactive jobs." in flash_text(form_for(confirm, "/jobs/bulk/clear").submit().follow())
    assert job_ids() == {mixed[JobStatus.QUEUED].id, mixed[JobStatus.RUNNING].id}


def test_clear_names_a_user_whose_jobs_are_all_it_deletes(as_user, make_job):
    make_job("bob", JobStatus.COMPLETED)
    make_job("bob", JobStatus.ERROR)
    text = as_user("admin").get("/jobs/clear").html.find(id="bulk-count").get_text(" ", strip=True)
    assert " ".join(text.split()).startswith("This deletes 2 inactive jobs, all of them bob's, with")
