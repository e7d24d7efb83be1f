"""The Jobs page: columns, tabs, order, pagination, links, health line, partial refresh."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from models import ArchivalDescription, JobStatus, WorkerProcess
from models.base import utcnow

CONTRACT_HEADINGS = ["Start date", "End date", "Job name", "Job status", "Info", "User"]  # AtoM's, in order
HEADINGS = ["Job", "Start date", "End date", "Duration", "Job name", "Job status", "Info", "User"]


@pytest.fixture
def one_of_each(make_job):
    """alice's jobs, one per status, created a minute apart (oldest first)."""
    start = datetime(2026, 11, 23, 16, 0, 0)
    return {
        status: make_job("alice", status, created_at=start + timedelta(minutes=n), info=f"{status.label} info")
        for n, status in enumerate(JobStatus)
    }


def test_columns_are_exactly_the_contract_headings(as_user, make_job):
    make_job("alice")
    page = as_user("alice").get("/jobs/")
    headings = [th.get_text(strip=True) for th in page.html.select("table.jobs thead th")]
    assert headings == HEADINGS  # AtoM's six, with the job number first and the duration after its dates
    assert [h for h in headings if h in CONTRACT_HEADINGS] == CONTRACT_HEADINGS


def test_all_tab_lists_every_job_newest_first(as_user, one_of_each, jobs_table):
    as_user("alice")
    rows = jobs_table("/jobs/")
    assert [row["id"] for row in rows] == sorted((job.id for job in one_of_each.values()), reverse=True)
    assert [row["Start date"] for row in rows] == sorted((row["Start date"] for row in rows), reverse=True)
    assert {row["Job status"] for row in rows} == {"Queued", "Running", "Completed", "Error", "Canceled"}
    assert {row["Job name"] for row in rows} == {"Generate finding aid"}
    assert {row["User"] for row in rows} == {"alice"}


def test_active_tab_lists_only_queued_and_running(as_user, one_of_each, jobs_table):
    page = as_user("alice").get("/jobs/active")
    assert page.html.select_one('.tabs a[aria-current="page"]').get_text(strip=True) == "Active jobs"
    rows = jobs_table("/jobs/active")
    assert [row["id"] for row in rows] == [one_of_each[JobStatus.RUNNING].id, one_of_each[JobStatus.QUEUED].id]


def test_dates_use_iso_seconds_and_na_until_finished(as_user, make_job, jobs_table):
    make_job(
        "alice",
        JobStatus.COMPLETED,
        created_at=datetime(2026, 11, 23, 16, 5, 1),
        finished_at=datetime(2026, 11, 23, 16, 7, 42),
    )
    make_job("alice", JobStatus.RUNNING, created_at=datetime(2026, 11, 23, 17, 0, 0))
    make_job("alice", JobStatus.QUEUED, created_at=datetime(2026, 11, 23, 17, 1, 0))
    as_user("alice")
    queued, running, completed = jobs_table()
    assert (completed["Start date"], completed["End date"]) == ("2026-11-23 16:05:01", "2026-11-23 16:07:42")
    assert (running["End date"], queued["End date"]) == ("N/A", "N/A")


@pytest.mark.app_config(SITE_TIMEZONE="Europe/Paris")
def test_dates_are_shown_in_the_site_time_zone(as_user, make_job, jobs_table):
    make_job(
        "alice",
        JobStatus.COMPLETED,
        created_at=datetime(2026, 11, 23, 16, 5, 1),
        finished_at=datetime(2026, 7, 1, 12, 0, 0),
    )
    as_user("alice")
    (row,) = jobs_table()
    assert (row["Start date"], row["End date"]) == ("2026-11-23 17:05:01", "2026-07-01 14:00:00")


def test_info_column_shows_info_and_running_progress(as_user, make_job, jobs_table):
    make_job("alice", JobStatus.ERROR, info="ValueError: boom")
    make_job("alice", JobStatus.RUNNING, progress_done=12, progress_total=48)
    as_user("alice")
    running, failed = jobs_table()
    assert "12 of 48 descriptions (25%)" in running["Info"]
    assert "ValueError: boom" in failed["Info"]


def toolbar(page) -> list[str]:
    return [
        " ".join(el.get_text(" ", strip=True).split())
        for el in page.html.select(".toolbar > a, .toolbar > details > summary")
    ]


def test_first_run_leads_to_create_background_job_and_offers_no_dead_tools(as_user):
    page = as_user("alice").get("/jobs/")
    empty = page.html.find(class_="empty-state")
    assert "No jobs yet." in empty.get_text()
    assert empty.find("a", href="/jobs/new").get_text(strip=True) == "Create background job"
    assert toolbar(page) == ["Refresh", "Auto refresh"]  # no export, clear or bulk menu over nothing


def test_tools_offer_only_what_applies_on_each_tab(as_user, one_of_each):
    client = as_user("alice")
    page = client.get("/jobs/")
    assert toolbar(page) == [
        "Refresh",
        "Auto refresh",
        "Export history CSV",
        "Clear inactive jobs…",
        "Ticked jobs…",
        "Every job…",
    ]
    every = [a.get_text(strip=True) for a in page.html.select(".toolbar details:last-child li a")]
    assert every == ["Retry failed…", "Cancel active…"]  # the one clear is the button, not a second entry
    active = client.get("/jobs/active")
    assert toolbar(active) == ["Refresh", "Auto refresh", "Export history CSV", "Ticked jobs…", "Every job…"]
    assert [b.get_text(strip=True) for b in active.html.select("#selected-jobs button")] == ["Cancel ticked…"]


def test_active_rows_offer_cancel_that_comes_back_to_the_tab(as_user, one_of_each, form_for, reload):
    client = as_user("alice")
    page = client.get("/jobs/active")
    queued = one_of_each[JobStatus.QUEUED].id
    links = {int(a["href"].split("/")[2]): a["href"] for a in page.html.select("table.jobs a.row-action")}
    assert set(links) == {queued, one_of_each[JobStatus.RUNNING].id}
    assert (
        client.get("/jobs/").html.find("tr", id=f"job-{one_of_each[JobStatus.COMPLETED].id}").find(class_="row-action")
        is None
    )
    confirm = client.get(links[queued])
    back = form_for(confirm, f"/jobs/{queued}/cancel").submit()
    assert back.headers["Location"].endswith("/jobs/active")
    assert reload(queued).status == JobStatus.CANCELED


def test_empty_tabs_say_so(as_user, make_job):
    client = as_user("alice")
    assert "No jobs yet." in client.get("/jobs/").text
    make_job("alice", JobStatus.COMPLETED)
    assert "No active jobs." in client.get("/jobs/active").text


@pytest.mark.app_config(JOBS_PER_PAGE=3)
def test_pagination_splits_newest_first_without_overlap(as_user, make_job, jobs_table):
    ids = [make_job("alice").id for _ in range(7)]
    client = as_user("alice")
    seen = []
    page = client.get("/jobs/")
    assert page.html.find("a", rel="prev") is None  # the first page has nothing newer
    for number in (1, 2, 3):
        rows = jobs_table(page.request.path_qs)
        assert len(rows) == (3 if number < 3 else 1)
        seen += [row["id"] for row in rows]
        older = page.html.find("a", rel="next")
        if number < 3:
            assert f"before={rows[-1]['id']}" in older["href"]
            page = client.get(older["href"])
        else:
            assert older is None
    assert seen == sorted(ids, reverse=True)
    newer = page.html.find("a", rel="prev")
    assert f"after={seen[-1]}" in newer["href"]


@pytest.mark.app_config(JOBS_PER_PAGE=2)
def test_pagination_keeps_auto_refresh(as_user, make_job):
    for _ in range(3):
        make_job("alice")
    page = as_user("alice").get("/jobs/?autorefresh=1")
    assert "autorefresh=1" in page.html.find("a", rel="next")["href"]


def test_rows_link_to_details_and_to_the_related_record(as_user, make_job, fonds, db):
    record = ArchivalDescription.by_slug(fonds)
    with_record = make_job("alice", JobStatus.COMPLETED, description_id=record.id)
    without = make_job("alice", JobStatus.COMPLETED)
    client = as_user("alice")
    page = client.get("/jobs/")
    row = page.html.find("tr", id=f"job-{with_record.id}")
    assert row.find("a", href=f"/jobs/{with_record.id}") is not None
    record_link = row.find("a", href=f"/descriptions/{fonds}")
    assert record_link is not None
    assert record_link.get_text(strip=True) == record.title  # by its title
    assert page.html.find("tr", id=f"job-{without.id}").find("a", class_="record-link") is None
    assert client.get(record_link["href"]).html.h1.get_text(strip=True) == record.title
    assert client.get(f"/jobs/{with_record.id}").status_int == 200


def _worker(db, *, seen_ago: float = 0, stopped: bool = False, name: str = "w1"):
    seen = utcnow() - timedelta(seconds=seen_ago)
    db.session.add(
        WorkerProcess(
            id=name, hostname="host", pid=1, threads=2, last_seen_at=seen, stopped_at=seen if stopped else None
        )
    )
    db.session.commit()


def health_line(client) -> str:
    return " ".join(client.get("/jobs/").html.find(class_="health").get_text(" ", strip=True).split())


def status_line(client, url: str = "/jobs/") -> str:
    return " ".join(client.get(url).html.find(class_="status-line").get_text(" ", strip=True).split())


def test_health_says_no_worker_without_heartbeat(as_user, make_job):
    make_job("alice", JobStatus.QUEUED)
    client = as_user("alice")
    assert "No worker is running" in health_line(client)
    line = status_line(client)
    assert "1 queued 0 running" in line
    assert (line.count("queued"), line.count("running")) == (1, 2)  # said once ("No worker is running", "0 running")


def test_failures_count_until_retried_or_marked_seen(as_user, make_job, db, form_for):
    """Issue 27: "2 failed in the last 24 h" stayed red after they were dealt with."""
    first = make_job("alice", JobStatus.ERROR)
    make_job("alice", JobStatus.ERROR)
    make_job("bob", JobStatus.ERROR)
    client = as_user("alice")
    assert "2 failed in the last 24 h" in status_line(client)
    make_job("alice", JobStatus.COMPLETED, retry_of_id=first.id)  # retried
    assert "1 failed in the last 24 h" in status_line(client)
    page = form_for(client.get("/jobs/active"), "/jobs/failures/seen").submit()
    assert page.headers["Location"].endswith("/jobs/active")  # back to the tab it was on
    page = page.follow()
    assert "0 failed in the last 24 h" in status_line(client)
    assert page.html.select(".counts-bad") == []
    assert "/jobs/failures/seen" not in page.text  # nothing more to mark
    make_job("alice", JobStatus.ERROR)  # a new failure counts again
    assert "1 failed in the last 24 h" in status_line(client)
    assert "1 failed in the last 24 h" in status_line(as_user("bob"))  # alice's look hides nothing from bob


def test_health_counts_workers_with_a_recent_heartbeat(as_user, db):
    client = as_user("alice")
    _worker(db, name="w1")
    assert "1 worker running" in health_line(client)
    _worker(db, name="w2")
    assert "2 workers running" in health_line(client)


@pytest.mark.parametrize("state", [{"seen_ago": 3600}, {"stopped": True}])
def test_health_ignores_stale_or_stopped_workers(as_user, db, state):
    _worker(db, **state)
    line = health_line(as_user("alice"))
    assert "No worker is running" in line
    assert "Last seen" in line


def test_partial_returns_only_the_table_part(as_user, one_of_each):
    client = as_user("alice")
    fragment = client.get("/jobs/?partial=1")
    assert "<html" not in fragment.text
    assert "<body" not in fragment.text
    assert "Manage jobs" not in fragment.text
    assert "Clear inactive jobs" not in fragment.text
    assert fragment.html.find(class_="health") is not None
    assert len(fragment.html.select("table.jobs tbody tr")) == 5
    active = client.get("/jobs/active?partial=1")
    assert len(active.html.select("table.jobs tbody tr")) == 2


@pytest.mark.parametrize(("query", "pressed"), [("", "false"), ("?autorefresh=1", "true")])
def test_auto_refresh_toggle_follows_the_url(as_user, query, pressed):
    page = as_user("alice").get(f"/jobs/{query}")
    toggle = page.html.find(id="auto-refresh")
    assert toggle["aria-pressed"] == pressed
    # The toggle's link turns it the other way; the tabs keep the current state.
    assert ("autorefresh=1" in toggle["href"]) == (pressed == "false")
    assert all(("autorefresh=1" in a["href"]) == (pressed == "true") for a in page.html.select(".tabs a"))


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0 s"), (59, "59 s"), (61, "1 min 01 s"), (3599, "59 min 59 s"), (7440, "2 h 04 min")]
)
def test_durations_read_as_people_say_them(seconds, shown):
    from datetime import timedelta

    from blueprints.formatting import format_duration

    assert format_duration(timedelta(seconds=seconds)) == shown
    assert format_duration(None) == ""


def test_filters_hide_behind_a_disclosure_that_opens_when_one_is_set(as_user, make_job):
    make_job("alice")
    client = as_user("alice")
    assert client.get("/jobs/").html.find("details", class_="filters-box").get("open") is None
    assert client.get("/jobs/?status=error").html.find("details", class_="filters-box").has_attr("open")
