"""Update publication status: a record alone, or with all its descendants, from the form to the tree."""

from __future__ import annotations

from actors.engine.launching import launch
from models import ArchivalDescription as D
from models import JobStatus, PublicationStatus
from tests.tree_jobs_support import (
    assert_contributor_refused,
    finished,
    launch_through_form,
    subtree_snapshot,
)

DRAFT, PUBLISHED = PublicationStatus.DRAFT, PublicationStatus.PUBLISHED


def statuses(db, slug: str) -> list[PublicationStatus]:
    db.session.expire_all()
    return [d.publication_status for d in db.session.scalars(D.by_slug(slug).subtree())]


def test_publish_a_fonds_and_all_its_descendants(as_user, db, fonds, run_jobs):
    before = statuses(db, fonds)
    assert DRAFT in before  # demo data: a mix
    assert PUBLISHED in before
    job = launch_through_form(
        as_user("alice"), run_jobs, "publication_status", fonds, status="published", include_descendants=True
    )
    assert job.status == JobStatus.COMPLETED, job.output
    assert statuses(db, fonds) == [PUBLISHED] * 40
    changed = before.count(DRAFT)
    assert job.info == f"{changed} descriptions set to published ({40 - changed} already were)."
    assert "0 of 40 descriptions" in job.output
    assert "40 of 40 descriptions are now published." in job.output
    assert (job.progress_done, job.progress_total) == (40, 40)


def test_without_descendants_only_the_record_changes(as_user, db, fonds, run_jobs):
    series = D.by_slug(fonds).children()[0]
    before = statuses(db, series.slug)
    job = launch_through_form(as_user("alice"), run_jobs, "publication_status", series.slug, status="draft")
    assert job.status == JobStatus.COMPLETED, job.output
    assert statuses(db, series.slug) == [DRAFT, *before[1:]]
    assert "1 of 1 description is now draft." in job.output


def test_an_unknown_status_fails_with_its_message_and_changes_nothing(db, fonds, run_jobs, users):
    before = subtree_snapshot(fonds)
    job, _ = launch(
        "publication_status",
        user=users["alice"],
        description=D.by_slug(fonds),
        parameters={"status": "hidden", "include_descendants": True},
    )
    run_jobs()
    job = finished(job.id)
    assert job.status == JobStatus.ERROR
    assert "Unknown publication status 'hidden'; use draft or published." in job.info
    assert subtree_snapshot(fonds) == before


def test_the_form_refuses_an_unknown_record_and_status(as_user, db):
    client = as_user("alice")
    page = client.post(
        "/jobs/new/publication_status",
        {"record": "nowhere", "status": "hidden", "csrf_token": _token(client)},
        status=400,
    )
    assert "No description is “nowhere”: choose one from the suggestions." in page.text
    assert "Not a valid choice" in page.text


def test_contributors_may_not_publish(as_user, post, fonds):
    assert_contributor_refused(
        as_user, post, "publication_status", "Update publication status", fonds, status="published"
    )


def test_the_description_page_links_to_the_prefilled_form(as_user, fonds):
    page = as_user("alice").get(f"/descriptions/{fonds}")
    link = page.html.find("a", string="Update publication status")
    assert link["href"] == f"/jobs/new/publication_status?record={fonds}"


def _token(client) -> str:
    page = client.get("/jobs/new/publication_status")
    return page.html.find("input", attrs={"name": "csrf_token"})["value"]
