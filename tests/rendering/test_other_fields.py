"""What an import keeps is seen: the columns of an AtoM CSV with no field of their own here (RAD's,
and any other) are shown on the description page under AtoM's labels, in the area AtoM shows them
in, and printed in the finding aid, for the top description and for every component."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from actors.rendering.kept_fields import IDENTITY, NOTES
from actors.rendering.other_fields import SHOWN, TITLE_NOTES, OtherField, other_fields
from extensions import db
from models import ArchivalDescription as D
from tests.formats.test_ead_round_trip import imported
from tests.import_export_support import fixture_bytes
from tests.jobs.test_finding_aid_options import generate, pdf_text

RAD_EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "atom_example_information_objects_rad.csv"
ISAD_IDENTITY = [
    "Reference code",
    "Alternative identifiers",
    "Title",
    "Date(s)",
    "Level of description",
    "Extent and medium",
]


def values(page, area: str) -> dict[str, str]:
    """The fields of one area of the page: label -> its text (a list's items on lines of their own)."""
    section = next(s for s in page.html.find_all("section", class_="isad-area") if s.h2.get_text(strip=True) == area)
    return {dt.get_text(strip=True): dt.find_next_sibling("dd").get_text("\n", strip=True) for dt in section("dt")}


def test_every_rad_column_has_an_atom_label_and_other_columns_their_own_name(app):
    rad_columns = {  # AtoM's RAD CSV beyond ISAD's (actors.formats.atom_csv.columns.RAD_EXTRA) kept as they are
        "radGeneralMaterialDesignation", "radOtherTitleInformation", "radTitleStatementOfResponsibility",
        "radTitleStatementOfResponsibilityNote", "radTitleAttributionsAndConjectures", "radTitleContinues",
        "radTitleSourceOfTitleProper", "radTitleVariationsInTitle", "radTitleParallelTitles", "radEdition",
        "radEditionStatementOfResponsibility", "radStatementOfScaleCartographic", "radStatementOfProjection",
        "radStatementOfCoordinates", "radStatementOfScaleArchitectural", "radIssuingJurisdiction",
        "radTitleProperOfPublishersSeries", "radParallelTitlesOfPublishersSeries",
        "radOtherTitleInformationOfPublishersSeries", "radStatementOfResponsibilityRelatingToPublishersSeries",
        "radNumberingWithinPublishersSeries", "radPublishersSeriesNote", "radNoteOnPublishersSeries",
        "radNoteAccompanyingMaterial", "radNoteAlphaNumericDesignation", "radNoteConservation", "radNoteEdition",
        "radNotePhysicalDescription", "radNotePublishersSeries", "radNoteRights", "radNoteSignaturesInscriptions",
        "radNoteCast", "radNoteCredits", "radStandardNumber",
    }  # fmt: skip
    assert set(SHOWN) | set(TITLE_NOTES) == rad_columns
    with app.test_request_context():
        shown = other_fields({"radNoteCast": "Ellis, Mary (narrator)", "copyrightStatus": " ", "checksum": "5d41"})
        assert [(f.area, str(f.label), f.text) for f in shown] == [
            (NOTES, "Cast note", "Ellis, Mary (narrator)"),
            (NOTES, "checksum", "5d41"),  # (no label of AtoM's: its column's name; an empty one is not shown)
        ]
        assert other_fields({"radGeneralMaterialDesignation": "Textual record|Graphic \\| sound"}) == [
            OtherField(IDENTITY, SHOWN["radGeneralMaterialDesignation"][1], items=("Textual record", "Graphic | sound"))
        ]
        assert other_fields(None) == []


def test_the_page_shows_rad_and_other_kept_columns_in_their_areas(as_user, run_jobs):
    client = as_user("alice")
    atlas = imported(client, run_jobs, "rad.csv", fixture_bytes("rad_and_kept_columns.csv"))
    page = client.get(f"/descriptions/{atlas.slug}")
    identity = values(page, "Identity area")
    assert list(identity)[-2:] == ["General material designation", "Edition statement"]  # (after ISAD's)
    assert identity["General material designation"] == "Cartographic material\nTextual record"  # (one a line)
    assert identity["Edition statement"] == "2nd ed."
    notes = values(page, "Notes area")
    assert notes == {"Conservation": "Rebound 1990.", "copyrightStatus": "Public domain"}


@pytest.mark.skipif(not RAD_EXAMPLE.exists(), reason=f"AtoM's RAD example is not there: {RAD_EXAMPLE}")
def test_atoms_rad_example_shows_every_rad_field_in_atoms_order(as_user, run_jobs):
    client = as_user("alice")
    fonds = imported(client, run_jobs, RAD_EXAMPLE.name, RAD_EXAMPLE.read_bytes())
    page = client.get(f"/descriptions/{fonds.slug}")
    identity = values(page, "Identity area")
    labels = list(identity)
    assert labels[: labels.index("General material designation")] == ISAD_IDENTITY
    assert labels[labels.index("General material designation") :] == [
        "General material designation",
        "Other title information",
        "Title statements of responsibility",
        "Title notes",
        "Edition statement",
        "Edition statement of responsibility",
        "Statement of scale (cartographic)",
        "Statement of projection (cartographic)",
        "Statement of coordinates (cartographic)",
        "Statement of scale (architectural)",
        "Issuing jurisdiction and denomination (philatelic)",
        "Title proper of publisher's series",
        "Parallel titles of publisher's series",
        "Other title information of publisher's series",
        "Statement of responsibility relating to publisher's series",
        "Numbering within publisher's series",
        "Note on publisher's series",
        "Standard number",
    ]  # fmt: skip  (the two notes on the publisher's series AtoM's header has: one field, both values)
    assert (
        identity["Title statements of responsibility"] == "Example fonds title Statement of responsibility (RAD 1.1F)"
    )
    assert identity["Title notes"].splitlines() == [
        "Statements of responsibility: Example Fonds Title statement of responsibility note (RAD 1.8B5)",
        "Attributions and conjectures: Example Fonds Title attributes and conjectures  note (RAD 1.8B6)",
        "Continuation of title: Example Fonds Continuation of title note (RAD 1.8B4)",
        "Source of title proper: Example Fonds Source of title proper note (RAD 1.8B2)",
        "Variations in title: Example Fonds Variations in title note (RAD 1.8B1)",
        "Parallel titles and other title information: Example Fonds Parallel titles and other title info note"
        " (RAD 1.8B3)",
    ]
    assert identity["Standard number"] == "11111 (RAD 1.9B1)"
    notes = values(page, "Notes area")
    assert [label for label in notes if label != "Notes"] == [
        "Accompanying material", "Alpha-numeric designations", "Conservation", "Edition", "Physical description",
        "Publisher's series", "Rights", "Signatures note",
    ]  # fmt: skip
    assert notes["Conservation"] == "Example Fonds Conservation note (RAD 1.8B9b)"


def test_the_finding_aid_prints_them_for_the_top_description_and_each_component(app, fonds, run_jobs):
    root = D.by_slug(fonds)
    child = db.session.scalars(select(D).where(D.parent_id == root.id).order_by(D.lft)).first()
    db.session.execute(update(D).where(D.id == root.id).values(other_fields={"radEdition": "Second edition, revised"}))
    db.session.execute(
        update(D)
        .where(D.id == child.id)
        .values(
            other_fields={
                "radNoteConservation": "Rebound in 1990.",
                "radGeneralMaterialDesignation": "Textual record|Graphic material",
                "copyrightStatus": "Public domain",
            }
        )
    )
    db.session.commit()
    generate(fonds, run_jobs, db, model="full")
    text = pdf_text(app, fonds)
    assert "edition statement second edition, revised" in text  # (the top one's areas: label, then value)
    assert "conservation: rebound in 1990." in text
    assert "general material designation: textual record; graphic material" in text
    assert "copyrightstatus: public domain" in text
