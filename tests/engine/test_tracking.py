"""Job tracking by the middleware: statuses, and each job's own console output."""

from __future__ import annotations

import pytest

from actors.engine.launching import send
from models import JobStatus

pytestmark = pytest.mark.test_jobs


def lines(tag: str, count: int) -> str:
    return "".join(f"{tag} line {n:05d}\n" for n in range(count))


def test_concurrent_jobs_each_capture_only_their_own_output(as_user, launch_job, run_jobs, probe, reload):
    # Both jobs meet at a barrier every 50 lines, so they really print at the same time.
    first = launch_job("test_lines", "alice", tag="AAA", lines=600, sync=True)
    second = launch_job("test_lines", "alice", tag="BBB", lines=600, sync=True)
    run_jobs()
    client = as_user("alice")
    for job, tag in ((first, "AAA"), (second, "BBB")):
        job = reload(job.id)
        assert job.status == JobStatus.COMPLETED, job.output
        assert job.output == lines(tag, 600)
        assert client.get(f"/jobs/{job.id}/output").text == lines(tag, 600)
    assert not probe.barrier.broken


def test_failing_job_ends_in_error_with_the_traceback(launch_job, run_jobs, reload, as_user):
    job = launch_job("test_fail", "alice")
    run_jobs()
    job = reload(job.id)
    assert job.status == JobStatus.ERROR
    assert job.info == "boom"  # bad-input errors (ValueError, LookupError) read as their message
    assert job.output.startswith("about to fail\n")
    assert job.output.count("Traceback (most recent call last)") == 1
    assert job.output.rstrip().endswith("ValueError: boom")
    assert job.finished_at is not None
    row = as_user("alice").get("/jobs/").html.find("tr", id=f"job-{job.id}")
    assert "Error" in row.get_text()
    assert "boom" in row.get_text()


def test_successful_job_is_completed_with_its_dates(launch_job, run_jobs, reload, probe):
    job = launch_job("test_count", "alice")
    run_jobs()
    job = reload(job.id)
    assert job.status == JobStatus.COMPLETED
    assert job.info == "Completed."
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.created_at <= job.started_at <= job.finished_at
    assert job.output == f"job {job.id} ran\n"
    assert probe.runs[job.id] == 1


def test_job_canceled_before_the_worker_gets_it_never_runs(as_user, launch_job, post, start_worker, reload, probe):
    job = launch_job("test_count", "alice")
    as_user("alice")
    assert post(f"/jobs/{job.id}/cancel").status_int == 302
    start_worker()
    job = reload(job.id)
    assert probe.runs[job.id] == 0
    assert job.status == JobStatus.CANCELED
    assert job.started_at is None
    assert job.output == ""


def test_job_whose_message_arrives_twice_runs_once(launch_job, start_worker, reload, probe):
    job = launch_job("test_count", "alice")
    assert send(job.id, job.type)  # a second delivery of the same job
    start_worker()
    assert probe.runs[job.id] == 1
    job = reload(job.id)
    assert job.status == JobStatus.COMPLETED
    assert job.output == f"job {job.id} ran\n"


def test_message_for_a_finished_job_is_ignored(launch_job, run_jobs, reload, probe):
    job = launch_job("test_count", "alice")
    run_jobs()
    finished_at = reload(job.id).finished_at
    assert send(job.id, job.type)
    run_jobs()
    assert probe.runs[job.id] == 1
    assert reload(job.id).finished_at == finished_at


@pytest.mark.app_config(JOBS_OUTPUT_CAP=2000)
def test_big_output_keeps_beginning_and_end_and_downloads_whole(as_user, launch_job, run_jobs, reload):
    job = launch_job("test_lines", "alice", tag="L", lines=1000)
    run_jobs()
    job = reload(job.id)
    full = lines("L", 1000)
    assert job.status == JobStatus.COMPLETED
    assert job.output.startswith(full[:1000])
    assert job.output.endswith(full[-1000:])
    marker = f"[... {len(full) - 2000} characters omitted here; download the full output ...]"
    assert job.output[1000:-1000].strip() == marker
    client = as_user("alice")
    assert marker in client.get(f"/jobs/{job.id}").html.find(id="job-output").get_text()
    assert client.get(f"/jobs/{job.id}/output").text == full


def test_log_records_of_a_job_land_in_its_output(launch_job, run_jobs, reload):
    job = launch_job("test_log", "alice")
    run_jobs()
    job = reload(job.id)
    assert job.status == JobStatus.COMPLETED
    assert f"WARNING x: warning from job {job.id}" in job.output


def test_running_job_shows_its_output_so_far(as_user, launch_job, run_jobs, reload, probe, poll):
    job = launch_job("test_wait", "alice")
    client = as_user("alice")

    def status():
        return client.get(f"/jobs/{job.id}/status.json").json

    try:
        data = poll(
            lambda: (lambda d: d if "halfway there" in d["output"] else None)(status()),
            timeout=5,
            what="the running job's output",
        )
        assert data["status"] == "Running"
        assert data["active"] is True
        print("printed by the test, not by the job")
        page = client.get(f"/jobs/{job.id}")
        assert page.html.find(id="job-status").get_text(strip=True) == "Running"
        assert "halfway there" in page.html.find(id="job-output").get_text()
        assert page.html.find(id="job-fields")["data-active"] == "true"
        assert "Running" in client.get("/jobs/active").html.find("tr", id=f"job-{job.id}").get_text()
    finally:
        probe.release.set()
    run_jobs()
    job = reload(job.id)
    assert job.status == JobStatus.COMPLETED
    assert job.output == "halfway there\nreleased\n"


def test_an_unexpected_exception_names_its_class_in_info(launch_job, run_jobs, reload):
    job = launch_job("test_crash", "alice")
    run_jobs()
    assert reload(job.id).info == "ZeroDivisionError: division by zero"
