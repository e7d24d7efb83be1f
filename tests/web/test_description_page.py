"""The description page by ISAD(G) area (only what is filled), creators linked to their
authority record, containers listed; browse by level and by repository; a digital object's
URI a link only when it is a web address."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from extensions import db
from models import ArchivalDescription as D
from models import JobStatus, Repository
from tests.import_export_support import ISAD, fixture_bytes, run_form


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
