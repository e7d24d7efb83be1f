"""Who sees and manages which jobs: users their own, administrators everyone's."""

from __future__ import annotations

import pytest

from models import ArchivalDescription, JobStatus, User
from tests.import_export_support import roles

__all__ = ["roles"]


@pytest.fixture
def jobs(make_job):
    """Two jobs each for alice and bob (one finished, one queued) and one started from the CLI."""
    return {
        "alice_done": make_job("alice", JobStatus.COMPLETED, info="alice done"),
        "alice_queued": make_job("alice", JobStatus.QUEUED),
        "bob_error": make_job("bob", JobStatus.ERROR, info="bob failed", output="bob-secret-output"),
        "bob_queued": make_job("bob", JobStatus.QUEUED),
        "cli": make_job(None, JobStatus.COMPLETED, info="from the command line"),
    }


def ids(*jobs) -> list[int]:
    return sorted((job.id for job in jobs), reverse=True)


def test_user_lists_only_own_jobs(as_user, jobs, jobs_table):
    as_user("alice")
    assert [row["id"] for row in jobs_table("/jobs/")] == ids(jobs["alice_done"], jobs["alice_queued"])
    assert [row["id"] for row in jobs_table("/jobs/active")] == ids(jobs["alice_queued"])


def test_admin_lists_everyones_jobs(as_user, jobs, jobs_table):
    as_user("admin")
    rows = jobs_table("/jobs/")
    assert [row["id"] for row in rows] == ids(*jobs.values())
    by_id = {row["id"]: row["User"] for row in rows}
    assert by_id[jobs["bob_error"].id] == "bob"
    assert by_id[jobs["cli"].id] == ""
    assert [row["id"] for row in jobs_table("/jobs/active")] == ids(jobs["alice_queued"], jobs["bob_queued"])


@pytest.mark.parametrize("suffix", ["", "/output", "/status.json"])
def test_user_gets_404_for_someone_elses_job_pages(as_user, jobs, suffix, readable_error):
    client = as_user("alice")
    response = client.get(f"/jobs/{jobs['bob_error'].id}{suffix}", status="*")
    readable_error(response, 404)
    assert "bob-secret-output" not in response.text


@pytest.mark.parametrize("suffix", ["", "/output", "/status.json"])
def test_admin_may_open_anyones_job(as_user, jobs, suffix):
    response = as_user("admin").get(f"/jobs/{jobs['bob_error'].id}{suffix}")
    assert response.status_int == 200
    assert "bob-secret-output" in response.text


def test_user_cannot_cancel_someone_elses_job(as_user, jobs, post, reload, readable_error):
    as_user("alice")
    readable_error(post(f"/jobs/{jobs['bob_queued'].id}/cancel"), 404)
    assert reload(jobs["bob_queued"].id).status == JobStatus.QUEUED


def test_user_cannot_retry_someone_elses_job(as_user, jobs, post, job_count, readable_error):
    as_user("alice")
    before = job_count()
    readable_error(post(f"/jobs/{jobs['bob_error'].id}/retry"), 404)
    assert job_count() == before


def test_admin_may_cancel_someone_elses_job(as_user, jobs, post, reload):
    as_user("admin")
    assert post(f"/jobs/{jobs['bob_queued'].id}/cancel").status_int == 302
    job = reload(jobs["bob_queued"].id)
    assert job.status == JobStatus.CANCELED
    assert job.info == "Canceled by admin."


def test_csv_export_of_a_user_has_only_own_rows(as_user, jobs, read_csv):
    as_user("alice")
    _, rows = read_csv()
    assert len(rows) == 2
    assert {row["jobUser"] for row in rows} == {"alice"}


def test_csv_export_of_admin_has_every_row(as_user, jobs, read_csv):
    as_user("admin")
    _, rows = read_csv()
    assert sorted(row["jobUser"] for row in rows) == ["", "alice", "alice", "bob", "bob"]
    assert "from the command line" in {row["jobInfo"] for row in rows}


def test_description_page_shows_only_own_pending_jobs(as_user, make_job, fonds, db):
    record = ArchivalDescription.by_slug(fonds)
    mine = make_job("alice", JobStatus.QUEUED, description_id=record.id)
    theirs = make_job("bob", JobStatus.QUEUED, description_id=record.id)
    page = as_user("alice").get(f"/descriptions/{fonds}")
    assert page.html.find("a", href=f"/jobs/{mine.id}") is not None
    assert page.html.find("a", href=f"/jobs/{theirs.id}") is None


# -- Issue 27: owners cancel their own jobs; roles see their tools only ----------------------------


@pytest.fixture
def staff(roles, users) -> dict[str, User]:
    """carol (contributor) and victor (viewer) beside alice, bob and admin, for make_job."""
    users.update(carol=User.by_username("carol"), victor=User.by_username("victor"))
    return users


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.RUNNING])
def test_a_contributor_cancels_her_own_job_from_its_row(staff, as_user, make_job, form_for, reload, status):
    job = make_job("carol", status, type="report")
    client = as_user("carol")
    link = client.get("/jobs/active").html.find("tr", id=f"job-{job.id}").find("a", class_="row-action")
    form_for(client.get(link["href"]), f"/jobs/{job.id}/cancel").submit().follow()
    job = reload(job.id)
    if status == JobStatus.QUEUED:
        assert (job.status, job.canceled_by) == (JobStatus.CANCELED, "carol")
    else:
        assert job.cancel_requested_at is not None


def test_a_contributor_cancels_neither_another_users_job_nor_a_type_she_may_not_create(
    staff, as_user, make_job, post, reload, readable_error
):
    bobs = make_job("bob", JobStatus.QUEUED, type="report")
    import_of_hers = make_job("carol", JobStatus.QUEUED, type="import_descriptions")  # from when she was an editor
    client = as_user("carol")
    readable_error(post(f"/jobs/{bobs.id}/cancel"), 404)
    readable_error(post(f"/jobs/{import_of_hers.id}/cancel"), 403)
    assert client.get("/jobs/active").html.find(class_="row-action") is None
    assert reload(bobs.id).status == reload(import_of_hers.id).status == JobStatus.QUEUED


def test_a_viewer_is_offered_no_tool_that_answers_not_allowed(staff, as_user, make_job):
    client = as_user("victor")
    page = client.get("/jobs/")
    assert page.html.find("nav").find("a", href="/jobs/new") is None
    assert page.html.select(".toolbar details, .toolbar a[data-confirm]") == []
    assert page.html.find(class_="empty-state").find("a", href="/jobs/new") is None
    make_job("victor", JobStatus.COMPLETED)  # from before his role changed: he may still clear it
    page = client.get("/jobs/")
    assert [a.get_text(strip=True) for a in page.html.select(".toolbar a[data-confirm]")] == ["Clear inactive jobs…"]
    assert [s.get_text(strip=True) for s in page.html.select(".toolbar summary")] == ["Ticked jobs…"]
    assert as_user("carol").get("/jobs/").html.find("nav").find("a", href="/jobs/new") is not None
