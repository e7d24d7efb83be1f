"""RAD's fields in EAD, where AtoM puts them: the columns of AtoM's RAD CSV that an import keeps as
they are (a description's ``other_fields``: actors.formats.atom_csv.columns.RAD_EXTRA), written
where AtoM's own EAD export writes them (plugins/sfEadPlugin/modules/sfEadPlugin/templates/
indexSuccessBody.xml.php and indexSuccessBodyDidElement.xml.php) and read where its EAD import
reads them (apps/qubit/modules/object/config/import/ead.yml): an export of ours takes its RAD
fields into AtoM, and comes back here into the same columns.

- After <did> (``rad_parts``): RAD's title notes and notes, each an <odd> of AtoM's type; the
  general material designations, <genreform source="rad"> access points.
- In <did> (``did_parts``): typed <unittitle>s (other title information, statements of
  responsibility, the edition), the publisher's series in a <bibseries>, the class of material
  specific details as typed <materialspec>s, the standard number as <unitid type="standard">.

``take_rad`` reads both back. AtoM's EAD has no place for RAD's signatures, cast and credits
notes: they stay out of EAD (the CSV carries them)."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from actors.formats.atom_csv.columns import join_list, split_list
from actors.formats.ead.dialects import DIALECTS, Ead2002
from actors.formats.ead.notes import paragraphs as note_text
from actors.formats.ead.tags import local, one_line
from actors.formats.rows import Row
from actors.formats.writing import paragraphs, xml_attr, xml_text

# Column -> the type of the <odd> AtoM writes it as, in AtoM's order (title notes, then notes).
ODD_TYPES = {
    "radTitleVariationsInTitle": "titleVariation", "radTitleAttributionsAndConjectures": "titleAttributions",
    "radTitleContinues": "titleContinuation", "radTitleStatementOfResponsibilityNote": "titleStatRep",
    "radTitleParallelTitles": "titleParallel", "radTitleSourceOfTitleProper": "titleSource",
    "radNoteEdition": "edition", "radNotePhysicalDescription": "physDesc", "radNoteConservation": "conservation",
    "radNoteAccompanyingMaterial": "material", "radNoteAlphaNumericDesignation": "alphanumericDesignation",
    "radNotePublishersSeries": "bibSeries", "radNoteRights": "rights",
    # AtoM writes its note on the publisher's series as a "bibSeries" too, and reads every one back as
    # the RAD note: ours name their column in @altrender, so each comes back to its own.
    "radPublishersSeriesNote": "bibSeries", "radNoteOnPublishersSeries": "bibSeries",
}  # fmt: skip
_NAMED = frozenset({"radPublishersSeriesNote", "radNoteOnPublishersSeries"})  # (@altrender says which)
_COLUMN_OF_ODD = {kind: column for column, kind in ODD_TYPES.items() if column not in _NAMED}
MATERIAL_DESIGNATION = "radGeneralMaterialDesignation"  # a "|" list: a <genreform source="rad"> each
# Column -> (element, type) in <did>; the edition's two in an <edition> inside their <unittitle>.
IN_DID = {
    "radOtherTitleInformation": ("unittitle", "otherInfo"),
    "radTitleStatementOfResponsibility": ("unittitle", "statRep"),
    "radEdition": ("unittitle", "editionStat"),
    "radEditionStatementOfResponsibility": ("unittitle", "statRep"),
    "radStatementOfScaleCartographic": ("materialspec", "cartographic"),
    "radStatementOfProjection": ("materialspec", "projection"),
    "radStatementOfCoordinates": ("materialspec", "coordinates"),
    "radStatementOfScaleArchitectural": ("materialspec", "architectural"),
    "radIssuingJurisdiction": ("materialspec", "philatelic"),
    "radStandardNumber": ("unitid", "standard"),
}
_EDITION = frozenset({"radEdition", "radEditionStatementOfResponsibility"})
# Column -> (element, type) in <unittitle><bibseries>: the publisher's series.
IN_SERIES = {
    "radTitleProperOfPublishersSeries": ("title", ""),
    "radParallelTitlesOfPublishersSeries": ("title", "parallel"),
    "radOtherTitleInformationOfPublishersSeries": ("title", "otherInfo"),
    "radStatementOfResponsibilityRelatingToPublishersSeries": ("title", "statRep"),
    "radNumberingWithinPublishersSeries": ("num", ""),
}
IN_EAD = frozenset({*ODD_TYPES, MATERIAL_DESIGNATION, *IN_DID, *IN_SERIES})  # the columns with an EAD place
_EAD2002 = DIALECTS["ead"]


def rad_parts(values: dict[str, str] | None, dialect: Ead2002 = _EAD2002) -> list[str]:
    """The RAD fields of a component written after its <did>: notes, then material designations."""
    values = values or {}
    found = []
    for column, kind in ODD_TYPES.items():
        if text := (values.get(column) or "").strip():
            named = f" altrender={xml_attr(column)}" if column in _NAMED else ""
            found.append(paragraphs("odd", text).replace("<odd>", f"<odd{dialect.typed(kind)}{named}>", 1))
    designations = [value for value in split_list(values.get(MATERIAL_DESIGNATION) or "") if value]
    if designations:
        terms = "".join(dialect.named("genreform", value, ' source="rad"') for value in designations)
        found.append(f"<controlaccess>{terms}</controlaccess>")
    return found


def did_parts(values: dict[str, str] | None) -> list[str]:
    """The RAD fields of a component in its <did>, after its own title and reference code, as EAD 2002
    (and AtoM) spell them."""
    values = {column: text.strip() for column, text in (values or {}).items() if text and text.strip()}
    found = []
    for column, (tag, kind) in IN_DID.items():
        if column in values:
            text = f"<edition>{xml_text(values[column])}</edition>" if column in _EDITION else xml_text(values[column])
            found.append(f"<{tag} type={xml_attr(kind)}>{text}</{tag}>")
    series = "".join(
        f"<{tag}{f' type={xml_attr(kind)}' if kind else ''}>{xml_text(values[column])}</{tag}>"
        for column, (tag, kind) in IN_SERIES.items()
        if column in values
    )
    return [f"<unittitle><bibseries>{series}</bibseries></unittitle>", *found] if series else found


def column_of(element: Element, within: str = "") -> str | None:
    """The column an element fills, read as AtoM reads it (its tag, its type, what it holds);
    ``within``: the tag of the element it is in ("bibseries", "controlaccess")."""
    tag, kind = local(element.tag), element.get("type") or element.get("localtype") or ""
    if tag == "odd":
        named = element.get("altrender") or ""
        return named if named in _NAMED and ODD_TYPES[named] == kind else _COLUMN_OF_ODD.get(kind)
    if tag == "genreform":
        return MATERIAL_DESIGNATION if (element.get("source") or "").lower() == "rad" and within else None
    if within == "bibseries":
        return next((column for column, place in IN_SERIES.items() if place == (tag, kind)), None)
    if (tag, kind) == ("unittitle", "statRep"):  # (the edition's when it holds an <edition>)
        edition = any(local(child.tag) == "edition" for child in element)
        return "radEditionStatementOfResponsibility" if edition else "radTitleStatementOfResponsibility"
    return next((column for column, place in IN_DID.items() if place == (tag, kind)), None)


def take_rad(row: Row, element: Element, tag: str) -> bool:
    """Fill ``row``'s other_fields from what of ``element`` is a RAD field as AtoM writes it (an
    <odd>, or a child of a <did>); True when that is all it is. RAD's parts inside another element (a
    <controlaccess>'s <genreform source="rad">s, a <unittitle>'s <bibseries>) are taken out of it:
    the rest is read as usual (after the component's children too: actors.formats.ead.late)."""
    if tag == "controlaccess":
        _take_designations(row, element)
        return False
    if tag == "unittitle" and _take_series(row, element):
        return True
    column = column_of(element)
    if column is None:
        return False
    _add(row, column, note_text(element) if tag == "odd" else one_line(element), "\n\n" if tag == "odd" else "; ")
    return True


def _take_designations(row: Row, controlaccess: Element) -> None:
    """The general material designations of a <controlaccess> (and of those nested in it)."""
    for group in [e for e in controlaccess.iter() if local(e.tag) == "controlaccess"]:
        for child in list(group):
            if column_of(child, "controlaccess") == MATERIAL_DESIGNATION and (value := one_line(child)):
                before = row.related.other.get(MATERIAL_DESIGNATION) or ""
                row.related.other[MATERIAL_DESIGNATION] = join_list([*split_list(before), value] if before else [value])
                _cut(group, child)


def _take_series(row: Row, unittitle: Element) -> bool:
    """The publisher's series of a <unittitle>; True when it held nothing else."""
    series = [child for child in unittitle if local(child.tag) == "bibseries"]
    for bibseries in series:
        for part in bibseries:
            if column := column_of(part, "bibseries"):
                _add(row, column, one_line(part), "; ")
        _cut(unittitle, bibseries)
    return bool(series) and not len(unittitle) and not (unittitle.text or "").strip()


def _add(row: Row, column: str, text: str, joint: str) -> None:
    """A column's value; a second element of the same column adds to it."""
    if text:
        before = row.related.other.get(column)
        row.related.other[column] = f"{before}{joint}{text}" if before else text


def _cut(parent: Element, child: Element) -> None:
    """Take ``child`` out of ``parent``, the text after it staying where it was."""
    tail = child.tail or ""
    siblings = list(parent)
    at = siblings.index(child)
    if at:
        siblings[at - 1].tail = (siblings[at - 1].tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(child)
