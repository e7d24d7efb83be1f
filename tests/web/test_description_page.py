"""The description page by ISAD(G) area (only what is filled), creators linked to their
authority record, containers listed; browse by level and by repository; a digital object's
URI a link only when it is a web address."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from extensions import db
from models import ArchivalDescription as D
from models import Job, JobStatus, PublicationStatus, Repository
from models.finding_aid import replace_finding_aid
from tests.import_export_support import ISAD, fixture_bytes, roles, run_form

__all__ = ["roles"]


def imported(client, run_jobs) -> None:
    job = run_form(client, run_jobs, "import_descriptions", (ISAD, fixture_bytes(ISAD)))
    assert job.status == JobStatus.COMPLETED, job.output


def slug_of(identifier: str) -> str:
    return db.session.scalars(select(D.slug).where(D.identifier == identifier)).one()


def areas(page) -> dict[str, list[str]]:
    return {
        section.h2.get_text(strip=True): [dt.get_text(strip=True) for dt in section.find_all("dt")]
        for section in page.html.find_all("section", class_="isad-area")
    }


def test_the_page_shows_each_area_with_only_its_filled_fields(as_user, run_jobs):
    client = as_user("alice")
    imported(client, run_jobs)
    fonds = areas(client.get(f"/descriptions/{slug_of('LH')}"))
    assert list(fonds) == [
        "Identity area",
        "Context area",
        "Content and structure area",
        "Conditions of access and use area",
        "Allied materials area",
        "Notes area",
        "Access points",
        "Description control area",
        "Physical storage",
    ]
    assert "Conditions governing access" in fonds["Conditions of access and use area"]
    assert "Name of creator(s)" in fonds["Context area"]
    assert "Repository" in fonds["Context area"]
    series = areas(client.get(f"/descriptions/{slug_of('LH-1')}"))
    assert "Content and structure area" not in series  # nothing filled there
    assert series["Identity area"] == ["Reference code", "Title", "Date(s)", "Level of description"]


def test_creators_link_to_their_authority_record_and_back(as_user, run_jobs):
    client = as_user("alice")
    imported(client, run_jobs)
    page = client.get(f"/descriptions/{slug_of('LH')}")
    link = page.html.find("a", string="Port Ellis Lighthouse Service")
    authority = client.get(link["href"])
    assert authority.html.h1.get_text(strip=True) == "Port Ellis Lighthouse Service"
    assert "Founded in 1889 to keep the lights." in authority.text
    titles = [a.get_text(strip=True) for a in authority.html.select("ul.values a")]
    assert titles == ["Lighthouse Service fonds", "Logbooks"]  # its events' descriptions, in tree order
    assert "Box 1 — Shelf A" in page.html.find("section", attrs={"aria-labelledby": "containers-heading"}).text
    client.get("/authorities/nobody", status=404)


def test_browse_filters_by_level_and_repository(as_user, run_jobs, fonds):
    client = as_user("alice")
    imported(client, run_jobs)

    def titles(**args) -> list[str]:
        page = client.get("/descriptions/", params=args)
        return [a.get_text(strip=True) for a in page.html.select("tbody a")]

    assert titles(level="piece") == ["Logbook, 1890"]
    repository = db.session.scalars(select(Repository.id)).one()  # the demo fonds is there too
    held = titles(repository=repository)
    assert "Lighthouse Service fonds" in held
    assert "Logbooks" not in held  # its series names no repository
    assert len(held) == 1 + 40
    assert len(titles()) == 2  # top level: the demo fonds and the lighthouse fonds
    assert titles(level="no-such-level") == titles()  # an unknown filter is no filter, not a 500


@pytest.mark.parametrize(
    ("uri", "link"),
    [
        ("https://images.example.org/pehc/1.jpg", "https://images.example.org/pehc/1.jpg"),
        ("HTTP://images.example.org/1.jpg ", "HTTP://images.example.org/1.jpg"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("images/pehc/1.jpg", None),
    ],
)
def test_a_digital_object_uri_is_a_link_only_when_it_is_http(as_user, fonds, uri, link):
    """An imported digitalObjectURI is whatever the file said: only a web address is followed."""
    db.session.execute(update(D).where(D.slug == fonds).values(digital_object_uri=uri))
    db.session.commit()
    field = as_user("alice").get(f"/descriptions/{fonds}").html.find("dt", string="Digital object").find_next("dd")
    assert field.get_text(strip=True) == uri.strip()
    assert [a["href"] for a in field.find_all("a")] == ([link] if link else [])


EDITING = ["action-move_description", "action-publication_status", "action-descendant_dates", "action-inherit_rights"]


def actions(page) -> list[str]:
    """The ids of the actions under the record's title, in their order."""
    bar = page.html.find(id="record-actions")
    return [element["id"] for element in bar.select("[id^=action-]")] if bar else []


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("admin", ["action-finding-aid", "action-export_descriptions", *EDITING, "action-report"]),
        ("alice", ["action-finding-aid", "action-export_descriptions", *EDITING, "action-report"]),  # editor
        ("carol", ["action-finding-aid", "action-export_descriptions", "action-report"]),  # contributor
        ("victor", []),  # viewer
    ],
)
def test_the_actions_under_the_title_are_those_the_role_may_use_each_with_the_record(
    as_user, roles, fonds, username, expected
):
    """Item 1 of issue 27: AtoM's context menu, and nothing offered that answers "not allowed"."""
    db.session.execute(update(D).values(publication_status=PublicationStatus.PUBLISHED))  # (the viewer's too)
    db.session.commit()
    client = as_user(username)
    page = client.get(f"/descriptions/{fonds}")
    assert actions(page) == expected
    assert (page.html.find(id="record-actions") is None) == (not expected)
    for link in page.html.select("#record-actions a[href]"):
        assert client.get(link["href"]).forms["job-form"]["record"].value == fonds


def test_a_viewer_downloads_only_a_finding_aid_made_for_the_public(as_user, roles, fonds, make_job):
    record = db.session.scalars(select(D).where(D.slug == fonds)).one()
    record.publication_status = PublicationStatus.PUBLISHED
    for public in (False, True):
        job = make_job("alice", type="finding_aid", description_id=record.id, parameters={"public": public})
        replace_finding_aid(record.id, "pdf", f"aid-{public}.pdf", job_id=job.id)
        db.session.commit()
        page = as_user("victor").get(f"/descriptions/{fonds}")
        assert actions(page) == (["action-download-finding-aid"] if public else [])
        assert "Generate finding aid" not in page.text
    staff = as_user("carol").get(f"/descriptions/{fonds}")
    assert actions(staff)[:2] == ["action-download-finding-aid", "action-finding-aid"]


def test_the_last_job_that_changed_the_record_can_be_undone_from_it_by_who_may(as_user, fonds, run_jobs):
    alice = as_user("alice")
    form = alice.get(f"/jobs/new/publication_status?record={fonds}").forms["job-form"]
    form["status"] = "published"
    form.submit()
    run_jobs()
    job = db.session.scalars(select(Job)).one()
    assert job.status == JobStatus.COMPLETED, job.output
    undo = alice.get(f"/descriptions/{fonds}").html.find(id="action-undo")
    assert undo.get_text(" ", strip=True) == f"Undo job {job.id}… (Update publication status)"
    assert alice.get(undo["href"]).status_int == 200  # its confirmation: what will be put back
    assert "action-undo" not in actions(as_user("bob").get(f"/descriptions/{fonds}"))  # not bob's job
    assert "action-undo" in actions(as_user("admin").get(f"/descriptions/{fonds}"))


@pytest.mark.parametrize(  # (a recursive query: both databases)
    "database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_viewer_sees_the_published_records_below_drafts_as_contents_and_counts_them(as_user, roles, fonds):
    """Item 7 of issue 27: a published fonds whose series are drafts showed "Descendants 39" and
    no Contents to a viewer. A draft between two published records is left out, as in the breadcrumb."""
    db.session.execute(update(D).values(publication_status=PublicationStatus.DRAFT))
    fonds_record = db.session.scalars(select(D).where(D.slug == fonds)).one()
    series = db.session.scalars(select(D).where(D.parent_id == fonds_record.id).order_by(D.lft)).all()
    files = db.session.scalars(select(D).where(D.parent_id == series[0].id).order_by(D.lft)).all()
    fonds_record.publication_status = PublicationStatus.PUBLISHED
    for file in files:
        file.publication_status = PublicationStatus.PUBLISHED  # under a draft series
    db.session.commit()

    def contents(client) -> tuple[str, list[str], str]:
        page = client.get(f"/descriptions/{fonds}")
        heading = page.html.find(id="children-heading")
        titles = [a.get_text(strip=True) for a in page.html.select("#children-heading ~ div tbody a")]
        count = page.html.find("dt", string="Descendants").find_next("dd").get_text(strip=True)
        return (heading.get_text(strip=True) if heading else ""), titles, count

    heading, titles, count = contents(as_user("victor"))
    assert titles == [file.title for file in files]
    assert (heading, count) == (f"Contents ({len(files)})", str(len(files)))
    file_page = as_user("victor").get(f"/descriptions/{files[0].slug}")
    assert [a.get_text(strip=True) for a in file_page.html.select(".breadcrumb a")][1:] == [fonds_record.title]
    heading, titles, count = contents(as_user("carol"))  # staff: the tree as it is
    assert titles == [s.title for s in series]
    assert count == str(fonds_record.descendant_count)
