"""Every word of an EAD 2002 finding aid: what has a field fills it, what has none is kept with its
element and attributes (shown on the page, printed in the finding aid, written back to the same
element), and what neither holds is a general note with a warning. tests/fixtures/import/every_word.xml
gathers the patterns of real files that lost words before (issue 26)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from extensions import db
from models import ArchivalDescription as D
from models import Container, JobStatus
from models.description_related import related_of
from tests.formats.test_ead_export_schema import NS, assert_valid, exported_ead
from tests.import_export_support import fixture_bytes, run_form

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from fidelity import measure_ead

SOURCE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "every_word.xml"


@pytest.fixture
def client(as_user):
    return as_user("alice")


@pytest.fixture
def imported(client, run_jobs):
    job = run_form(client, run_jobs, "import_descriptions", ("every_word.xml", fixture_bytes("every_word.xml")))
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def related(title: str):
    record = db.session.scalars(select(D).where(D.title == title)).one()
    return record, related_of([record], {})[record.id]


def kept(title: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {k.element: (k.text, k.attributes) for k in related(title)[1].kept}


def test_every_word_of_the_source_comes_back_in_the_export(client, run_jobs, imported, tmp_path):
    exported = tmp_path / "export.xml"
    exported.write_bytes(exported_ead(client, run_jobs, "harbour-papers"))
    fidelity = measure_ead(SOURCE, [exported])
    assert fidelity.lost_lines() == [], "\n".join(fidelity.lost_lines())
    assert fidelity.share == 100.0
    assert_valid(exported.read_bytes())


def test_two_dsc_import_and_a_part_with_no_place_is_a_general_note_said_in_a_warning(imported):
    titles = db.session.scalars(select(D.title).order_by(D.lft)).all()
    assert titles == ["Harbour papers", "Minutes", "Ledgers", "Ledger 1", "Ledger 1, loose leaves"]
    _, held = related("Ledger 1")
    assert held.notes == [("general", "A part no schema names.")]
    assert "<unknownpart> has no place here: its text is kept as a general note" in imported.output
    assert "kept as a note (1)" in imported.output


def test_parts_with_no_field_are_kept_with_their_element_and_attributes(imported):
    found = kept("Harbour papers")
    assert found["did/abstract"] == ("Minutes and ledgers of the harbour board.", {"label": "Abstract"})
    assert found["did/materialspec"] == ("Scale 1:2500", {"label": "Scale"})
    assert found["did/note"][0] == "Catalogued from the dealer's list."
    assert found["fileplan"][0] == "Kept in the board's own order."
    assert found["separatedmaterial"][0] == "Maps moved to the map room."
    assert found["prefercite"][0] == "Harbour papers, Port Ellis Archives."
    assert found["descgrp"] == ("Processed in 2020.", {"type": "admininfo"})
    assert found["controlaccess/function"][0] == "Port management"
    assert found["controlaccess"][0] == "Indexed under the following terms."
    assert found["controlaccess/occupation"][0] == "Harbour masters"


def test_repeated_parts_add_up_and_a_descgrp_fills_the_fields_of_its_parts(imported):
    record, held = related("Harbour papers")
    assert record.access_conditions == "Open to all.\n\nLedger 4 closed until 2030."
    assert ("general", "Some ledgers are water stained.") in held.notes
    assert record.alternate_title == "Papers of the harbour board"
    assert record.extent_and_medium == "3 boxes; water stained; 40 x 30 cm"
    assert record.languages == ["eng", "ces"]
    assert record.language_note == "Mostly in English, some Czech."


def test_every_name_repository_and_link_is_kept(imported):
    record, held = related("Harbour papers")
    assert [(e["event_type"], e["actor"]) for e in held.events if e.get("actor")] == [
        ("Creation", "Harbour Board"),  # (with the unitdate: the first creation event)
        ("Source", "Quayside Books, dealer"),
        ("Creation", "Mary Ellis"),
    ]  # fmt: skip
    assert held.repository == "Port Ellis Archives"
    repositories = [k.text for k in held.kept if k.element == "did/repository"]
    assert repositories == ["Quay Street Port Ellis", "Harbour Museum Library"]
    assert record.digital_object_uri == "https://example.org/minutes/1"
    assert record.digital_object_path == "scans/minutes-3.tif"
    links = [(k.text, k.attributes) for k in held.kept if k.element == "did/dao"]
    assert links == [
        ("https://example.org/minutes/2", {"href": "https://example.org/minutes/2", "title": "Volume two"})
    ]
    assert ("did/daodesc", "Scans of the minutes") in [(k.element, k.text) for k in held.kept]


def test_a_history_belongs_to_the_creator_it_names_never_to_the_dealer(imported):
    _, held = related("Harbour papers")
    histories = {e["actor"]: e.get("actor_history", "") for e in held.events if e.get("actor")}
    assert histories == {
        "Quayside Books, dealer": "", "Harbour Board": "The board ran the harbour from 1890.", "Mary Ellis": "",
    }  # fmt: skip


def test_containers_keep_their_label_nesting_and_own_location(imported):
    _, held = related("Harbour papers")
    assert held.containers == [
        {"type": "Box", "name": "1", "label": "Mixed Materials (39002042785937)", "location": "Strongroom A"},
        {"type": "Folder", "name": "2", "location": "", "parent": "0"},
        {"type": "Box", "name": "7", "location": "Strongroom B"},
    ]
    folder = db.session.scalars(
        select(Container).where(Container.container_type == "Folder", Container.parent_id.isnot(None))
    ).one()
    assert db.session.get(Container, folder.parent_id).label == "Mixed Materials (39002042785937)"
    _, ledger = related("Ledger 1")
    assert ledger.containers == []
    assert [(k.element, k.text) for k in ledger.kept] == [("did/physloc", "Shelf 3"), ("did/physloc", "Shelf 4")]


def test_the_same_access_point_or_container_given_twice_is_kept_not_merged_away(imported):
    _, fonds = related("Harbour papers")
    assert fonds.terms.count(("subject", "Harbours")) == 1  # (a record holds each access point once)
    assert [(k.element, k.text, k.attributes) for k in fonds.kept if k.element == "controlaccess/subject"] == [
        ("controlaccess/subject", "Harbours", {"source": "lctgm"})
    ]
    _, leaves = related("Ledger 1, loose leaves")
    assert leaves.containers == [{"type": "Folder", "name": "File", "location": ""}]
    assert [(k.element, k.text) for k in leaves.kept] == [("did/container", "File")]


def test_folder_2_of_two_boxes_are_two_folders(client, run_jobs, imported):
    other = (
        fixture_bytes("every_word.xml")
        .replace(b">EW 1<", b">EW 2<")
        .replace(b'id="box1" type="Box" label="Mixed Materials (39002042785937)">1', b'id="box1" type="Box">9')
    )
    job = run_form(client, run_jobs, "import_descriptions", ("other.xml", other), match="new")
    assert job.status == JobStatus.COMPLETED, job.output
    folders = db.session.scalars(
        select(Container).where(Container.container_type == "Folder", Container.parent_id.isnot(None))
    ).all()
    assert sorted(db.session.get(Container, f.parent_id).name for f in folders) == ["1", "9"]


def test_the_page_shows_what_was_kept_under_the_label_the_source_gave_it(client, imported):
    page = client.get("/descriptions/harbour-papers")
    text = " ".join(page.html.get_text(" ").split())
    assert "Abstract Minutes and ledgers of the harbour board." in text
    assert "Scale Scale 1:2500" in text
    assert "Preferred citation Harbour papers, Port Ellis Archives." in text
    assert "Function access points Port management" in text
    assert "Folder 2, in Box 1" in text
    assert "Box 1 (Mixed Materials (39002042785937)) — Strongroom A" in text


def test_the_export_writes_each_kept_element_back_in_its_place(client, run_jobs, imported):
    root = etree.fromstring(exported_ead(client, run_jobs, "harbour-papers"))
    archdesc = root.find(f"{NS}archdesc")
    did = archdesc.find(f"{NS}did")
    assert did.find(f"{NS}abstract").get("label") == "Abstract"
    assert did.find(f"{NS}materialspec").text == "Scale 1:2500"
    assert [c.get("label") for c in did.iterfind(f"{NS}container")] == ["Mixed Materials (39002042785937)", None, None]
    box, folder, _ = did.iterfind(f"{NS}container")
    assert folder.get("parent") == box.get("id")
    assert archdesc.find(f"{NS}prefercite") is not None
    assert archdesc.find(f"{NS}controlaccess/{NS}function").text == "Port management"
    assert [d.get("{http://www.w3.org/1999/xlink}href") for d in did.iterfind(f"{NS}dao")] == [
        "https://example.org/minutes/1", "scans/minutes-3.tif", "https://example.org/minutes/2",
    ]  # fmt: skip


def test_an_ead_round_trip_and_a_csv_round_trip_keep_what_was_kept(client, run_jobs, imported):
    from tests.formats.test_ead_round_trip import csv_rows  # (the CSV export's rows)

    first = exported_ead(client, run_jobs, "harbour-papers")
    again = run_form(client, run_jobs, "import_descriptions", ("again.xml", first), match="new")
    assert again.status == JobStatus.COMPLETED, again.output
    first_id = db.session.scalars(select(D.id).where(D.title == "Harbour papers").order_by(D.id)).first()
    before = related_of([db.session.get(D, first_id)], {})[first_id]
    after = related_of([db.session.get(D, again.description_id)], {})

    def by_place(kept):  # (the order of one element's kept ones is kept; across elements, the export's)
        return sorted(kept, key=lambda k: k.element)

    assert by_place(after[again.description_id].kept) == by_place(before.kept)
    rows = csv_rows(client, run_jobs, "harbour-papers")
    assert "did/abstract" in rows[0]["keptElements"]
    assert rows[0]["physicalObjectLabel"] == "Mixed Materials (39002042785937)"
    assert rows[0]["physicalObjectParent"].split("|")[1] == "0"  # (the folder sits in the first container)


def test_parts_written_after_the_children_join_their_component(tmp_path):
    """Notes after <dsc> (as Mnesys writes them), and text inside <dsc>: read in the planning pass,
    joined when the component is emitted; a history after them still goes to the one creator."""
    from actors.formats.ead.reader import EadReader

    source = tmp_path / "late.xml"
    source.write_text(
        '<ead xmlns="urn:isbn:1-931666-22-9"><archdesc level="fonds"><did><unittitle>Town records</unittitle>'
        "<origination><corpname>Town clerk</corpname></origination></did>"
        "<dsc><p>The inventory follows the old numbering.</p><c><did><unittitle>File</unittitle></did></c></dsc>"
        "<custodhist><p>Kept by the town clerk.</p></custodhist><bioghist><p>The clerk's office, 1200.</p></bioghist>"
        "</archdesc></ead>"
    )
    fonds, file = EadReader(source).rows()  # (the full pass runs the planning pass first when not yet run)
    assert fonds.raw["archival_history"] == "Kept by the town clerk."
    assert [(e["actor"], e.get("actor_history")) for e in fonds.related.events] == [
        ("Town clerk", "The clerk's office, 1200.")
    ]
    assert [(k.element, k.text) for k in fonds.related.kept] == [("dsc", "The inventory follows the old numbering.")]
    assert file.raw["title"] == "File"
