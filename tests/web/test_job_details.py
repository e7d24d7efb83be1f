"""A job's details page, its status for polling, and its console output download."""

from __future__ import annotations

from datetime import datetime

from models import ArchivalDescription, JobStatus
from tests.web.test_languages import pick


def fields_of(page) -> dict[str, str]:
    dl = page.html.find(id="job-fields")
    return {
        dt.get_text(strip=True): " ".join(dt.find_next_sibling("dd").get_text(" ", strip=True).split())
        for dt in dl.find_all("dt")
    }


def test_details_page_shows_every_field_and_the_output(as_user, make_job, fonds):
    record = ArchivalDescription.by_slug(fonds)
    job = make_job(
        "alice",
        JobStatus.ERROR,
        description_id=record.id,
        parameters={"format": "rtf"},
        created_at=datetime(2026, 11, 23, 16, 5, 1),
        finished_at=datetime(2026, 11, 23, 16, 6, 0),
        info="ValueError: boom",
        output="first line\nTraceback (most recent call last):\nValueError: boom\n",
    )
    page = as_user("alice").get(f"/jobs/{job.id}")
    assert page.html.h1.get_text(strip=True) == f"Job {job.id}: Generate finding aid"
    fields = fields_of(page)
    assert fields["Status"] == "Error"
    assert fields["Info"] == "ValueError: boom"
    assert fields["User"] == "alice"
    assert fields["Related record"] == record.title
    assert fields["Requested"] == fields["Started"] == "2026-11-23 16:05:01"
    assert fields["Ended"] == "2026-11-23 16:06:00"
    assert fields["Duration"] == "59 s"
    assert fields["Parameters"] == "Format RTF"  # its form's label and the option as offered
    shown = "first line\n(the details of this error are shown to administrators)\nValueError: boom\n"
    assert page.html.find(id="job-output").get_text() == shown  # the owner: the message, not the frames
    assert page.html.find("button", string="Retry job") is not None
    assert page.html.find("a", string="Cancel job…") is None


def test_details_of_a_queued_cli_job(as_user, make_job):
    job = make_job(None, JobStatus.QUEUED)
    fields = fields_of(as_user("admin").get(f"/jobs/{job.id}"))
    assert fields["Status"] == "Queued"
    assert fields["Ended"] == "N/A"
    assert fields["Duration"] == "N/A"
    assert fields["User"] == "(command line)"
    assert fields["Progress"] == "N/A"


def test_queued_job_offers_cancel_not_retry(as_user, make_job):
    job = make_job("alice", JobStatus.QUEUED)
    page = as_user("alice").get(f"/jobs/{job.id}")
    assert page.html.find("a", string="Cancel job…") is not None  # a link to a confirmation, not a button
    assert page.html.find("button", string="Retry job") is None
    assert "(no output yet)" in page.html.find(id="job-output").get_text()


def test_retry_page_links_to_the_original(as_user, make_job):
    original = make_job("alice", JobStatus.ERROR)
    retry = make_job("alice", JobStatus.QUEUED, retry_of_id=original.id)
    page = as_user("alice").get(f"/jobs/{retry.id}")
    assert fields_of(page)["Retry of"] == f"job {original.id}"
    assert page.html.find("a", href=f"/jobs/{original.id}") is not None


def test_status_json_reports_what_the_page_polls(as_user, make_job):
    job = make_job("alice", JobStatus.RUNNING, output="so far\n", progress_done=3, progress_total=12)
    data = as_user("alice").get(f"/jobs/{job.id}/status.json").json
    assert data == {
        "status": "Running",
        "active": True,
        "info": "",
        "output": "so far\n",
        "progress_done": 3,
        "progress_total": 12,
        "progress_percent": 25,
        "progress_text": "3 of 12 descriptions (25%)",  # with its unit, as the page shows it
    }


def test_output_download_is_plain_text_attachment(as_user, make_job):
    job = make_job("alice", JobStatus.COMPLETED, output="hello\nworld\n")
    response = as_user("alice").get(f"/jobs/{job.id}/output")
    assert response.content_type == "text/plain"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert f"job-{job.id}-output.txt" in response.headers["Content-Disposition"]
    assert response.text == "hello\nworld\n"


def test_output_download_prefers_the_full_log_file(as_user, make_job, instance_dir):
    log = instance_dir / "job-output" / "full.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("the whole text\n" * 100)
    job = make_job("alice", JobStatus.COMPLETED, output="the whole text\n[... omitted ...]\n", output_path=str(log))
    assert as_user("alice").get(f"/jobs/{job.id}/output").text == "the whole text\n" * 100


def test_cancel_asks_first(as_user, make_job, reload, form_for):
    """Cancel is a secondary action that asks: its confirmation changes nothing until confirmed."""
    job = make_job("alice", JobStatus.QUEUED)
    client = as_user("alice")
    link = client.get(f"/jobs/{job.id}").html.find("a", string="Cancel job…")
    assert "secondary" in link["class"]
    confirm = client.get(link["href"])
    assert reload(job.id).status == JobStatus.QUEUED
    assert "It has not started: it will never run." in confirm.text
    form_for(confirm, f"/jobs/{job.id}/cancel").submit().follow()
    assert reload(job.id).status == JobStatus.CANCELED
    again = client.get(f"/jobs/{job.id}/cancel").follow()  # ended: back to its page, said so
    assert f"Job {job.id} has already ended (Canceled)." in again.text


def parameters_of(page) -> list[tuple[str, str]]:
    dl = page.html.find(id="job-parameters")
    return [(dt.get_text(strip=True), dt.find_next_sibling("dd").get_text(strip=True)) for dt in dl.find_all("dt")]


def test_parameters_name_records_by_their_titles(as_user, make_job, fonds):
    """Not `slugs = ['port-ellis-…']` nor `new_parent = port-…`: the form's labels, the records' titles,
    each linking its record (one gone since stays as it was named)."""
    record = ArchivalDescription.by_slug(fonds)
    export = make_job("alice", JobStatus.COMPLETED, type="export_descriptions",
                      parameters={"format": "csv", "slugs": [fonds, "gone-since"]})  # fmt: skip
    page = as_user("alice").get(f"/jobs/{export.id}")
    assert parameters_of(page) == [("Format", "AtoM CSV"), ("Descriptions", f"{record.title}, gone-since")]
    links = page.html.find(id="job-parameters").find_all("a")
    assert [(a.text, a["href"]) for a in links] == [(record.title, f"/descriptions/{fonds}")]
    move = make_job("alice", JobStatus.ERROR, type="move_description", description_id=record.id,
                    parameters={"new_parent": fonds, "top_level": False})  # fmt: skip
    fields = fields_of(as_user("alice").get(f"/jobs/{move.id}"))
    assert fields["Parameters"] == f"New parent {record.title} Move to top level instead No"


def test_every_parameter_has_its_forms_label_and_a_readable_value(as_user, make_job, fonds):
    """Issue 27: no "parent / None" nor "partial / No" — the label the form gave, a value a person reads."""
    record = ArchivalDescription.by_slug(fonds)
    upload = {"path": "/nowhere/h.xml", "filename": "harbour.xml"}
    top = make_job("alice", JobStatus.COMPLETED, type="import_descriptions",
                   parameters={"file": upload, "format": "ead", "match": "update", "parent": None})  # fmt: skip
    assert parameters_of(as_user("alice").get(f"/jobs/{top.id}")) == [
        ("File", "harbour.xml"),
        ("Format", "EAD 2002 XML"),
        ("When a record with the same identifier exists under the same parent", "Update it with the file's values"),
        ("Parent description", "At the top level"),
    ]
    under = make_job("alice", JobStatus.COMPLETED, type="validate_csv", description_id=record.id,
                     parameters={"file": upload, "format": "ead", "match": "skip", "parent": fonds})  # fmt: skip
    assert ("Parent description", record.title) in parameters_of(as_user("alice").get(f"/jobs/{under.id}"))
    undo = make_job("alice", JobStatus.COMPLETED, type="undo_job", parameters={"partial": False})
    assert parameters_of(as_user("alice").get(f"/jobs/{undo.id}")) == [
        ("Undo what can be undone (leave the records changed since)", "No")
    ]
    moved = make_job("alice", JobStatus.COMPLETED, type="move_description", description_id=record.id,
                     parameters={"new_parent": "", "top_level": True})  # fmt: skip
    client = as_user("alice")
    assert parameters_of(client.get(f"/jobs/{moved.id}")) == [
        ("New parent", "At the top level"),
        ("Move to top level instead", "Yes"),
    ]
    pick(client, "fr")
    assert parameters_of(client.get(f"/jobs/{moved.id}"))[1][1] == "Oui"
