"""Generate report: file list, item list and box labels, as CSV and PDF, through the web form."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from import_export_support import last_job, roles, run_form, submit
from pypdf import PdfReader
from sqlalchemy import select

from actors.rendering import report_pdf
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from commands.demo_data import insert_demo_fonds

__all__ = ["roles"]


def described(slug: str, level: str) -> list[D]:
    """The descriptions of a level in a sub-tree, in tree order: what a report must list."""
    root = D.by_slug(slug)
    query = select(D).where(D.lft.between(root.lft, root.rgt), D.level_of_description == level).order_by(D.lft)
    return list(db.session.scalars(query))


def parent(description: D) -> D:
    return db.session.get(D, description.parent_id)


def report(client, run_jobs, record: str, kind: str, fmt: str):
    job = run_form(client, run_jobs, "report", record=record, kind=kind, format=fmt)
    assert job.status == JobStatus.COMPLETED, job.output
    response = client.get(f"/jobs/{job.id}/result")
    assert f"job-{job.id}-report.{fmt}" in response.headers["Content-Disposition"]
    return job, response


def csv_rows(response) -> tuple[list[str], list[dict[str, str]]]:
    assert response.content_type == "text/csv"
    text = response.body.decode("utf-8")
    return text.splitlines()[0].split(","), list(csv.DictReader(io.StringIO(text)))


def test_file_list_csv(as_user, run_jobs, fonds, instance_dir):
    files = described(fonds, "file")
    job, response = report(as_user("alice"), run_jobs, fonds, "file_list", "csv")
    header, rows = csv_rows(response)
    assert header == ["Reference code", "Title", "Dates", "Extent", "Series"]
    assert len(rows) == len(files) > 1
    assert [r["Reference code"] for r in rows] == [f.identifier for f in files]
    first, series = files[0], parent(files[0])
    assert rows[0] == {
        "Reference code": first.identifier, "Title": first.title, "Dates": first.dates,
        "Extent": first.extent_and_medium, "Series": f"{series.identifier} – {series.title}",
    }
    assert job.info == f"File list: {len(files)} files (CSV)."
    assert f"Listed {len(files)} of {len(files)} descriptions." in job.output
    assert f"download it from /jobs/{job.id}/result" in job.output
    assert Path(job.result_path).parent == instance_dir / "reports"
    assert not list((instance_dir / "reports").glob(".*"))  # no partial file left behind


def test_item_list_csv_of_a_series_names_each_items_file(as_user, run_jobs, fonds):
    series = described(fonds, "series")[0]
    items = described(series.slug, "item")
    job, response = report(as_user("alice"), run_jobs, series.slug, "item_list", "csv")
    header, rows = csv_rows(response)
    assert header == ["Identifier", "Title", "Dates", "File"]
    assert [r["Identifier"] for r in rows] == [i.identifier for i in items] and items
    assert [r["File"] for r in rows] == [f"{parent(i).identifier} – {parent(i).title}" for i in items]
    assert job.info == f"Item list: {len(items)} items (CSV)."


def test_box_labels_name_the_fonds_even_from_below_it(as_user, run_jobs, fonds):
    series = described(fonds, "series")[1]
    files = described(series.slug, "file")
    job, response = report(as_user("alice"), run_jobs, series.slug, "box_labels", "csv")
    header, rows = csv_rows(response)
    assert header == ["Reference code", "Title", "Dates", "Fonds"]
    assert [(r["Reference code"], r["Title"], r["Dates"]) for r in rows] == [
        (f.identifier, f.title, f.dates) for f in files
    ]
    assert {r["Fonds"] for r in rows} == {"Port Ellis Harbour Commission fonds"}
    assert job.info == f"Box labels: {len(files)} labels (CSV)."


@pytest.mark.parametrize("kind, level, title", [("file_list", "file", "File list"), ("item_list", "item", "Item list")])
def test_pdf_lists(as_user, run_jobs, fonds, kind, level, title):
    listed = described(fonds, level)
    job, response = report(as_user("alice"), run_jobs, fonds, kind, "pdf")
    assert response.content_type == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())  # cells wrap
    assert f"{title}: Port Ellis Harbour Commission fonds" in text
    assert listed[0].title in text and listed[-1].identifier in text
    assert f"Page 1 of {len(pdf.pages)}" in text
    assert job.info == f"{title}: {len(listed)} {level}s (PDF, {len(pdf.pages)} page{'s' * (len(pdf.pages) > 1)})."


def test_a_long_pdf_is_laid_out_in_chunks_with_every_row_once(as_user, run_jobs, monkeypatch):
    monkeypatch.setattr(report_pdf, "CHUNK_ROWS", 20)  # many chunks (7), so rows are carried across joins
    slug = insert_demo_fonds(150, title="Long fonds")  # 124 items
    items = described(slug, "item")
    job, response = report(as_user("alice"), run_jobs, slug, "item_list", "pdf")
    pdf = PdfReader(io.BytesIO(response.body))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert [text.count(f"{i.identifier}\n") + text.count(f"{i.identifier} ") for i in items] == [1] * len(items)
    assert all("Identifier" in page.extract_text() for page in pdf.pages)  # the header row on every page
    assert f"Page {len(pdf.pages)} of {len(pdf.pages)}" in pdf.pages[-1].extract_text()
    assert job.output.count("Listed ") >= len(items) // 20


def test_box_labels_are_refused_as_pdf_on_the_form(as_user, fonds, job_count):
    response = submit(as_user("alice"), "report", status=400, record=fonds, kind="box_labels", format="pdf")
    assert "Box labels can only be made as CSV: choose CSV." in response.text
    assert job_count() == 0


def test_an_unknown_record_is_refused_on_the_form(as_user, fonds, job_count):
    response = submit(as_user("alice"), "report", status=400, record="no-such-fonds", kind="file_list", format="csv")
    assert "There is no description with the slug “no-such-fonds”." in response.text
    assert job_count() == 0


def test_the_form_is_prefilled_from_the_record_link(as_user, fonds):
    page = as_user("alice").get(f"/jobs/new/report?record={fonds}")
    assert page.forms["job-form"]["record"].value == fonds


def test_a_job_whose_record_was_deleted_fails_with_a_message(as_user, start_worker, fonds):
    client = as_user("alice")
    submit(client, "report", record=fonds, kind="file_list", format="csv", status=302)
    job = last_job()
    db.session.execute(D.__table__.delete())
    db.session.commit()
    start_worker()
    job = last_job()
    assert job.status == JobStatus.ERROR
    assert "The description of this job no longer exists." in job.output


def test_a_viewer_cannot_create_a_report(as_user, roles, fonds, post, job_count):
    client = as_user("victor")
    assert "Generate report" not in client.get("/jobs/new").text
    client.get("/jobs/new/report", status=403)
    assert post("/jobs/new/report", {"record": fonds, "kind": "file_list", "format": "csv"}).status_int == 403
    assert job_count() == 0
    assert "Generate report" in as_user("carol").get("/jobs/new").text  # a contributor may
