"""AtoM's archival-description CSV, column by column: where each one lives here.

Shared by the importer and the exporter, so every column the import reads, the export
writes. Multi-valued columns separate values with "|"; in parallel lists (events,
containers, alternative identifiers) the literal ``NULL`` holds a place with no value.
"""

from __future__ import annotations

import re

# AtoM's current ISAD(G) description CSV header, names and order: what the export writes first.
ISAD_HEADER = (
    "legacyId", "parentId", "qubitParentSlug", "accessionNumber", "identifier", "title", "levelOfDescription",
    "extentAndMedium", "repository", "archivalHistory", "acquisition", "scopeAndContent", "appraisal", "accruals",
    "arrangement", "accessConditions", "reproductionConditions", "language", "script", "languageNote",
    "physicalCharacteristics", "findingAids", "locationOfOriginals", "locationOfCopies", "relatedUnitsOfDescription",
    "publicationNote", "digitalObjectPath", "digitalObjectURI", "generalNote", "subjectAccessPoints",
    "placeAccessPoints", "nameAccessPoints", "genreAccessPoints", "descriptionIdentifier", "institutionIdentifier",
    "rules", "descriptionStatus", "levelOfDetail", "revisionHistory", "languageOfDescription", "scriptOfDescription",
    "sources", "archivistNote", "publicationStatus", "physicalObjectName", "physicalObjectLocation",
    "physicalObjectType", "alternativeIdentifiers", "alternativeIdentifierLabels", "eventDates", "eventTypes",
    "eventStartDates", "eventEndDates", "eventActors", "eventActorHistories", "culture",
)  # fmt: skip
# Columns of AtoM's RAD CSV beyond the ISAD ones, in its order: exported after them when used.
RAD_EXTRA = (
    "radGeneralMaterialDesignation", "alternateTitle", "radOtherTitleInformation",
    "radTitleStatementOfResponsibility", "radTitleStatementOfResponsibilityNote", "radTitleAttributionsAndConjectures",
    "radTitleContinues", "radTitleSourceOfTitleProper", "radTitleVariationsInTitle", "radTitleParallelTitles",
    "radEdition", "radEditionStatementOfResponsibility", "radStatementOfScaleCartographic",
    "radStatementOfProjection", "radStatementOfCoordinates", "radStatementOfScaleArchitectural",
    "radIssuingJurisdiction", "radTitleProperOfPublishersSeries", "radParallelTitlesOfPublishersSeries",
    "radOtherTitleInformationOfPublishersSeries", "radStatementOfResponsibilityRelatingToPublishersSeries",
    "radNumberingWithinPublishersSeries", "radPublishersSeriesNote", "radNoteOnPublishersSeries",
    "radNoteAccompanyingMaterial", "radNoteAlphaNumericDesignation", "radNoteConservation", "radNoteEdition",
    "radNotePhysicalDescription", "radNotePublishersSeries", "radNoteRights", "radNoteSignaturesInscriptions",
    "radNoteCast", "radNoteCredits", "radStandardNumber", "eventDescriptions", "eventPlaces",
)  # fmt: skip
STRUCTURE = ("legacyId", "parentId", "qubitParentSlug")

# One value -> a column of the description.
TEXT = {
    "accessionNumber": "accession_number", "identifier": "identifier", "title": "title",
    "alternateTitle": "alternate_title", "extentAndMedium": "extent_and_medium",
    "archivalHistory": "archival_history", "acquisition": "acquisition", "scopeAndContent": "scope_and_content",
    "appraisal": "appraisal", "accruals": "accruals", "arrangement": "arrangement",
    "accessConditions": "access_conditions", "reproductionConditions": "reproduction_conditions",
    "languageNote": "language_note", "physicalCharacteristics": "physical_characteristics",
    "findingAids": "finding_aids", "locationOfOriginals": "location_of_originals",
    "locationOfCopies": "location_of_copies", "relatedUnitsOfDescription": "related_units_of_description",
    "digitalObjectPath": "digital_object_path", "digitalObjectURI": "digital_object_uri",
    "descriptionIdentifier": "description_identifier", "institutionIdentifier": "institution_identifier",
    "rules": "rules", "descriptionStatus": "description_status", "levelOfDetail": "level_of_detail",
    "revisionHistory": "revision_history", "sources": "sources", "culture": "culture",
}  # fmt: skip
# "|" lists of codes -> a JSON list column.
CODES = {
    "language": "languages", "script": "scripts",
    "languageOfDescription": "description_languages", "scriptOfDescription": "description_scripts",
}  # fmt: skip
NOTES = {"generalNote": "general", "publicationNote": "publication", "archivistNote": "archivist"}
TERMS = {"subjectAccessPoints": "subject", "placeAccessPoints": "place", "genreAccessPoints": "genre"}
NAMES = "nameAccessPoints"
# Parallel lists: one entry per event / container / alternative identifier.
EVENT_COLUMNS = {
    "eventTypes": "event_type", "eventActors": "actor", "eventActorHistories": "actor_history",
    "eventDates": "date_text", "eventStartDates": "start_text", "eventEndDates": "end_text",
    "eventDescriptions": "description", "eventPlaces": "place",
    "eventDateTypes": "date_type",  # ours (EAD's unitdate/@type: inclusive, bulk); after AtoM's columns
}  # fmt: skip
# Older AtoM headers (2.1, 2.2) name the creation events otherwise: read as creation events.
LEGACY_EVENT_COLUMNS = {
    "creators": "actor", "creatorHistories": "actor_history",
    "creatorDates": "date_text", "creatorDatesStart": "start_text", "creatorDatesEnd": "end_text",
    "creatorDateNotes": "description",
    "creationDates": "date_text", "creationDatesStart": "start_text", "creationDatesEnd": "end_text",
    "creationDateNotes": "description", "creationDatesType": "event_type",
}  # fmt: skip
CONTAINER_COLUMNS = {
    "physicalObjectName": "name", "physicalObjectLocation": "location", "physicalObjectType": "type",
    # ours (EAD's container/@label, and @parent as the position, from 0, of the container it sits in)
    "physicalObjectLabel": "label", "physicalObjectParent": "parent",
}  # fmt: skip
# Ours: the elements an EAD import kept as they came (models.description_parts.KeptElement), as a
# JSON list of {"element", "text", "attributes"}, so a CSV round trip keeps them too.
KEPT_ELEMENTS = "keptElements"
ALTERNATIVE_ID_COLUMNS = {"alternativeIdentifiers": "value", "alternativeIdentifierLabels": "label"}
# AtoM reads these under another name.
ALIASES = {"physicalCondition": "physicalCharacteristics"}
SPECIAL = ("levelOfDescription", "publicationStatus", "repository")

LIST_COLUMNS = (
    set(CODES) | set(NOTES) | set(TERMS) | {NAMES} | set(EVENT_COLUMNS) | set(LEGACY_EVENT_COLUMNS)
    | set(CONTAINER_COLUMNS) | set(ALTERNATIVE_ID_COLUMNS)
)  # fmt: skip
KNOWN = set(STRUCTURE) | set(TEXT) | LIST_COLUMNS | set(ALIASES) | set(SPECIAL) | {KEPT_ELEMENTS}
# Columns of ours after AtoM's, written when the exported records use them.
OURS = ("eventDateTypes", "physicalObjectLabel", "physicalObjectParent", KEPT_ELEMENTS)
NULL = "NULL"


def split_list(cell: str) -> list[str]:
    """A "|" list, each value stripped; ``NULL`` (AtoM's placeholder) becomes ""; ``\\|`` is a "|"
    inside a value (ours: AtoM's CSV has no way to write one, and real subject headings carry
    MARC's "|v" subdivisions)."""
    if "|" not in cell:
        return ["" if cell == NULL else cell]
    parts = [part.strip() for part in (_SEPARATOR.split(cell) if ESCAPED_BAR in cell else cell.split("|"))]
    if ESCAPED_BAR in cell:
        parts = [part.replace(ESCAPED_BAR, "|") for part in parts]
    return ["" if part == NULL else part for part in parts] if NULL in cell else parts


def join_list(values: list[str]) -> str:
    """The reverse: empty places inside a list are written ``NULL``, a list of nothing as "",
    a "|" inside a value as ``\\|``."""
    if not any(values):
        return ""
    return "|".join((value.replace("|", ESCAPED_BAR) if "|" in value else value) or NULL for value in values)


ESCAPED_BAR = "\\|"
_SEPARATOR = re.compile(r"(?<!\\)\|")
