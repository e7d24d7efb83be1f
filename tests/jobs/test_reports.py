"""Generate report: file list, item list and box labels, as CSV and PDF, through the web form."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from actors.rendering import report_pdf
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import Container, DescriptionContainer, JobStatus
from tests.import_export_support import last_job, roles, run_form, submit

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
        "Reference code": first.identifier,
        "Title": first.title,
        "Dates": first.dates,
        "Extent": first.extent_and_medium,
        "Series": f"{series.identifier} – {series.title}",
    }
    assert job.info == f"File list: {len(files)} files (CSV)."
    assert f"Listed {len(files)} of {len(files)} descriptions." in job.output
    assert f"download it from /jobs/{job.id}/result" in job.output
    assert "reports/" not in job.output  # no server path for people
    assert "instance" not in job.output
    assert Path(job.result_path).parent == instance_dir / "reports"
    assert not list((instance_dir / "reports").glob(".*"))  # no partial file left behind


def test_item_list_csv_of_a_series_names_each_items_file(as_user, run_jobs, fonds):
    series = described(fonds, "series")[0]
    items = described(series.slug, "item")
    job, response = report(as_user("alice"), run_jobs, series.slug, "item_list", "csv")
    header, rows = csv_rows(response)
    assert header == ["Identifier", "Title", "Dates", "File"]
    assert [r["Identifier"] for r in rows] == [i.identifier for i in items]
    assert items
    assert [r["File"] for r in rows] == [f"{parent(i).identifier} – {parent(i).title}" for i in items]
    assert job.info == f"Item list: {len(items)} items (CSV)."


def boxes_of(slug: str) -> dict[str, list[D]]:
    """What the demo's containers hold below slug, by box ("Box 3"): the expected report."""
    root = D.by_slug(slug)
    box = aliased(Container)
    rows = db.session.execute(
        select(box.container_type, box.name, D)
        .select_from(DescriptionContainer)
        .join(Container, Container.id == DescriptionContainer.container_id)
        .join(box, box.id == func.coalesce(Container.parent_id, Container.id))
        .join(D, D.id == DescriptionContainer.description_id)
        .where(D.lft.between(root.lft, root.rgt))
        .order_by(D.lft)
    ).all()
    found: dict[str, list[D]] = {}
    for kind, name, description in rows:
        held = found.setdefault(f"{kind} {name}", [])
        if description not in held:
            held.append(description)
    return found


def test_box_labels_are_one_per_box_with_what_it_holds(as_user, run_jobs, fonds):
    series = described(fonds, "series")[1]
    expected = boxes_of(series.slug)
    job, response = report(as_user("alice"), run_jobs, series.slug, "box_labels", "csv")
    header, rows = csv_rows(response)
    assert header == ["Container", "Location", "Fonds", "Reference codes", "Contents"]
    assert sorted(r["Container"] for r in rows) == sorted(expected)
    assert expected
    first = rows[0]
    held = expected[first["Container"]]
    assert (
        first["Reference codes"] == f"{held[0].identifier} – {held[-1].identifier}"
        if len(held) > 1
        else held[0].identifier
    )
    assert first["Contents"].startswith(held[0].title)
    assert first["Location"].startswith("Strongroom 2, shelf")
    assert {r["Fonds"] for r in rows} == {"Port Ellis Harbour Commission fonds"}  # named even from below it
    assert job.info == f"Box labels: {len(expected)} label{'s' * (len(expected) != 1)} (CSV)."


def test_storage_locations_list_each_location_with_its_boxes_as_csv_and_pdf(as_user, run_jobs, fonds):
    client = as_user("alice")
    expected = boxes_of(fonds)
    job, response = report(client, run_jobs, fonds, "storage_locations", "csv")
    header, rows = csv_rows(response)
    assert header == ["Location", "Container", "Descriptions", "Reference codes", "Contents"]
    assert [r["Location"] for r in rows] == sorted(r["Location"] for r in rows)  # grouped by location
    assert {r["Container"]: int(r["Descriptions"]) for r in rows} == {box: len(held) for box, held in expected.items()}
    assert job.info == f"Storage locations: {len(rows)} container{'s' * (len(rows) != 1)} (CSV)."
    _job, response = report(client, run_jobs, fonds, "storage_locations", "pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body)).pages).split())
    assert "Storage locations: Port Ellis Harbour Commission fonds" in text
    assert "Strongroom 2, shelf 1" in text


@pytest.mark.parametrize(
    ("kind", "level", "title"), [("file_list", "file", "File list"), ("item_list", "item", "Item list")]
)
def test_pdf_lists(as_user, run_jobs, fonds, kind, level, title):
    listed = described(fonds, level)
    job, response = report(as_user("alice"), run_jobs, fonds, kind, "pdf")
    assert response.content_type == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.body))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())  # cells wrap
    assert f"{title}: Port Ellis Harbour Commission fonds" in text
    assert listed[0].title in text
    assert listed[-1].identifier in text
    assert f"Page 1 of {len(pdf.pages)}" in text
    assert "/StructTreeRoot" in pdf.trailer["/Root"]  # tagged
    assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"]
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


def test_an_unknown_record_is_refused_on_the_form(as_user, fonds, job_count):
    response = submit(as_user("alice"), "report", status=400, record="no-such-fonds", kind="file_list", format="csv")
    assert "No description is “no-such-fonds”: choose one from the suggestions." in response.text
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
