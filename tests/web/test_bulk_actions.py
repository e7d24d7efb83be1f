"""Bulk retry / cancel / clear of everything matching the filters, behind a confirmation page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Job, JobStatus


def confirm(client, url: str):
    """Open the confirmation page: (the count it announces, the page)."""
    page = client.get(url)
    count = int(page.html.find(id="bulk-count").strong.get_text())
    return count, page


def submit(page):
    form = page.html.find("form", action=lambda a: a and "/jobs/bulk/" in a)
    return next(f for f in page.forms.values() if f.action == form["action"]).submit().follow()


def test_bulk_cancel_shows_the_count_and_touches_only_own_jobs(as_user, make_job, reload):
    queued = make_job("alice", JobStatus.QUEUED)
    running = make_job("alice", JobStatus.RUNNING)
    done = make_job("alice", JobStatus.COMPLETED)
    bobs = make_job("bob", JobStatus.QUEUED)
    client = as_user("alice")
    count, page = confirm(client, "/jobs/bulk/cancel")
    assert count == 2
    result = submit(page)
    assert "Canceled 2 jobs." in result.text
    assert reload(queued.id).status == JobStatus.CANCELED
    assert reload(queued.id).canceled_by == "alice"
    assert reload(running.id).status == JobStatus.RUNNING
    assert reload(running.id).cancel_requested_at is not None
    assert reload(done.id).status == JobStatus.COMPLETED
    assert reload(bobs.id).status == JobStatus.QUEUED


def test_bulk_actions_follow_the_filters(as_user, make_job, reload):
    a = make_job("alice", JobStatus.ERROR, info="disk full").id
    b = make_job("alice", JobStatus.ERROR, info="timeout").id
    client = as_user("alice")
    count, page = confirm(client, "/jobs/bulk/clear?q=disk")
    assert count == 1
    assert "disk" in page.text
    result = submit(page)
    assert "Cleared 1 inactive job." in result.text
    assert "q=disk" in result.request.url
    assert reload(a) is None
    assert reload(b) is not None


def test_admin_bulk_clear_covers_everyone_but_never_active_jobs(as_user, make_job, job_ids):
    make_job("alice", JobStatus.COMPLETED)
    make_job("bob", JobStatus.ERROR)
    active = {make_job("bob", JobStatus.RUNNING).id, make_job("alice", JobStatus.QUEUED).id}
    client = as_user("admin")
    count, page = confirm(client, "/jobs/bulk/clear")
    assert count == 2
    submit(page)
    assert job_ids() == active


@pytest.mark.test_jobs
def test_bulk_retry_launches_linked_jobs_once(as_user, make_job, db, run_jobs):
    failed = make_job("alice", JobStatus.ERROR, type="test_count")
    canceled = make_job("alice", JobStatus.CANCELED, type="test_count")
    make_job("alice", JobStatus.COMPLETED, type="test_count")
    make_job("bob", JobStatus.ERROR, type="test_count")
    client = as_user("alice")
    count, page = confirm(client, "/jobs/bulk/retry")
    assert count == 2
    assert "Retried 2 jobs." in submit(page).text
    run_jobs()
    retries = db.session.scalars(select(Job).where(Job.retry_of_id.isnot(None))).all()
    assert sorted(job.retry_of_id for job in retries) == sorted([failed.id, canceled.id])
    assert {job.status for job in retries} == {JobStatus.COMPLETED}
    assert {job.user.username for job in retries} == {"alice"}
    assert confirm(client, "/jobs/bulk/retry")[0] == 0  # already retried: not again


def test_confirmation_does_not_sweep_up_jobs_created_after_it(as_user, make_job, reload):
    before = make_job("alice", JobStatus.QUEUED)
    client = as_user("alice")
    count, page = confirm(client, "/jobs/bulk/cancel")
    later = make_job("alice", JobStatus.QUEUED)
    assert count == 1
    submit(page)
    assert reload(before.id).status == JobStatus.CANCELED
    assert reload(later.id).status == JobStatus.QUEUED


def test_bulk_post_needs_csrf_and_changes_nothing_without_it(as_user, make_job, post, reload, readable_error):
    job = make_job("alice", JobStatus.QUEUED)
    as_user("alice")
    response = post("/jobs/bulk/cancel", {"upto": job.id}, token=None)
    readable_error(response, 400)
    assert reload(job.id).status == JobStatus.QUEUED


def test_unknown_bulk_action_is_404(as_user, readable_error):
    readable_error(as_user("alice").get("/jobs/bulk/explode", expect_errors=True), 404)


def test_nothing_to_do_says_so(as_user):
    count, page = confirm(as_user("alice"), "/jobs/bulk/clear")
    assert count == 0
    assert "nothing to clear" in page.text
    assert page.html.find("form", action=lambda a: a and "/jobs/bulk/" in a) is None


def test_ticked_rows_get_the_action_on_just_those(as_user, make_job, reload):
    a, b, c = (make_job("alice", JobStatus.ERROR).id for _ in range(3))
    bobs = make_job("bob", JobStatus.ERROR).id
    client = as_user("alice")
    boxes = client.get("/jobs/").html.select("input.pick")
    assert {int(box["value"]) for box in boxes} == {a, b, c}
    assert all(box["form"] == "selected-jobs" for box in boxes)
    count, page = confirm(client, f"/jobs/bulk/clear?ids={a}&ids={c}&ids={bobs}&ids=x&ids={2**70}")
    assert count == 2  # bob's is not hers to clear; nonsense ids are ignored
    assert {int(x.get_text(strip=True)[1:]) for x in page.html.select(".job-preview a")} == {a, c}
    submit(page)
    assert reload(a) is None
    assert reload(c) is None
    assert reload(b) is not None
    assert reload(bobs) is not None
