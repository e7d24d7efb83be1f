"""Details page: queue position while queued, and output followed incrementally (?offset=N)."""

from __future__ import annotations

import pytest

from models import JobStatus
from models.job import TRUNCATION_MARKER


def test_queue_position_counts_queued_jobs_ahead(as_user, make_job):
    make_job("bob", JobStatus.QUEUED)
    make_job("alice", JobStatus.RUNNING)  # running is not ahead in the queue
    make_job("alice", JobStatus.QUEUED)
    mine = make_job("alice", JobStatus.QUEUED)
    client = as_user("alice")
    page = client.get(f"/jobs/{mine.id}")
    assert page.html.find(id="job-queue").get_text(strip=True) == "2 queued jobs ahead"
    assert client.get(f"/jobs/{mine.id}/status.json?offset=0").json["queue_position"] == 2


def test_first_in_queue_is_next_and_running_jobs_have_no_position(as_user, make_job):
    first = make_job("alice", JobStatus.QUEUED)
    running = make_job("alice", JobStatus.RUNNING)
    client = as_user("alice")
    assert client.get(f"/jobs/{first.id}").html.find(id="job-queue").get_text(strip=True) == "Next to run"
    assert client.get(f"/jobs/{running.id}").html.find(id="job-queue") is None
    assert client.get(f"/jobs/{running.id}/status.json?offset=0").json["queue_position"] is None


def test_status_json_with_offset_returns_only_new_output(as_user, make_job, db):
    job = make_job("alice", JobStatus.RUNNING, output="line 1\n")
    client = as_user("alice")
    first = client.get(f"/jobs/{job.id}/status.json?offset=0").json
    assert (first["output"], first["reset"]) == ("line 1\n", False)
    job.output += "line 2 — é\n"
    db.session.commit()
    second = client.get(f"/jobs/{job.id}/status.json?offset={first['offset']}").json
    assert (second["output"], second["reset"]) == ("line 2 — é\n", False)
    third = client.get(f"/jobs/{job.id}/status.json?offset={second['offset']}").json
    assert third["output"] == ""
    assert third["offset"] == second["offset"]
    page = client.get(f"/jobs/{job.id}")
    assert page.html.find(id="job-fields")["data-offset"] == str(second["offset"])


@pytest.mark.parametrize("offset", [-1, 10_000])
def test_an_offset_out_of_range_gets_the_whole_output(as_user, make_job, offset):
    job = make_job("alice", JobStatus.RUNNING, output="abc")
    data = as_user("alice").get(f"/jobs/{job.id}/status.json?offset={offset}").json
    assert (data["output"], data["reset"], data["offset"]) == ("abc", True, 3)


def test_capped_output_falls_back_to_a_full_refresh(as_user, make_job):
    capped = "head\n" + TRUNCATION_MARKER.format(skipped=1234) + "tail\n"
    job = make_job("alice", JobStatus.RUNNING, output=capped)
    data = as_user("alice").get(f"/jobs/{job.id}/status.json?offset=5").json
    assert data["reset"] is True
    assert data["output"] == capped


def test_status_json_of_someone_elses_job_is_404(as_user, make_job):
    job = make_job("bob", JobStatus.RUNNING, output="secret")
    assert as_user("alice").get(f"/jobs/{job.id}/status.json?offset=0", expect_errors=True).status_int == 404


@pytest.mark.test_jobs
def test_following_a_real_job_reassembles_its_output(as_user, launch_job, run_jobs):
    client = as_user("alice")
    job = launch_job("test_lines", "alice", tag="t", lines=30)
    seen, offset = "", 0
    data = client.get(f"/jobs/{job.id}/status.json?offset=0").json
    run_jobs()
    for _ in range(2):
        data = client.get(f"/jobs/{job.id}/status.json?offset={offset}").json
        seen = data["output"] if data["reset"] else seen + data["output"]
        offset = data["offset"]
    assert seen.count("t line") == 30
    assert not data["active"]
