"""Finding-aid options: an inventory summary, and only what the public sees."""

from __future__ import annotations

from pypdf import PdfReader
from sqlalchemy import update

from actors.engine.launching import launch
from models import ArchivalDescription as D
from models import FindingAid, Job, JobStatus, PublicationStatus


def pdf_text(app, slug: str) -> str:
    aid = FindingAid.for_description(D.by_slug(slug).id)
    reader = PdfReader(f"{app.instance_path}/finding-aids/{aid.file_name}")
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split()).lower()


def generate(fonds: str, run_jobs, db, **parameters) -> Job:
    job, _ = launch("finding_aid", description=D.by_slug(fonds), parameters={"format": "pdf", **parameters})
    run_jobs()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def test_inventory_summary_leaves_out_extent_and_scope(app, db, fonds, run_jobs):
    generate(fonds, run_jobs, db, model="full")
    assert "scope and content" in pdf_text(app, fonds)
    assert "extent and medium" in pdf_text(app, fonds)
    job = generate(fonds, run_jobs, db, model="summary")
    text = pdf_text(app, fonds)
    assert "scope and content" not in text
    assert "extent and medium" not in text
    assert D.by_slug(fonds).children()[0].title.lower() in text
    assert "inventory summary" in job.output


def test_public_finding_aid_skips_drafts_and_everything_under_them(app, db, fonds, run_jobs):
    root = D.by_slug(fonds)
    db.session.execute(update(D).values(publication_status=PublicationStatus.PUBLISHED))
    series = root.children()[0]
    hidden_child = series.children()[0]
    db.session.execute(
        update(D).where(D.id == series.id).values(publication_status=PublicationStatus.DRAFT, identifier="DRAFT-SERIES")
    )
    db.session.execute(update(D).where(D.id == hidden_child.id).values(identifier="UNDER-DRAFT"))
    db.session.commit()
    job = generate(fonds, run_jobs, db, public=True)
    text = pdf_text(app, fonds)
    assert "draft-series" not in text
    assert "under-draft" not in text
    expected = 40 - (series.descendant_count + 1)
    assert f"Rendering {expected} of {expected} descriptions" in job.output
    generate(fonds, run_jobs, db, public=False)
    assert "draft-series" in pdf_text(app, fonds)


def test_a_public_finding_aid_of_a_draft_fails_with_a_clear_message(db, fonds, run_jobs):
    db.session.execute(update(D).values(publication_status=PublicationStatus.DRAFT))
    db.session.commit()
    job, _ = launch("finding_aid", description=D.by_slug(fonds), parameters={"format": "rtf", "public": True})
    run_jobs()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.ERROR
    assert job.info.endswith("is a draft: the public sees nothing of it.")


def test_the_description_page_offers_the_options(as_user, fonds, db):
    page = as_user("alice").get(f"/descriptions/{fonds}")
    form = next(f for f in page.forms.values() if f.action.endswith("/finding-aid"))
    form["format"], form["model"], form["public"] = "rtf", "summary", True
    form.submit()
    job = db.session.scalars(db.select(Job)).one()
    assert job.parameters == {"format": "rtf", "model": "summary", "public": True}
