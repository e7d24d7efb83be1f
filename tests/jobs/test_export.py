"""Export descriptions to a zip (AtoM CSV or EAD), its download, and the round trip through import."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring
from sqlalchemy import select
from webtest import Upload

from actors.engine.launching import launch
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from tests.import_export_support import (
    assert_consistent,
    description_count,
    last_job,
    roles,
    run_form,
    tree,
)

__all__ = ["roles"]


def download(client, job_id: int, status: int = 200):
    return client.get(f"/jobs/{job_id}/result", status=status)


def members(response) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(response.body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def export(client, run_jobs, record: str, fmt: str):
    job = run_form(client, run_jobs, "export_descriptions", record=record, format=fmt)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def test_csv_export_through_the_form(as_user, run_jobs, fonds, instance_dir):
    client = as_user("alice")
    job = export(client, run_jobs, fonds, "csv")
    assert job.info == "Exported 40 descriptions (AtoM CSV, zip)."
    assert "Exported 40 of 40 descriptions." in job.output
    assert Path(job.result_path).parent == instance_dir / "exports"
    response = download(client, job.id)
    assert response.content_type == "application/zip"
    assert f"job-{job.id}-export_descriptions.zip" in response.headers["Content-Disposition"]
    files = members(response)
    assert list(files) == [f"{fonds}.csv"]
    rows = list(csv.DictReader(io.StringIO(files[f"{fonds}.csv"].decode())))
    assert len(rows) == 40
    assert [r["title"] for r in rows] == [t for _, _, t, *_ in tree(fonds)]
    assert rows[0]["parentId"] == ""
    assert rows[1]["parentId"] == rows[0]["legacyId"]
    assert rows[0]["levelOfDescription"] == "Fonds"


def test_ead_export_is_one_finding_aid_per_record(as_user, run_jobs, fonds):
    other = insert_demo_fonds(5, title="Second fonds")
    client = as_user("alice")
    job = export(client, run_jobs, f"{fonds}, {other}", "ead")
    files = members(download(client, job.id))
    assert sorted(files) == sorted([f"{fonds}.xml", f"{other}.xml"])
    root = fromstring(files[f"{fonds}.xml"])
    ns = "{urn:isbn:1-931666-22-9}"
    assert root.tag == f"{ns}ead"
    assert len(root.findall(f".//{ns}c")) == 39
    assert root.find(f"{ns}archdesc/{ns}did/{ns}unittitle").text == "Port Ellis Harbour Commission fonds"


def test_records_are_exported_in_the_order_asked_each_once(as_user, run_jobs, fonds):
    other = insert_demo_fonds(5, title="Second fonds")
    series = db.session.scalars(select(D).where(D.depth == 1).order_by(D.lft).limit(1)).one()
    inside = series.children()[0].slug  # (named before the fonds that holds it)
    client = as_user("alice")
    job = export(client, run_jobs, f"{other}, {inside}, {series.slug}, {fonds}", "ead")
    assert list(members(download(client, job.id))) == [f"{other}.xml", f"{fonds}.xml"]


def test_the_result_is_only_for_who_may_see_the_job(as_user, run_jobs, fonds, roles, testapp):
    job = export(as_user("carol"), run_jobs, fonds, "csv")  # a contributor may export
    download(as_user("carol"), job.id)
    download(as_user("bob"), job.id, status=404)
    download(as_user("admin"), job.id)
    testapp.reset()
    assert download(testapp, job.id, status=302).headers["Location"].startswith("/login")


def test_a_job_without_a_result_is_a_404(as_user, make_job):
    job = make_job("alice")
    page = download(as_user("alice"), job.id, status=404)
    assert "has no result file" in page.text
    download(as_user("alice"), 999999, status=404)


def test_a_record_deleted_before_the_export_runs_fails_cleanly(app, run_jobs, instance_dir):
    launch("export_descriptions", parameters={"format": "csv", "slugs": ["gone"]})  # (its form checked it existed)
    run_jobs()
    job = last_job()
    assert job.status == JobStatus.ERROR
    assert "The description “gone” no longer exists." in job.info
    assert list((instance_dir / "exports").glob("*")) == []


def test_unknown_slugs_are_refused_on_the_form(as_user, fonds):
    from tests.import_export_support import submit

    page = submit(as_user("alice"), "export_descriptions", record=f"{fonds}, nope", format="csv", status=400)
    assert "No description is “nope”: choose one from the suggestions." in page.text


@pytest.mark.parametrize("fmt", ["csv", "ead"])
def test_an_export_reimports_to_the_same_tree(as_user, run_jobs, fonds, fmt):
    client = as_user("alice")
    special = D.by_slug(fonds).children()[0]
    special.title = '=HYPERLINK("http://evil") & <b>"quoted"</b>'
    special.identifier = "-1"
    db.session.commit()
    original = tree(fonds)
    job = export(client, run_jobs, fonds, fmt)
    ((name, content),) = members(download(client, job.id)).items()
    target = insert_demo_fonds(1, title="Target")
    imported = run_form(client, run_jobs, "import_descriptions", (name, content), record=target, match="new")
    assert imported.status == JobStatus.COMPLETED, imported.output
    copy = D.by_slug(target).children()[0]
    assert tree(copy.slug) == original
    assert_consistent()
    count = description_count()
    db.session.execute(db.delete(D))  # and into an empty database
    db.session.commit()
    page = client.get("/jobs/new/import_descriptions")
    form = next(f for f in page.forms.values() if "file" in f.fields)
    form["file"] = Upload(name, content)
    form.submit()
    run_jobs()
    assert last_job().status == JobStatus.COMPLETED
    top = db.session.scalars(D.top_level()).one()
    assert tree(top.slug) == original
    assert description_count() == count - 41
