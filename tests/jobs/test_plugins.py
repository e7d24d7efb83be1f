"""Job types from other installed packages (entry-point group archive_jobs.job_types)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from actors.registry import JOB_TYPES
from models import ArchivalDescription, Job, JobStatus

PLUGIN_DIR = Path(__file__).resolve().parents[1] / "plugin_example"


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """Install the example plugin's distribution metadata, as pip would, on sys.path."""
    dist_info = tmp_path / "archive_jobs_example_plugin-0.1.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: archive-jobs-example-plugin\nVersion: 0.1\n")
    (dist_info / "entry_points.txt").write_text(
        "[archive_jobs.job_types]\nexample = archive_jobs_example_plugin:JOB_TYPES\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(PLUGIN_DIR))
    yield
    JOB_TYPES.pop("example_count", None)
    sys.modules.pop("archive_jobs_example_plugin", None)


@pytest.fixture
def extra_job_types(installed_plugin) -> dict:
    return {}  # the plugin's metadata is on sys.path before the app (and its registry) starts


def test_a_plugin_job_type_shows_in_the_menu_and_runs(as_user, fonds, run_jobs, db):
    client = as_user("alice")
    menu = client.get("/jobs/new")
    assert "Count descriptions (example plugin)" in menu.text
    form = client.get("/jobs/new/example_count").forms["job-form"]
    form["record"] = fonds
    details = form.submit().follow()
    run_jobs()
    job = db.session.scalars(db.select(Job)).one()
    assert job.status == JobStatus.COMPLETED
    record = ArchivalDescription.by_slug(fonds)
    assert f"There are {record.descendant_count + 1} descriptions in “{record.title}” and below." in job.output
    assert "Count descriptions (example plugin)" in details.text


def test_a_plugin_gets_a_record_link_and_readable_parameters_from_its_declaration(as_user, fonds, run_jobs, db):
    """record_field on its JobType: the description page links to its form with the record filled
    in; the job details show its parameters with its form's labels and Yes / No."""
    client = as_user("alice")
    page = client.get(f"/descriptions/{fonds}")
    link = page.html.find("a", string="Count descriptions (example plugin)")
    assert link is not None
    assert f"record={fonds}" in link["href"]
    form = client.get(link["href"]).forms["job-form"]
    assert form["record"].value == fonds
    form["published_only"] = True
    details = form.submit().follow()
    parameters = details.html.find("dl", class_="parameters")
    assert [item.get_text() for item in parameters.find_all(["dt", "dd"])] == ["Only published descriptions", "Yes"]
    assert "published_only" not in details.text
