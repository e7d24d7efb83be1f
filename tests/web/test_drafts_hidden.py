"""A viewer learns nothing of what exists only through drafts: not the authority records only
drafts name, not the levels and repositories only drafts use, not where a draft is in a tree."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from commands.demo_data import insert_demo_fonds
from extensions import db
from models import (
    ArchivalDescription,
    AuthorityRecord,
    DescriptionName,
    Event,
    LevelOfDescription,
    PublicationStatus,
    Repository,
)
from tests.import_export_support import roles

__all__ = ["roles"]


@dataclass(frozen=True)
class World:
    secret: ArchivalDescription  # a draft series of a published fonds; its descendants are published
    creator: str  # slugs of authority records only the draft names: as its creator,
    subject: str  # and as a name access point
    repository: int  # a repository only the draft is in


@pytest.fixture
def world(app, roles) -> World:
    D = ArchivalDescription
    fonds = db.session.scalars(select(D).where(D.slug == insert_demo_fonds(30))).one()
    db.session.execute(update(D).values(publication_status=PublicationStatus.PUBLISHED))
    secret = db.session.scalars(select(D).where(D.parent_id == fonds.id).order_by(D.lft).limit(1)).one()
    (level,) = LevelOfDescription.ensure(["Secret dossier"])
    repository = Repository(name="Secret Depot")
    creator = AuthorityRecord(slug="secret-person", authorized_name="Secret Person", history="Knows the plans.")
    subject = AuthorityRecord(slug="whispered-name", authorized_name="Whispered Name")
    db.session.add_all([repository, creator, subject])
    db.session.flush()
    secret.publication_status, secret.level_of_description = PublicationStatus.DRAFT, level
    secret.repository_id = repository.id
    db.session.add_all(
        [
            Event(description_id=secret.id, authority_id=creator.id, event_type="creation"),
            DescriptionName(description_id=secret.id, authority_id=subject.id),
        ]
    )
    db.session.commit()
    return World(secret, creator.slug, subject.slug, repository.id)


def options(page, select_id: str) -> list[str]:
    return [option.get_text(strip=True) for option in page.html.find(id=select_id).find_all("option")]


def test_an_authority_record_only_drafts_name_is_not_there_for_a_viewer(as_user, world):
    viewer = as_user("victor")
    nobody = viewer.get("/authorities/nobody", status=404).html.main.get_text(" ", strip=True)
    for slug in (world.creator, world.subject):
        page = viewer.get(f"/authorities/{slug}", status=404)
        assert page.html.main.get_text(" ", strip=True) == nobody.replace("nobody", slug)
    fonds_creator = select(AuthorityRecord.slug).join(Event).where(Event.description_id == world.secret.parent_id)
    viewer.get(f"/authorities/{db.session.scalars(fonds_creator).one()}")  # the published fonds names it: there
    staff = as_user("carol").get(f"/authorities/{world.creator}")
    assert "Knows the plans." in staff.text
    assert world.secret.title in staff.text


def test_the_browse_filters_offer_a_viewer_only_what_published_descriptions_use(as_user, world):
    viewer = as_user("victor").get("/descriptions/")
    assert "Secret dossier" not in options(viewer, "browse-level")
    assert "Collection" not in options(viewer, "browse-level")  # (in the vocabulary, used by nothing)
    assert {"Fonds", "Series", "File"} <= set(options(viewer, "browse-level"))
    assert "Secret Depot" not in options(viewer, "browse-repository")
    assert len(options(viewer, "browse-repository")) == 2  # "Any" and the demo fonds' repository
    chosen = as_user("victor").get("/descriptions/", params={"repository": world.repository})
    assert chosen.html.find(id="browse-repository").find("option", selected=True) is None  # no such filter
    staff = as_user("carol").get("/descriptions/")
    assert "Secret dossier" in options(staff, "browse-level")
    assert "Secret Depot" in options(staff, "browse-repository")


def test_excluding_a_draft_from_a_viewers_search_is_excluding_nothing(as_user, world):
    def found(client, exclude: str) -> bytes:
        return client.get("/descriptions/search.json", {"q": "pehc", "exclude": exclude}).body

    viewer = as_user("victor")
    inside = db.session.scalars(world.secret.subtree().offset(1).limit(1)).one()
    assert inside.slug.encode() in found(viewer, "no-such-slug")  # published, under the draft
    assert found(viewer, world.secret.slug) == found(viewer, "no-such-slug")
    assert inside.slug.encode() not in found(as_user("carol"), world.secret.slug)  # staff: a move's targets
