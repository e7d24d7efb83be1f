"""Cancel a queued job; retry a failed or canceled one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import ArchivalDescription, Job, JobStatus

pytestmark = pytest.mark.test_jobs


def flash_text(page) -> str:
    return " ".join(p.get_text(" ", strip=True) for p in page.html.select(".messages .message"))


def test_cancel_button_cancels_a_queued_job_which_never_runs(
    as_user, launch_job, form_for, start_worker, reload, probe
):
    job = launch_job("test_count", "alice")
    client = as_user("alice")
    page = form_for(client.get(f"/jobs/{job.id}/cancel"), f"/jobs/{job.id}/cancel").submit().follow()
    assert page.request.path == f"/jobs/{job.id}"
    assert f"Job {job.id} was canceled; it will not run." in flash_text(page)
    assert page.html.find(id="job-status").get_text(strip=True) == "Canceled"
    start_worker()
    job = reload(job.id)
    assert job.status == JobStatus.CANCELED
    assert job.info == "Canceled by alice."
    assert job.finished_at is not None
    assert probe.runs[job.id] == 0


@pytest.mark.parametrize("status", [JobStatus.COMPLETED, JobStatus.ERROR, JobStatus.CANCELED])
def test_cancel_of_an_ended_job_changes_nothing(as_user, make_job, post, reload, status):
    job = make_job("alice", status, info="as it was")
    as_user("alice")
    page = post(f"/jobs/{job.id}/cancel").follow()
    assert f"Job {job.id} has already ended ({status.label})." in flash_text(page)
    job = reload(job.id)
    assert (job.status, job.info) == (status, "as it was")


def test_cancel_of_a_running_job_stops_it_at_its_next_checkpoint(as_user, launch_job, post, run_jobs, reload, poll):
    job = launch_job("test_cancelable", "alice")
    client = as_user("alice")
    poll(
        lambda: "working" in client.get(f"/jobs/{job.id}/status.json").json["output"],
        timeout=5,
        what="the job to start",
    )
    page = post(f"/jobs/{job.id}/cancel").follow()
    assert f"Cancel requested: job {job.id} stops at its next checkpoint." in flash_text(page)
    run_jobs()  # the job ends by itself: nobody releases it
    job = reload(job.id)
    assert (job.status, job.info) == (JobStatus.CANCELED, "Canceled by alice.")
    assert job.finished_at is not None
    assert "finished without being canceled" not in job.output
    page = client.get(f"/jobs/{job.id}")
    assert page.html.find(id="job-status").get_text(strip=True) == "Canceled"
    assert page.html.find("button", string="Retry job") is not None


def test_cancel_requested_twice_is_harmless(as_user, make_job, post, reload):
    job = make_job("alice", JobStatus.RUNNING)
    as_user("alice")
    post(f"/jobs/{job.id}/cancel")
    first = reload(job.id).cancel_requested_at
    page = post(f"/jobs/{job.id}/cancel").follow()
    assert "Cancel requested" in flash_text(page)
    assert "Cancel requested by alice" in page.text
    assert page.html.find("a", string="Cancel job…") is None
    job = reload(job.id)
    assert (job.status, job.cancel_requested_at) == (JobStatus.RUNNING, first)


def test_retry_of_an_error_job_queues_a_linked_copy(as_user, make_job, form_for, fonds, db, reload):
    record = ArchivalDescription.by_slug(fonds)
    original = make_job("alice", JobStatus.ERROR, description_id=record.id, parameters={"format": "rtf"})
    client = as_user("alice")
    page = form_for(client.get(f"/jobs/{original.id}"), f"/jobs/{original.id}/retry").submit().follow()
    new = db.session.scalars(select(Job).where(Job.id != original.id)).one()
    assert page.request.path == f"/jobs/{new.id}"
    assert "Launched" in flash_text(page)
    assert page.html.find("a", href=f"/jobs/{new.id}") is not None
    assert new.status == JobStatus.QUEUED
    assert new.retry_of_id == original.id
    assert (new.type, new.parameters, new.description_id) == ("finding_aid", {"format": "rtf"}, record.id)
    assert new.user_id == original.user_id
    assert reload(original.id).status == JobStatus.ERROR


def test_retried_job_runs(as_user, make_job, post, run_jobs, db, probe):
    original = make_job("alice", JobStatus.CANCELED, type="test_count", parameters={})
    as_user("alice")
    assert post(f"/jobs/{original.id}/retry").status_int == 302
    run_jobs()
    new = db.session.scalars(select(Job).where(Job.retry_of_id == original.id)).one()
    assert new.status == JobStatus.COMPLETED
    assert probe.runs == {new.id: 1}


@pytest.mark.parametrize("status", [JobStatus.COMPLETED, JobStatus.QUEUED, JobStatus.RUNNING])
def test_retry_is_refused_unless_error_or_canceled(as_user, make_job, post, job_count, status):
    job = make_job("alice", status)
    client = as_user("alice")
    page = post(f"/jobs/{job.id}/retry").follow()
    assert "Only jobs that ended in Error or were Canceled can be retried." in flash_text(page)
    assert job_count() == 1
    assert client.get(f"/jobs/{job.id}").html.find("button", string="Retry job") is None
