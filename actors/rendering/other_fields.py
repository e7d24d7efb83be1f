"""The columns an AtoM CSV brought that have no field of their own here (a description's
``other_fields``: RAD's title, edition, class of material, publisher's series and standard number
areas, its notes, and any other column), shown on the description page and printed in the finding
aid, so what an import keeps is seen, not only exported back.

Labels are AtoM's, as its RAD page shows them (plugins/sfRadPlugin/modules/sfRadPlugin/templates/
indexSuccess.php; the names of its RAD note and title note types: data/fixtures/taxonomyTerms.yml).
The page is laid out by ISAD(G) area: RAD's areas of what the material is (title, edition, class of
material, publisher's series, standard number) are shown in the identity area, its notes in the
notes area, as AtoM shows them; a column AtoM shows nowhere, under its own name, in the notes area.
Kept by column name only (this room reads no format: actors.formats.atom_csv.columns names them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from actors.rendering.kept_fields import IDENTITY, NOTES


@dataclass(frozen=True)
class OtherField:
    area: int  # the index of its area on the page (actors.rendering.kept_fields: IDENTITY, NOTES...)
    label: Any  # lazy: translated where shown; a column's own name when AtoM shows it nowhere
    text: str | None = None
    items: tuple[str, ...] = ()  # several values, each on its own line


# Column -> (area, label), in AtoM's order (its RAD CSV's, which is its page's).
SHOWN: dict[str, tuple[int, Any]] = {
    "radGeneralMaterialDesignation": (IDENTITY, _l("General material designation")),
    "radOtherTitleInformation": (IDENTITY, _l("Other title information")),
    "radTitleStatementOfResponsibility": (IDENTITY, _l("Title statements of responsibility")),
    "radEdition": (IDENTITY, _l("Edition statement")),
    "radEditionStatementOfResponsibility": (IDENTITY, _l("Edition statement of responsibility")),
    "radStatementOfScaleCartographic": (IDENTITY, _l("Statement of scale (cartographic)")),
    "radStatementOfProjection": (IDENTITY, _l("Statement of projection (cartographic)")),
    "radStatementOfCoordinates": (IDENTITY, _l("Statement of coordinates (cartographic)")),
    "radStatementOfScaleArchitectural": (IDENTITY, _l("Statement of scale (architectural)")),
    "radIssuingJurisdiction": (IDENTITY, _l("Issuing jurisdiction and denomination (philatelic)")),
    "radTitleProperOfPublishersSeries": (IDENTITY, _l("Title proper of publisher's series")),
    "radParallelTitlesOfPublishersSeries": (IDENTITY, _l("Parallel titles of publisher's series")),
    "radOtherTitleInformationOfPublishersSeries": (IDENTITY, _l("Other title information of publisher's series")),
    "radStatementOfResponsibilityRelatingToPublishersSeries": (
        IDENTITY, _l("Statement of responsibility relating to publisher's series")),
    "radNumberingWithinPublishersSeries": (IDENTITY, _l("Numbering within publisher's series")),
    # (AtoM reads the first as its note on the publisher's series; the second, in its header
    # only, it reads nowhere: the same note)
    "radPublishersSeriesNote": (IDENTITY, _l("Note on publisher's series")),
    "radNoteOnPublishersSeries": (IDENTITY, _l("Note on publisher's series")),
    "radNoteAccompanyingMaterial": (NOTES, _l("Accompanying material")),
    "radNoteAlphaNumericDesignation": (NOTES, _l("Alpha-numeric designations")),
    "radNoteConservation": (NOTES, _l("Conservation")),
    "radNoteEdition": (NOTES, _l("Edition")),
    "radNotePhysicalDescription": (NOTES, _l("Physical description")),
    "radNotePublishersSeries": (NOTES, _l("Publisher's series")),
    "radNoteRights": (NOTES, _l("Rights")),
    "radNoteSignaturesInscriptions": (NOTES, _l("Signatures note")),
    "radNoteCast": (NOTES, _l("Cast note")),
    "radNoteCredits": (NOTES, _l("Credits note")),
    "radStandardNumber": (IDENTITY, _l("Standard number")),
}  # fmt: skip
# RAD's title notes: AtoM shows them as one field, "Title notes", each as "its type: its text",
# right after the statements of responsibility.
TITLE_NOTES: dict[str, Any] = {
    "radTitleStatementOfResponsibilityNote": _l("Statements of responsibility"),
    "radTitleAttributionsAndConjectures": _l("Attributions and conjectures"),
    "radTitleContinues": _l("Continuation of title"),
    "radTitleSourceOfTitleProper": _l("Source of title proper"),
    "radTitleVariationsInTitle": _l("Variations in title"),
    "radTitleParallelTitles": _l("Parallel titles and other title information"),
}
_TITLE_NOTES_AFTER = "radTitleStatementOfResponsibility"
_LISTS = frozenset({"radGeneralMaterialDesignation"})  # "|" lists in AtoM's CSV: a value a line


def other_fields(values: dict[str, str] | None) -> list[OtherField]:
    """A record's kept columns with a value, as shown: AtoM's RAD fields in AtoM's order, then any
    other column under its own name, in the order the file had them."""
    filled = {column: text.strip() for column, text in (values or {}).items() if text and text.strip()}
    title_notes = tuple(f"{label}: {filled[column]}" for column, label in TITLE_NOTES.items() if column in filled)
    found = []
    for column, (area, label) in SHOWN.items():
        if column in filled:
            found.append(_field(area, label, column, filled[column]))
        if column == _TITLE_NOTES_AFTER and title_notes:
            found.append(OtherField(IDENTITY, _l("Title notes"), items=title_notes))
    found.extend(
        OtherField(NOTES, column, text=text)
        for column, text in filled.items()
        if column not in SHOWN and column not in TITLE_NOTES
    )
    return found


def _field(area: int, label: Any, column: str, text: str) -> OtherField:
    if column in _LISTS:  # (AtoM's "\|" is a "|" inside a value: actors.formats.atom_csv.columns)
        values = (value.strip().replace("\0", "|") for value in text.replace("\\|", "\0").split("|"))
        return OtherField(area, label, items=tuple(value for value in values if value))
    return OtherField(area, label, text=text)
