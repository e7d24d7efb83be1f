"""Generate report, box labels as PDF: a sheet of labels, one per box, chosen on the form (its
default from the browser's country), and the container list's table still there as an option."""

from __future__ import annotations

import io
import math

import pytest
from pypdf import PdfReader

from commands.demo_related import REPOSITORY
from models import ArchivalDescription as D
from models import JobStatus
from tests.import_export_support import roles, run_form
from tests.jobs.test_reports import boxes_of

__all__ = ["roles"]


def report(client, run_jobs, record: str, sheet: str):
    job = run_form(client, run_jobs, "report", record=record, kind="box_labels", format="pdf", sheet=sheet)
    assert job.status == JobStatus.COMPLETED, job.output
    return job, client.get(f"/jobs/{job.id}/result")


def pdf_pages(response) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.body)).pages]


@pytest.mark.parametrize(("sheet", "per_page"), [("a4_2x7", 14), ("letter_2x5", 10)])
def test_box_labels_as_pdf_are_a_sheet_of_labels(as_user, run_jobs, fonds, sheet, per_page):
    boxes = boxes_of(fonds)
    job, response = report(as_user("alice"), run_jobs, fonds, sheet)
    pages = pdf_pages(response)
    assert len(pages) == math.ceil(len(boxes) / per_page)
    text = " ".join(pages)
    assert text.count(REPOSITORY.upper()) == len(boxes)  # every label says whose box it is
    assert text.count("Port Ellis Harbour Commission fonds") == len(boxes)
    root = D.by_slug(fonds)
    assert text.count(f"{root.identifier} · ") == len(boxes)
    for held in boxes.values():
        years = [d.start_date.year for d in held] + [d.end_date.year for d in held]
        assert f"{min(years)}–{max(years)}" in text
    assert "Reference codes" not in text  # not the table
    assert "Page 1 of" not in text  # nothing printed but labels
    assert (
        job.info
        == f"Box labels: {len(boxes)} label{'s' * (len(boxes) != 1)} (PDF, {len(pages)} page{'s' * (len(pages) != 1)})."
    )


def test_the_container_list_table_is_still_there(as_user, run_jobs, fonds):
    _job, response = report(as_user("alice"), run_jobs, fonds, "table")
    text = " ".join(pdf_pages(response))
    assert "Box labels: Port Ellis Harbour Commission fonds" in text
    assert "Container Location Fonds Reference codes Contents" in text


@pytest.mark.parametrize(
    ("accept", "sheet"),
    [
        ("en-US,en;q=0.9", "letter_2x5"),
        ("fr-CA", "letter_2x5"),
        ("en-GB", "a4_2x7"),
        ("fr", "a4_2x7"),
        (None, "a4_2x7"),
    ],
)
def test_the_label_sheet_defaults_to_the_one_sold_where_the_reader_is(as_user, accept, sheet):
    headers = {"Accept-Language": accept} if accept else {}
    form = as_user("alice").get("/jobs/new/report", headers=headers).forms["job-form"]
    assert form["sheet"].value == sheet
    assert [value for value, _selected, _text in form["sheet"].options] == ["a4_2x7", "letter_2x5", "table"]
