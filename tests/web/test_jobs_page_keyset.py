"""Jobs page at scale: keyset pages (before/after ids), filters kept in every link, search, counts."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from models import ArchivalDescription, JobStatus
from models.base import utcnow
from tests.helpers import table_rows


def _args(href: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


def walk(client, url: str, rel: str = "next") -> tuple[list[int], object]:
    """Follow Older (or Newer) links from url to the end: the ids in order, and the last page."""
    ids: list[int] = []
    page = client.get(url)
    while True:
        ids += [row["id"] for row in table_rows(page)]
        link = page.html.find("a", rel=rel)
        if link is None:
            return ids, page
        page = client.get(link["href"])


@pytest.mark.app_config(JOBS_PER_PAGE=4)
def test_older_then_newer_never_repeat_or_skip(as_user, make_job):
    ids = [make_job("alice").id for _ in range(11)]
    client = as_user("alice")
    older, last = walk(client, "/jobs/")
    assert older == sorted(ids, reverse=True)
    newer_start = last.html.find("a", rel="prev")["href"]
    newer, first = walk(client, newer_start, rel="prev")
    # Back up from the last page: every row before it, newest page last, no row twice.
    assert sorted(newer + [row["id"] for row in table_rows(last)]) == sorted(ids)
    assert len(set(newer)) == len(newer)
    assert first.html.find("a", rel="prev") is None


@pytest.mark.app_config(JOBS_PER_PAGE=2)
def test_a_job_launched_while_paging_does_not_shift_the_pages(as_user, make_job):
    ids = [make_job("alice").id for _ in range(5)]
    client = as_user("alice")
    first = client.get("/jobs/")
    make_job("alice")  # a new job arrives at the top
    ids_second = [row["id"] for row in table_rows(client.get(first.html.find("a", rel="next")["href"]))]
    assert ids_second == sorted(ids, reverse=True)[2:4]


@pytest.mark.app_config(JOBS_PER_PAGE=2)
def test_non_admins_page_through_only_their_own_jobs(as_user, make_job):
    mine = [make_job("alice").id for _ in range(3)]
    for _ in range(3):
        make_job("bob")
    ids, _ = walk(as_user("alice"), "/jobs/")
    assert ids == sorted(mine, reverse=True)
    everyone, _ = walk(as_user("admin"), "/jobs/")
    assert len(everyone) == 6


def test_status_and_type_filters_narrow_the_list(as_user, make_job):
    failed = make_job("alice", JobStatus.ERROR)
    make_job("alice", JobStatus.COMPLETED)
    client = as_user("alice")
    assert [row["id"] for row in table_rows(client.get("/jobs/?status=error"))] == [failed.id]
    assert len(table_rows(client.get("/jobs/?type=finding_aid"))) == 2
    assert table_rows(client.get("/jobs/?type=test_nothing")) != []  # an unknown type is ignored


def test_user_filter_is_for_admins_only(as_user, make_job):
    bobs = make_job("bob")
    make_job("alice")
    assert [row["id"] for row in table_rows(as_user("admin").get("/jobs/?user=bob"))] == [bobs.id]
    alice = as_user("alice")
    assert alice.get("/jobs/").html.find(id="filter-user") is None
    rows = table_rows(alice.get("/jobs/?user=bob"))
    assert {row["User"] for row in rows} == {"alice"}


def test_record_filter_uses_the_description_slug(as_user, make_job, fonds):
    record = ArchivalDescription.by_slug(fonds)
    about = make_job("alice", description_id=record.id)
    make_job("alice")
    client = as_user("alice")
    assert [row["id"] for row in table_rows(client.get(f"/jobs/?record={fonds}"))] == [about.id]
    page = client.get("/jobs/?record=no-such-record")
    assert table_rows(page) == []
    assert "No jobs match these filters." in page.text


def test_date_range_is_inclusive_days(as_user, make_job):
    make_job("alice", created_at=datetime(2026, 3, 1, 23, 59))
    inside = make_job("alice", created_at=datetime(2026, 3, 2, 0, 0))
    inside_end = make_job("alice", created_at=datetime(2026, 3, 3, 23, 59, 59))
    make_job("alice", created_at=datetime(2026, 3, 4, 0, 0))
    rows = table_rows(as_user("alice").get("/jobs/?from=2026-03-02&to=2026-03-03"))
    assert [row["id"] for row in rows] == [inside_end.id, inside.id]


def test_bad_filter_values_are_explained_not_fatal(as_user, make_job):
    make_job("alice")
    page = as_user("alice").get("/jobs/?from=yesterday&q=ab&status=bogus&before=x")
    assert page.status_int == 200
    assert "Created from is not a date" in page.text
    assert "Search needs at least 3 characters" in page.text
    assert len(table_rows(page)) == 1


def test_search_matches_info_and_parameters_case_insensitively(as_user, make_job):
    by_info = make_job("alice", JobStatus.ERROR, info="ValueError: Harbour plans missing")
    by_param = make_job("alice", parameters={"format": "rtf", "note": "HARBOUR"})
    make_job("alice", info="nothing here", parameters={"format": "pdf"})
    make_job("alice", info="100% done")
    client = as_user("alice")
    assert [row["id"] for row in table_rows(client.get("/jobs/?q=harbour"))] == [by_param.id, by_info.id]
    assert len(table_rows(client.get("/jobs/?q=100%25"))) == 1  # % is literal, not a wildcard


@pytest.mark.app_config(JOBS_PER_PAGE=2, JOBS_SEARCH_WINDOW=3)
def test_search_reads_a_bounded_window_and_older_searches_further(as_user, make_job):
    hits = []
    for n in range(9):
        job = make_job("alice", info="needle" if n in (0, 1, 7) else "hay")
        if n in (0, 1, 7):
            hits.append(job.id)
    ids, _ = walk(as_user("alice"), "/jobs/?q=needle")
    assert ids == sorted(hits, reverse=True)


@pytest.mark.app_config(JOBS_PER_PAGE=2)
def test_filters_are_kept_in_tabs_pages_refresh_csv_and_bulk_links(as_user, make_job):
    for _ in range(3):
        make_job("alice", JobStatus.ERROR, info="disk full")
    page = as_user("alice").get("/jobs/?status=error&q=disk&autorefresh=1")
    links = [page.html.find("a", rel="next")["href"], page.html.find("a", string="Export history CSV")["href"]]
    links += [a["href"] for a in page.html.select(".tabs a, [data-refresh], .bulk a")]
    for href in links:
        assert {"status": "error", "q": "disk"}.items() <= _args(href).items(), href
    assert _args(page.html.find("a", rel="next")["href"])["autorefresh"] == "1"
    assert "status=error" in page.html.find(id="auto-refresh")["href"]


def test_filter_form_fields_have_labels(as_user):
    page = as_user("admin").get("/jobs/?status=error")
    form = page.html.find("form", class_="filters")
    for field in form.find_all(["input", "select"]):
        if field.get("type") == "hidden":
            continue
        assert form.find("label", attrs={"for": field["id"]}) is not None, field
    assert form.find("option", selected=True)["value"] == "error"


def test_partial_refresh_honours_filters(as_user, make_job):
    make_job("alice", JobStatus.ERROR)
    make_job("alice", JobStatus.COMPLETED)
    fragment = as_user("alice").get("/jobs/?partial=1&status=error")
    assert "<html" not in fragment.text
    assert len(fragment.html.select("table.jobs tbody tr")) == 1


def test_counts_strip_shows_queued_running_and_recent_failures_the_user_may_see(as_user, make_job):
    make_job("alice", JobStatus.QUEUED)
    make_job("alice", JobStatus.RUNNING)
    make_job("alice", JobStatus.ERROR, finished_at=utcnow() - timedelta(hours=1))
    make_job("alice", JobStatus.ERROR, created_at=utcnow() - timedelta(days=3))  # too old
    make_job("bob", JobStatus.ERROR)
    make_job("bob", JobStatus.QUEUED)

    def strip(client) -> str:
        return " ".join(client.get("/jobs/").html.find("ul", class_="counts").get_text(" ", strip=True).split())

    assert strip(as_user("alice")) == "1 queued 1 running 1 failed in the last 24 h Mark as seen"
    assert strip(as_user("admin")) == "2 queued 1 running 2 failed in the last 24 h Mark as seen"


def test_csv_export_honours_filters(as_user, make_job, read_csv):
    make_job("alice", JobStatus.ERROR, info="disk full")
    make_job("alice", JobStatus.ERROR, info="timeout")
    make_job("alice", JobStatus.COMPLETED, info="disk fine")
    make_job("bob", JobStatus.ERROR, info="disk full")
    client = as_user("alice")
    text = client.get("/jobs/export.csv?status=error&q=disk").text
    assert text.splitlines()[0].startswith("startDate,endDate,jobName,jobStatus,jobInfo,jobUser,")
    assert [line.split(",")[4] for line in text.splitlines()[1:]] == ["disk full"]
    _header, rows = read_csv()
    assert len(rows) == 3  # no filter: all of alice's
