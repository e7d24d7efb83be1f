"""What an AtoM CSV holds, named from its first line: archival descriptions (imported here), or
one of AtoM's other CSV imports, refused by name.

Why: AtoM imports a dozen kinds of CSV and a user exports the wrong one easily. "Has a “title”
column" let an accessions CSV through as descriptions and refused the others with a message
that did not say what they were. The upload form and the job both ask ``refusal``, so the
message is one sentence, said the same in both places.

The signatures come from AtoM's own example CSVs and importers (artefactual/atom,
lib/task/import/example/*.csv and lib/task/import/*Task.class.php, every release from 1.3 to
2.8; tests/fixtures/atom_csv_entities/PROVENANCE.md names each file and commit). Each one is
made of columns no description template has, so every description CSV of every AtoM version,
and every file with a “title” column that was imported before, still reads as descriptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from actors.formats.place import located


@dataclass(frozen=True)
class Entity:
    """One kind of AtoM CSV: its header has every column of ``every`` and, when ``some`` is not
    empty, one of ``some``; with ``only``, no column outside it (AtoM refuses any other)."""

    key: str
    this_is: LazyString | None = None  # "This is an AtoM accessions CSV"; None: imported here
    every: frozenset[str] = frozenset()
    some: frozenset[str] = frozenset()
    only: frozenset[str] = frozenset()

    def matches(self, columns: set[str]) -> bool:
        return (
            self.every <= columns
            and (not self.some or bool(self.some & columns))
            and (not self.only or columns <= self.only)
        )


DESCRIPTIONS = Entity("descriptions")
NOT_ATOM = Entity("not AtoM")

# In description templates (ISAD and RAD, 1.3 to 2.8), never in an accessions one: a “title”
# header with one of them is descriptions, whatever else it holds.
DESCRIPTION_ONLY = frozenset(
    {"legacyId", "parentId", "levelOfDescription", "identifier", "extentAndMedium", "repository", "referenceCode"}
)
# In accessions templates (1.0 to 2.8, csvAccessionImportTask), never in a description one.
ACCESSION_ONLY = frozenset(
    {
        "acquisitionDate", "sourceOfAcquisition", "locationInformation", "acquisitionType", "resourceType",
        "receivedExtentUnits", "processingStatus", "processingPriority", "processingNotes", "donorName",
        "alternativeIdentifierTypes", "alternativeIdentifierNotes", "accessionEventTypes", "accessionEventDates",
        "accessionEventAgents", "accessionEventNotes",
    }
)  # fmt: skip
# In archival institution templates (2.0 to 2.8, csvRepositoryImportTask), never in an
# authority record one (both have authorizedFormOfName, history, mandates...).
REPOSITORY_ONLY = frozenset(
    {
        "uploadLimit", "contactPerson", "streetAddress", "telephone", "phone", "email", "fax", "website",
        "geoculturalContext", "collectingPolicies", "buildings", "holdings", "openingTimes", "disabledAccess",
        "researchServices", "reproductionServices", "publicFacilities", "descInstitutionIdentifier",
        "descriptionRules", "descriptionRevisionHistory", "descriptionSources", "geographicSubregions",
        "thematicAreas",
    }
)  # fmt: skip

ACCESSIONS = Entity("accessions", _l("This is an AtoM accessions CSV"), frozenset({"accessionNumber"}), ACCESSION_ONLY)
# Tried in order, for a header with no “title” column (accessions: with one too). Relations
# and aliases name an authority record: before the authority records themselves.
OTHERS = (
    Entity("deaccessions", _l("This is an AtoM deaccessions CSV"), frozenset({"deaccessionNumber"})),
    ACCESSIONS,
    Entity(  # subject/object: 2.6 and later; source/target: before
        "authority record relationships",
        _l("This is an AtoM authority record relationships CSV"),
        some=frozenset(
            {
                "subjectAuthorizedFormOfName",
                "objectAuthorizedFormOfName",
                "sourceAuthorizedFormOfName",
                "targetAuthorizedFormOfName",
            }
        ),
    ),
    Entity(
        "authority record aliases",
        _l("This is an AtoM authority record aliases CSV"),
        frozenset({"parentAuthorizedFormOfName"}),
    ),
    Entity(
        "repositories",
        _l("This is an AtoM archival institutions (repositories) CSV"),
        frozenset({"authorizedFormOfName"}),
        REPOSITORY_ONLY,
    ),
    Entity(
        "authority records",
        _l("This is an AtoM authority records CSV"),
        some=frozenset({"authorizedFormOfName", "typeOfEntity", "datesOfExistence", "actorOccupations"}),
    ),
    Entity("events", _l("This is an AtoM events CSV"), frozenset({"eventActorName"})),
    Entity(  # PhysicalObjectCsvImporter::$columnMap (2.6 and later): AtoM refuses any other column
        "physical storage",
        _l("This is an AtoM physical storage CSV"),
        frozenset({"name"}),
        frozenset({"location", "descriptionSlugs"}),
        only=frozenset({"legacyId", "name", "type", "location", "culture", "descriptionSlugs"}),
    ),
    Entity(  # QubitPhysicalObjectCsvHoldingsReport::$headerRow: an export, not an import
        "physical storage holdings report",
        _l("This is an AtoM physical storage holdings report"),
        some=frozenset({"holdingType", "holdingIdentifier", "holdingTitle", "holdingSlug"}),
    ),
    Entity(  # digitalObjectLoadTask: filename, and the description by id, identifier or slug
        "digital object load",
        _l("This is an AtoM digital object load CSV"),
        frozenset({"filename"}),
        frozenset({"information_object_id", "identifier", "slug"}),
    ),
)
ENTITIES = (DESCRIPTIONS, *OTHERS, NOT_ATOM)


def identify(header: Iterable[str]) -> Entity:
    """The kind of AtoM CSV a header is. A “title” column means descriptions, but for an
    accessions header (no description column with it); no “title”: the first other kind that
    matches, else NOT_ATOM."""
    columns = {name.strip() for name in header} - {""}
    if "title" in columns:
        is_accessions = ACCESSIONS.matches(columns) and not columns & DESCRIPTION_ONLY
        return ACCESSIONS if is_accessions else DESCRIPTIONS
    return next((entity for entity in OTHERS if entity.matches(columns)), NOT_ATOM)


def refusal(header: Iterable[str]) -> str | None:
    """Why the file is not imported here (in the current language: the page's on the form, the
    site's in the job), or None for archival descriptions."""
    entity = identify(header)
    if entity is DESCRIPTIONS:
        return None
    if entity.this_is is None:
        return _("This does not look like an AtoM CSV file: its first line has no “title” column.")
    return _(
        "%(this_is)s; this site imports archival descriptions (AtoM's information object CSV, whose "
        "first line has “title”, “levelOfDescription”…).",
        this_is=entity.this_is,
    )


class RepeatedColumns:
    """The column names a header has more than once (AtoM's own ISAD template of 2.6 has
    accessionNumber twice, both empty), read as one column each. In every row the copies must
    agree: empty, or one value (in one copy or several); copies that differ are a problem that
    names the line, the columns and the values. Taking the first filled copy would drop the
    others' values without a word; refusing every repeat would refuse AtoM's template for nothing."""

    def __init__(self, header: list[str]) -> None:
        self.header = header
        places: dict[str, list[int]] = {}
        for index, name in enumerate(header):
            if name:
                places.setdefault(name, []).append(index)
        self.groups = [tuple(found) for found in places.values() if len(found) > 1]
        self.later = {index for positions in self.groups for index in positions[1:]}  # read from the first

    def warnings(self) -> list[str]:
        """What the import says once (a warning: the file is read, and as it was meant)."""
        return [_repeated(self.header[positions[0]], positions) for positions in self.groups]

    def merge(self, where: str, cells: list[str]) -> list[str]:
        """Each repeated column's value put in its first place; the located problems of copies that differ."""
        problems = []
        for positions in self.groups:
            filled = [(index, cells[index].strip()) for index in positions if cells[index].strip()]
            if len({value for _, value in filled}) > 1:
                values = ", ".join(
                    _("“%(value)s” in column %(number)s", value=value, number=index + 1) for index, value in filled
                )
                said = _(
                    "the header has %(column)s in columns %(numbers)s and this row gives them different values "
                    "(%(values)s): keep one of these columns",
                    column=self.header[positions[0]],
                    numbers=_numbers(positions),
                    values=values,
                )
                problems.append(located(where, said))
            if filled:
                cells[positions[0]] = filled[0][1]
        return problems


def _repeated(column: str, positions: tuple[int, ...]) -> str:
    if len(positions) == 2:
        return _("the header has %(column)s twice (columns %(numbers)s): read as one column", column=column,
                 numbers=_numbers(positions))  # fmt: skip
    return _(
        "the header has %(column)s %(count)s times (columns %(numbers)s): read as one column",
        column=column,
        count=len(positions),
        numbers=_numbers(positions),
    )


def _numbers(positions: tuple[int, ...]) -> str:
    numbers = [str(index + 1) for index in positions]
    return f"{', '.join(numbers[:-1])} and {numbers[-1]}"
