"""RAD's fields in EAD 2002 where AtoM writes and reads them (actors.formats.ead.rad): notes as
typed <odd>s, material designations as <genreform source="rad">; the export stays valid, and
imports back into the same columns (other_fields), never as general notes or genres."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import fromstring

import pytest
from lxml import etree
from sqlalchemy import select

from actors.formats.ead.dialects import DIALECTS
from actors.formats.ead.rad import IN_DID, IN_EAD, IN_SERIES, did_parts, rad_parts, take_rad
from actors.formats.ead.reader import EadReader
from actors.formats.rows import Row
from extensions import db
from models import ArchivalDescription as D
from models.description_related import related_of
from tests.formats.test_ead_export_schema import NS, assert_valid, exported_ead
from tests.formats.test_ead_round_trip import imported
from tests.import_export_support import fixture_bytes

RAD_EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "atom_example_information_objects_rad.csv"
EVERY_PLACE = {  # one value in each column with an EAD place (and a "|" list, a second paragraph, an "&")
    **{column: f"{column} text" for column in IN_EAD},
    "radGeneralMaterialDesignation": "Textual record|Cartographic material",
    "radNoteConservation": "Rebound in 1990.\n\nBoxed & labelled.",
}
WRITTEN_AFTER_DID = IN_EAD - set(IN_DID) - set(IN_SERIES)  # (in <did>: once actors.formats.ead.did reads them)


def taken(parts: list[str], dialect: str = "ead") -> dict[str, str]:
    """What ``take_rad`` reads of EAD parts, as the import reads a component's."""
    row = Row(where="/ead/archdesc", key="/ead/archdesc")
    for part in parts:
        element = fromstring(part)
        assert take_rad(row, element, element.tag), part
    return row.related.other


def test_parts_after_did_are_atoms_and_read_back_to_their_columns():
    parts = rad_parts(EVERY_PLACE)
    assert parts[0] == '<odd type="titleVariation"><p>radTitleVariationsInTitle text</p></odd>'
    assert '<odd type="conservation"><p>Rebound in 1990.</p><p>Boxed &amp; labelled.</p></odd>' in parts
    assert '<odd type="bibSeries"><p>radNotePublishersSeries text</p></odd>' in parts  # (AtoM's)
    assert (
        '<odd type="bibSeries" altrender="radPublishersSeriesNote"><p>radPublishersSeriesNote text</p></odd>' in parts
    )
    assert parts[-1] == (
        '<controlaccess><genreform source="rad">Textual record</genreform>'
        '<genreform source="rad">Cartographic material</genreform></controlaccess>'
    )
    assert taken(parts[:-1]) == {
        column: EVERY_PLACE[column] for column in WRITTEN_AFTER_DID - {"radGeneralMaterialDesignation"}
    }
    assert rad_parts({"radNoteCast": "Ellis, Mary", "copyrightStatus": "Public domain", "radNoteRights": " "}) == []


def test_in_ead3_the_types_are_localtypes():
    values = {"radNoteEdition": "Second printing.", "radGeneralMaterialDesignation": "Textual record"}
    parts = rad_parts(values, DIALECTS["ead3"])
    assert parts == [
        '<odd localtype="edition"><p>Second printing.</p></odd>',
        '<controlaccess><genreform source="rad"><part>Textual record</part></genreform></controlaccess>',
    ]
    row = Row(where="/ead/archdesc", key="/ead/archdesc")
    assert take_rad(row, fromstring(parts[0]), "odd")
    assert row.related.other == {"radNoteEdition": "Second printing."}


def test_a_controlaccess_gives_up_its_material_designations_and_keeps_its_terms():
    row = Row(where="/ead/archdesc", key="/ead/archdesc")
    controlaccess = fromstring(
        '<controlaccess><subject>Lighthouses</subject><genreform source="rad">Textual record</genreform>'
        '<controlaccess><genreform source="RAD">Graphic material</genreform><genreform>Maps</genreform>'
        "</controlaccess></controlaccess>"
    )
    assert not take_rad(row, controlaccess, "controlaccess")  # (the rest is read as access points)
    assert row.related.other == {"radGeneralMaterialDesignation": "Textual record|Graphic material"}
    assert [(e.tag, e.text) for e in controlaccess.iter() if e.tag != "controlaccess"] == [
        ("subject", "Lighthouses"),
        ("genreform", "Maps"),
    ]


def test_a_rad_note_after_the_components_children_is_not_lost(tmp_path):
    """Parts after <dsc> are joined to their component (actors.formats.ead.late), RAD's to their columns."""
    source = tmp_path / "late.xml"
    source.write_text(
        f'<ead xmlns="{NS[1:-1]}"><archdesc level="fonds"><did><unittitle>Fonds</unittitle></did>'
        "<dsc><c><did><unittitle>File</unittitle></did></c></dsc>"
        '<odd type="conservation"><p>Rebound.</p></odd></archdesc></ead>'
    )
    fonds, _file = EadReader(source).rows()
    assert (fonds.related.other, fonds.related.notes) == ({"radNoteConservation": "Rebound."}, [])


def test_parts_in_did_are_atoms_valid_and_read_back_to_their_columns():
    """The <did>'s RAD fields as AtoM writes them: valid, and read back to their columns."""
    parts = did_parts(EVERY_PLACE)
    assert parts[0].startswith(
        "<unittitle><bibseries><title>radTitleProperOfPublishersSeries text</title>"
        '<title type="parallel">radParallelTitlesOfPublishersSeries text</title>'
    )
    assert '<unittitle type="statRep"><edition>radEditionStatementOfResponsibility text</edition></unittitle>' in parts
    assert '<unitid type="standard">radStandardNumber text</unitid>' in parts
    document = (
        f'<ead xmlns="{NS[1:-1]}"><eadheader><eadid/><filedesc><titlestmt><titleproper>T</titleproper>'
        f'</titlestmt></filedesc></eadheader><archdesc level="fonds"><did><unittitle>T</unittitle>{"".join(parts)}'
        f"</did>{''.join(rad_parts(EVERY_PLACE))}</archdesc></ead>"
    )
    assert_valid(document.encode())
    assert taken(parts) == {column: EVERY_PLACE[column] for column in [*IN_DID, *IN_SERIES]}
    title = fromstring("<unittitle>Logbooks <bibseries><title>Harbour series</title></bibseries>, 1890</unittitle>")
    row = Row(where="/ead/archdesc", key="/ead/archdesc")
    assert not take_rad(row, title, "unittitle")  # (the title stays, the series leaves it)
    assert row.related.other == {"radTitleProperOfPublishersSeries": "Harbour series"}
    assert "".join(title.itertext()) == "Logbooks , 1890"


def test_an_export_writes_them_valid_and_imports_back_to_the_same_columns(as_user, run_jobs):
    client = as_user("alice")
    atlas = imported(client, run_jobs, "rad.csv", fixture_bytes("rad_and_kept_columns.csv"))
    content = exported_ead(client, run_jobs, atlas.slug)
    assert_valid(content)
    archdesc = etree.fromstring(content).find(f"{NS}archdesc")
    assert [(e.get("type"), "".join(e.itertext())) for e in archdesc.iterfind(f"{NS}odd")] == [
        ("conservation", "Rebound 1990.")
    ]
    genres = archdesc.iterfind(f"{NS}controlaccess/{NS}genreform")
    assert [(e.get("source"), e.text) for e in genres] == [("rad", "Cartographic material"), ("rad", "Textual record")]
    assert b"copyrightStatus" not in content  # (no EAD place: the CSV has it)
    assert b"Public domain" not in content
    again = imported(client, run_jobs, "again.xml", content, match="new")
    assert again.other_fields == {
        "radEdition": "2nd ed.",  # (in <did>, as AtoM writes it)
        "radNoteConservation": "Rebound 1990.",
        "radGeneralMaterialDesignation": "Cartographic material|Textual record",
    }
    held = related_of([again], {})[again.id]
    assert held.notes == []  # (not general notes)
    assert held.terms == []  # (not genres)


@pytest.mark.skipif(not RAD_EXAMPLE.exists(), reason=f"AtoM's RAD example is not there: {RAD_EXAMPLE}")
def test_atoms_rad_example_comes_back_from_ead_with_its_rad_fields(as_user, run_jobs):
    client = as_user("alice")
    fonds = imported(client, run_jobs, RAD_EXAMPLE.name, RAD_EXAMPLE.read_bytes())
    content = exported_ead(client, run_jobs, fonds.slug)
    assert_valid(content)
    again = imported(client, run_jobs, "again.xml", content, match="new")

    def placed(root: D) -> list[dict[str, str]]:
        rows = db.session.scalars(select(D).where(D.lft.between(root.lft, root.rgt)).order_by(D.lft)).all()
        return [{k: " ".join(v.split()) for k, v in r.other_fields.items() if k in WRITTEN_AFTER_DID} for r in rows]

    before, after = placed(fonds), placed(again)
    assert len(before) == 2
    assert all(len(row) > 10 for row in before)
    assert after == before
