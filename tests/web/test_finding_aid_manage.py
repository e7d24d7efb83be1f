"""Editors replace a finding aid by an uploaded PDF or delete it; others may not."""

from __future__ import annotations

from pathlib import Path

from webtest import Upload

from models import ArchivalDescription, FindingAid, Role
from models.user import create_user
from tests.helpers import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload_form(page):
    return page.forms["finding-aid-upload"]


def test_an_editor_uploads_a_pdf_which_then_downloads(as_user, fonds, db, app):
    page = as_user("alice").get(f"/descriptions/{fonds}")
    form = upload_form(page)
    form["file"] = Upload("my-aid.pdf", PDF, "application/pdf")
    page = form.submit().follow()
    assert "The uploaded PDF is now the finding aid of this description." in page.text
    assert "Uploaded by alice" in page.text
    download = as_user("alice").get(f"/descriptions/{fonds}/finding-aid")
    assert download.body == PDF
    assert download.content_type == "application/pdf"


def test_uploads_that_are_not_pdfs_or_are_empty_are_refused_with_a_message(as_user, fonds, db):
    for name, content, message in (
        ("notes.pdf", b"just text", "This is not a PDF file"),
        ("empty.pdf", b"", "The file is empty."),
    ):
        form = upload_form(as_user("alice").get(f"/descriptions/{fonds}"))
        form["file"] = Upload(name, content, "application/pdf")
        assert message in form.submit().follow().text
    record = ArchivalDescription.by_slug(fonds)
    assert FindingAid.for_description(record.id) is None


def test_delete_removes_the_file_and_the_download(as_user, fonds, db, app):
    form = upload_form(as_user("alice").get(f"/descriptions/{fonds}"))
    form["file"] = Upload("aid.pdf", PDF, "application/pdf")
    form.submit()
    aid = FindingAid.for_description(ArchivalDescription.by_slug(fonds).id)
    stored = Path(app.instance_path) / "finding-aids" / aid.file_name
    assert stored.is_file()
    page = as_user("alice").get(f"/descriptions/{fonds}").forms["finding-aid-delete"].submit().follow()
    assert "The finding aid was deleted." in page.text
    assert not stored.exists()
    as_user("alice").get(f"/descriptions/{fonds}/finding-aid", status=404)


def test_contributors_cannot_upload_or_delete(as_user, post, fonds, users, db):
    create_user("carol", PASSWORD, role=Role.CONTRIBUTOR)
    page = as_user("carol").get(f"/descriptions/{fonds}")
    assert "finding-aid-upload" not in page.forms
    post(f"/descriptions/{fonds}/finding-aid/delete", status=403)
    post(f"/descriptions/{fonds}/finding-aid/upload", status=403)
