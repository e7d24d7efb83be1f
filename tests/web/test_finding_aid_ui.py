"""Generate finding aid from a description page, follow the job, download the result."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from models import ArchivalDescription, Job, JobStatus

TITLE = "Port Ellis Harbour Commission fonds"


@pytest.fixture
def launch_aid(as_user, fonds, form_for):
    """Submit the description page's "Generate finding aid" form; returns the page it lands on."""
    client = as_user("alice")

    def _launch(fmt: str):
        form = form_for(client.get(f"/descriptions/{fonds}"), f"/descriptions/{fonds}/finding-aid")
        form["format"] = fmt
        response = form.submit()
        assert response.status_int == 302
        return response.follow()

    return _launch


@pytest.fixture
def aid_files(instance_dir):
    def _files() -> set[str]:
        directory = instance_dir / "finding-aids"
        return {p.name for p in directory.iterdir()} if directory.exists() else set()

    return _files


def single_job(db) -> Job:
    db.session.expire_all()
    return db.session.scalars(select(Job)).one()


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_launch_redirects_with_a_message_linking_to_the_job(launch_aid, fonds, db):
    page = launch_aid("pdf")
    job = single_job(db)
    assert page.request.path == f"/descriptions/{fonds}"
    message = page.html.select_one(".messages .message")
    assert "Launched" in message.get_text()
    assert message.find("a", href=f"/jobs/{job.id}") is not None
    assert (job.type, job.status, job.parameters) == (
        "finding_aid",
        JobStatus.QUEUED,
        {"format": "pdf", "model": "full", "public": False},
    )
    assert job.description.slug == fonds
    assert page.html.find("a", href=f"/jobs/{job.id}") is not None


def test_pdf_finding_aid_is_generated_and_downloadable(launch_aid, run_jobs, testapp, fonds, db):
    launch_aid("pdf")
    run_jobs()
    job = single_job(db)
    assert job.status == JobStatus.COMPLETED, job.output
    progress = re.findall(r"Rendering (\d+) of (\d+) descriptions", job.output)
    assert progress
    assert {total for _, total in progress} == {"40"}
    assert progress[-1] == ("40", "40")
    assert (job.progress_done, job.progress_total) == (40, 40)
    assert "PDF" in job.info

    response = testapp.get(f"/descriptions/{fonds}/finding-aid")
    assert response.content_type == "application/pdf"
    assert f"{fonds}.pdf" in response.headers["Content-Disposition"]
    pages, text = pdf_text(response.body)
    assert pages > 1
    assert TITLE in text
    details = testapp.get(f"/jobs/{job.id}")
    assert details.html.find("a", href=f"/descriptions/{fonds}/finding-aid") is not None
    assert testapp.get(f"/descriptions/{fonds}").html.find("a", href=f"/descriptions/{fonds}/finding-aid")


def test_regenerating_replaces_the_file(launch_aid, run_jobs, testapp, fonds, aid_files):
    launch_aid("pdf")
    run_jobs()
    first = aid_files()
    assert len(first) == 1
    launch_aid("pdf")
    run_jobs()
    second = aid_files()
    assert len(second) == 1
    assert second != first  # the old file is gone, a new one in its place
    response = testapp.get(f"/descriptions/{fonds}/finding-aid")
    assert response.content_type == "application/pdf"
    assert TITLE in pdf_text(response.body)[1]


def test_rtf_finding_aid(launch_aid, run_jobs, testapp, fonds, db, aid_files):
    launch_aid("rtf")
    run_jobs()
    job = single_job(db)
    assert job.status == JobStatus.COMPLETED, job.output
    assert re.search(r"Rendering \d+ of 40 descriptions", job.output)
    response = testapp.get(f"/descriptions/{fonds}/finding-aid")
    assert response.content_type == "application/rtf"
    assert f"{fonds}.rtf" in response.headers["Content-Disposition"]
    assert response.body.startswith(b"{\\rtf")
    assert TITLE.encode() in response.body
    assert [name.endswith(".rtf") for name in aid_files()] == [True]


def test_switching_format_replaces_the_pdf_with_rtf(launch_aid, run_jobs, testapp, fonds, aid_files):
    launch_aid("pdf")
    run_jobs()
    launch_aid("rtf")
    run_jobs()
    assert [name.rsplit(".", 1)[1] for name in aid_files()] == ["rtf"]
    assert testapp.get(f"/descriptions/{fonds}/finding-aid").content_type == "application/rtf"


def test_launching_twice_while_queued_creates_two_jobs(launch_aid, start_worker, fonds, db, aid_files):
    launch_aid("pdf")
    page = launch_aid("pdf")
    jobs = db.session.scalars(select(Job).order_by(Job.id)).all()
    assert [job.status for job in jobs] == [JobStatus.QUEUED, JobStatus.QUEUED]
    pending = page.html.find(id="finding-aid-heading").parent
    assert all(pending.find("a", href=f"/jobs/{job.id}") for job in jobs)
    start_worker()
    db.session.expire_all()
    assert [job.status for job in db.session.scalars(select(Job))] == [JobStatus.COMPLETED] * 2
    assert len(aid_files()) == 1


def test_download_before_any_finding_aid_is_a_readable_404(as_user, fonds, readable_error):
    response = as_user("alice").get(f"/descriptions/{fonds}/finding-aid", status="*")
    readable_error(response, 404)
    assert "No finding aid has been generated for this description yet." in response.text


def test_description_page_shows_no_finding_aid_yet(as_user, fonds):
    page = as_user("alice").get(f"/descriptions/{fonds}")
    assert "No finding aid has been generated yet." in page.text
    assert page.html.find("a", href=f"/descriptions/{fonds}/finding-aid") is None


def test_finding_aid_of_a_series_covers_only_its_subtree(as_user, fonds, form_for, run_jobs, db):
    series = db.session.scalars(
        select(ArchivalDescription).where(ArchivalDescription.depth == 1).order_by(ArchivalDescription.lft)
    ).first()
    client = as_user("alice")
    form = form_for(client.get(f"/descriptions/{series.slug}"), f"/descriptions/{series.slug}/finding-aid")
    form["format"] = "pdf"
    form.submit()
    run_jobs()
    job = single_job(db)
    assert job.status == JobStatus.COMPLETED, job.output
    assert f"Rendering {series.descendant_count + 1} of {series.descendant_count + 1} descriptions" in job.output
    _, text = pdf_text(client.get(f"/descriptions/{series.slug}/finding-aid").body)
    assert series.title in text


def test_the_contract_post_with_only_the_format_launches_full_details(as_user, post, fonds, db):
    """`POST /descriptions/<slug>/finding-aid` with field `format` alone, as scripts and the contract send it."""
    as_user("alice")
    response = post(f"/descriptions/{fonds}/finding-aid", {"format": "rtf"})
    assert response.status_int == 302
    job = db.session.scalars(db.select(Job)).one()
    assert job.parameters["format"] == "rtf"
    assert job.parameters["model"] == "full"
