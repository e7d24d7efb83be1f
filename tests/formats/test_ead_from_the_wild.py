"""EAD 2002 as real systems write it (ArchivesSpace, LoC, CALM, ...): one pattern per component
of tests/fixtures/import/wild_patterns.xml, each imported, none refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from actors.formats.writing import paragraphs
from extensions import db
from models import AlternativeIdentifier, AuthorityRecord, Event, JobStatus, LevelOfDescription, Note
from models import ArchivalDescription as D
from tests.import_export_support import fixture_bytes, run_form


@pytest.fixture
def imported(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("w.xml", fixture_bytes("wild_patterns.xml")))
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def record(title: str) -> D:
    return db.session.scalars(select(D).where(D.title == title)).one()


def test_every_component_is_imported_with_warnings_counted_by_kind(imported):
    assert db.session.scalar(select(db.func.count()).select_from(D)) == 11
    assert "8 warnings: untitled component (3), no level (3), date not understood (2)" in imported.output
    assert imported.info.endswith(", 8 warnings (see details).")


def test_a_component_with_no_level_is_a_file_said_in_a_warning(imported):
    """(A file may hold thousands: each is named in the output, up to a limit, and counted.)"""
    lines = [line for line in imported.output.splitlines() if "no level of description" in line]
    assert len(lines) == 3
    assert all(line.startswith("Warning: /ead/archdesc/dsc/") for line in lines)
    assert all(line.endswith("no level of description: imported as “File”") for line in lines)


def test_ead_levels_join_the_levels_vocabulary(imported):
    names = LevelOfDescription.names()
    levels = {title: names[record(title).level_of_description] for title in (
        "Wild collection", "Group", "Subgroup", "Class", "A piece", "No level name", "Letters"
    )}  # fmt: skip
    assert levels == {
        "Wild collection": "Collection", "Group": "Record group", "Subgroup": "Subgroup", "Class": "Class",
        "A piece": "Piece", "No level name": "Other level", "Letters": "Series",
    }  # fmt: skip


def test_the_reference_code_is_the_current_unitid_and_the_others_are_kept_with_their_labels(imported):
    root = record("Wild collection")
    assert root.identifier == "W/1"
    others = db.session.execute(
        select(AlternativeIdentifier.label, AlternativeIdentifier.value).where(
            AlternativeIdentifier.description_id == root.id
        )
    ).all()
    assert others == [("Former Reference", "OLD/1")]
    assert record("Group").identifier == "W/1/1"  # a first, empty unitid is skipped


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        ("Wild collection", date(1927, 1, 1), date(2005, 12, 31)),  # the inclusive dates, not the bulk ones
        ("Group", date(1576, 10, 17), date(1576, 10, 17)),  # basic format YYYYMMDD
        ("Subgroup", date(1583, 4, 1), date(1583, 4, 30)),  # YYYYMM
        ("Class", date(1880, 1, 1), date(1979, 12, 31)),  # CALM's 1880-1979
        ("A piece", date(1846, 12, 31), date(1932, 12, 31)),  # a comma list: its span
        ("Letters", date(1895, 1, 1), date(1990, 12, 31)),  # unitdate inside unittitle
    ],
)
def test_normal_dates_as_written_in_the_wild(imported, title, start, end):
    found = record(title)
    assert (found.start_date, found.end_date) == (start, end)


def test_what_normal_cannot_say_is_a_warning_once_and_the_text_is_kept(imported):
    for title, text, normal in (("No level name", "undated", "0000/0000"), ("Backwards", "1980-1990", "1990/1980")):
        found = record(title)
        assert (found.dates, found.start_date, found.end_date) == (text, None, None)
        assert imported.output.count(f"normal “{normal}”") == 1


def test_bulk_dates_are_kept_beside_the_inclusive_ones(imported):
    events = db.session.execute(
        select(Event.date_text, Event.date_type, Event.start_date)
        .where(Event.description_id == record("Wild collection").id)
        .order_by(Event.position)
    ).all()
    assert events == [("1927-2005", "inclusive", date(1927, 1, 1)), ("bulk 1950-1960", "bulk", date(1950, 1, 1))]


def test_an_origination_labelled_with_the_actors_role_is_the_creator_of_the_creation_event(imported):
    first = db.session.execute(
        select(Event.event_type, Event.date_text, AuthorityRecord.authorized_name)
        .join(AuthorityRecord, AuthorityRecord.id == Event.authority_id)
        .where(Event.description_id == record("Wild collection").id)
    ).all()
    assert first == [("Creation", "1927-2005", "Ellis, Mary")]  # "Creator:" names the actor's role


def test_a_unitdate_inside_the_title_leaves_it_and_dao_is_the_digital_object(imported):
    letters = record("Letters")
    assert letters.dates == "1895-1990"
    assert letters.digital_object_uri == "https://example.org/letters.jpg"
    assert letters.has_digital_object


def test_untitled_components_are_titled_by_date_then_identifier_then_untitled(imported):
    assert record("1976-1978").dates == "1976-1978"
    assert record("W/2/2").identifier == "W/2/2"
    assert record("[Untitled]").parent_id == record("Letters").id
    for where in ("c01[2]/c02[1]", "c01[2]/c02[2]", "c01[2]/c02[3]"):
        assert f"/ead/archdesc/dsc/{where}: no unittitle" in imported.output


NO_UNITTITLE = """<?xml version="1.0" encoding="UTF-8"?>
<ead xmlns="urn:isbn:1-931666-22-9"><eadheader><eadid>x</eadid><filedesc><titlestmt>
<titleproper>Guide to the <emph>Quarry Hill</emph> estate papers <num>MS 12</num></titleproper></titlestmt>
</filedesc></eadheader><archdesc level="fonds"><did><unitdate>1890-1920</unitdate></did>
<dsc><c01 level="file"><did><unittitle>Leases</unittitle></did></c01></dsc></archdesc></ead>
"""


def test_a_fonds_with_no_unittitle_takes_the_finding_aids_title(as_user, run_jobs):
    """Not "[Untitled]" nor its date: the finding aid's titleproper names what it describes."""
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("t.xml", NO_UNITTITLE.encode()))
    assert job.status == JobStatus.COMPLETED, job.output
    fonds = db.session.scalars(select(D).where(D.parent_id.is_(None))).one()
    assert fonds.title == "Guide to the Quarry Hill estate papers MS 12"
    said = "no unittitle: titled “Guide to the Quarry Hill estate papers MS 12” (the finding aid's titleproper)"
    assert f"/ead/archdesc: {said}" in job.output
    assert record("Leases").parent_id == fonds.id


def test_notes_keep_their_paragraphs_and_lists_in_the_page_and_the_export(as_user, run_jobs):
    client = as_user("alice")
    job = run_form(client, run_jobs, "import_descriptions", ("n.xml", fixture_bytes("structured_notes.xml")))
    assert job.status == JobStatus.COMPLETED, job.output
    fonds = record("Notes collection")
    assert fonds.scope_and_content == "First paragraph.\n\n- Letters\n- Diaries\n\nLast paragraph."
    assert fonds.arrangement == "- Series 1: Correspondence\n- Series 2: Photographs"
    notes = db.session.execute(select(Note.note_type, Note.content).where(Note.description_id == fonds.id)).all()
    assert sorted(notes) == [
        ("general", "- 1901: Founded\n- 1950: Moved; Renamed"),
        ("publication", "Smith, Harbour history, 2001."),
    ]
    page = client.get(f"/descriptions/{fonds.slug}").text
    assert '<ul class="note-list"><li>Letters</li><li>Diaries</li></ul>' in page
    assert "<p>First paragraph.</p>" in page
    scope = paragraphs("scopecontent", fonds.scope_and_content)
    lists = "<list><item>Letters</item><item>Diaries</item></list>"
    assert scope == f"<scopecontent><p>First paragraph.</p>{lists}<p>Last paragraph.</p></scopecontent>"


def test_an_sgml_era_doctype_with_ndata_images_imports(as_user, run_jobs):
    """NDATA entities are never expanded: they pass; parsed entities stay refused (test_uploads)."""
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("s.xml", fixture_bytes("sgml_doctype.xml")))
    assert job.status == JobStatus.COMPLETED, job.output
    assert record("Old fonds").start_date == date(1890, 1, 1)
    assert record("A file")
