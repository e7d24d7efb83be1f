"""Issue 27, item 5: records are named by their titles — in the pickers after an error, in the
Jobs filter, in the forms' errors — while forms still send (and scripts still post) slugs. And
item 13: a preview that would be blank says why nothing would change."""

from __future__ import annotations

import json

from sqlalchemy import select

from extensions import db
from models import ArchivalDescription, JobStatus, PublicationStatus, Role
from models.user import create_user
from tests.helpers import PASSWORD


def chosen(page, name: str) -> list[dict]:
    return json.loads(page.html.find("input", {"name": name})["data-picker-chosen"])


def a_child(slug: str) -> ArchivalDescription:
    root = ArchivalDescription.by_slug(slug)
    return db.session.scalars(select(ArchivalDescription).where(ArchivalDescription.parent_id == root.id)).first()


def test_a_form_shown_again_after_an_error_gives_its_picker_the_title_and_says_choose(as_user, fonds):
    record = ArchivalDescription.by_slug(fonds)
    page = as_user("alice").get("/jobs/new/move_description")
    form = page.forms["job-form"]
    form["record"], form["new_parent"] = fonds, "harbour"  # typed, not chosen
    page = form.submit(status=400)
    assert chosen(page, "record") == [
        {"slug": fonds, "title": record.title, "level": "Fonds", "identifier": record.identifier or ""}
    ]
    assert page.html.find("input", {"name": "record"})["value"] == fonds  # (the value sent stays the slug)
    assert chosen(page, "new_parent") == []
    errors = page.html.find(class_="message-error").get_text(" ", strip=True)
    assert "No description is “harbour”: choose one from the suggestions." in errors
    assert "slug" not in errors
    empty = as_user("alice").get("/jobs/new/finding_aid").forms["job-form"].submit(status=400)
    assert "Description: Choose a description from the suggestions." in empty.html.find(class_="message-error").text


def test_the_export_picker_gets_every_chosen_title_in_order(as_user, fonds):
    child = a_child(fonds)
    form = as_user("alice").get("/jobs/new/export_descriptions").forms["job-form"]
    form["record"] = f"{child.slug}, {fonds}, gone"
    page = form.submit(status=400)
    assert [c["title"] for c in chosen(page, "record")] == [child.title, ArchivalDescription.by_slug(fonds).title]
    assert "No description is “gone”: choose one from the suggestions." in page.text


def test_the_jobs_filter_has_a_record_picker_showing_the_title(as_user, fonds):
    record = ArchivalDescription.by_slug(fonds)
    client = as_user("alice")
    page = client.get(f"/jobs/?record={fonds}")
    field = page.html.find("input", id="filter-record")
    assert page.html.find("label", attrs={"for": "filter-record"}).text == "Record"
    assert (field["name"], field["data-picker"], field["value"]) == ("record", "one", fonds)  # (the URL keeps the slug)
    assert [c["title"] for c in json.loads(field["data-picker-chosen"])] == [record.title]
    assert field.find_parent("form")["data-search-url"] == "/descriptions/search.json"
    assert page.html.find("script", src="/static/picker.js") is not None
    typed = client.get("/jobs/?record=port+ellis")
    assert "No description is “port ellis”: choose one from the suggestions." in typed.text


def test_a_viewers_filter_does_not_tell_a_drafts_title(as_user, fonds):
    draft = a_child(fonds)
    draft.publication_status = PublicationStatus.DRAFT
    db.session.commit()
    create_user("victor", PASSWORD, role=Role.VIEWER)
    page = as_user("victor").get(f"/jobs/?record={draft.slug}")
    assert json.loads(page.html.find("input", id="filter-record")["data-picker-chosen"]) == []
    assert draft.title not in page.text


def test_inherit_rights_says_so_when_the_record_has_no_rights_to_pass_down(as_user, fonds):
    client = as_user("alice")
    page = client.get(f"/jobs/new/inherit_rights?record={fonds}")
    said = "This record has no rights statement to pass down: nothing would change."
    assert page.html.find(id="job-preview").text == said
    assert client.get(f"/jobs/new/inherit_rights/preview.json?record={fonds}&mode=combine").json == {"text": said}


def test_run_again_keeps_an_imports_parent_not_the_record_it_created(as_user, make_job, fonds):
    """A top-level import's job is about the fonds it created: run again, it is still top level."""
    created = ArchivalDescription.by_slug(fonds)
    upload = {"path": "/nowhere/h.csv", "filename": "h.csv"}
    top = make_job("alice", JobStatus.ERROR, type="import_descriptions", description_id=created.id,
                   parameters={"file": upload, "format": "csv", "match": "skip", "parent": None})  # fmt: skip
    page = as_user("alice").get(f"/jobs/new/import_descriptions?from={top.id}")
    assert page.forms["job-form"]["record"].value == ""
