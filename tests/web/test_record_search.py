"""The record pickers' search: descriptions by title or identifier, only those the user may see,
a move's own sub-tree left out."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription, PublicationStatus, Role
from models.user import create_user
from tests.helpers import PASSWORD


def found(client, **params) -> list[dict]:
    return client.get("/descriptions/search.json", params).json


@pytest.fixture
def tree(app):
    fonds = insert_demo_fonds(30)
    root = ArchivalDescription.by_slug(fonds)
    children = db.session.scalars(select(ArchivalDescription).where(ArchivalDescription.parent_id == root.id)).all()
    root.publication_status = children[0].publication_status = PublicationStatus.PUBLISHED
    children[0].title, children[0].identifier = "Quay Master's 100% Correspondence", "HM-1"
    children[1].title, children[1].publication_status = "Secret quay_plans", PublicationStatus.DRAFT
    db.session.commit()
    create_user("victor", PASSWORD, role=Role.VIEWER)
    return root, children


def test_by_title_or_identifier_case_insensitive(as_user, tree):
    root, children = tree
    client = as_user("alice")
    assert [r["slug"] for r in found(client, q="quay master")] == [children[0].slug]
    assert [r["title"] for r in found(client, q="hm-1")] == [children[0].title]
    first = found(client, q="port ellis")[0]
    assert (first["slug"], first["level"]) == (root.slug, "Fonds")


def test_wildcards_typed_are_plain_characters(as_user, tree):
    _, children = tree
    client = as_user("alice")
    assert [r["slug"] for r in found(client, q="100%")] == [children[0].slug]
    assert [r["slug"] for r in found(client, q="quay_")] == [children[1].slug]  # not "quay" + any character


def test_a_viewer_finds_published_records_only(as_user, tree):
    _, children = tree
    assert [r["slug"] for r in found(as_user("victor"), q="quay")] == [children[0].slug]
    assert {r["slug"] for r in found(as_user("alice"), q="quay")} == {children[0].slug, children[1].slug}


def test_a_moves_targets_leave_out_the_record_and_its_sub_tree(as_user, tree):
    root, _children = tree
    everything = found(as_user("alice"), q="series") + found(as_user("alice"), q="file")
    inside = {r["slug"] for r in everything}
    left = {r["slug"] for r in found(as_user("alice"), q="port", exclude=root.slug)}
    assert root.slug not in left
    assert not (left & inside)


def test_short_or_missing_queries_find_nothing_and_at_most_ten_come_back(as_user, tree):
    client = as_user("alice")
    assert found(client, q="p") == []
    assert found(client) == []
    assert len(found(client, q="e")) == 0
    assert len(found(client, q="an")) <= 10


def test_the_job_forms_offer_the_picker_and_still_take_a_slug(as_user, tree):
    root, _ = tree
    client = as_user("alice")
    page = client.get(f"/jobs/new/finding_aid?record={root.slug}")
    field = page.html.find("input", {"name": "record"})
    assert field["data-picker"] == "one"
    assert field["value"] == root.slug  # the description page's link prefills it
    assert page.html.find("form", id="job-form")["data-search-url"] == "/descriptions/search.json"
    move = client.get("/jobs/new/move_description").html.find("input", {"name": "new_parent"})
    assert move["data-picker-exclude"] == "record"
    assert client.get("/jobs/new/export_descriptions").html.find("input", {"name": "record"})["data-picker"] == "many"


def test_no_form_renders_a_python_none_into_an_attribute(as_user, tree):
    """aria-invalid="None" is an invalid ARIA value (axe): absent attributes stay absent."""
    from actors.registry import JOB_TYPES

    client = as_user("admin")
    forms = [f"/jobs/new/{key}" for key, job_type in JOB_TYPES.items() if not job_type.hidden]
    for path in [*forms, "/users/new", "/account/password"]:
        assert '="None"' not in client.get(path).text, path
