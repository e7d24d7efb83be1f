"""Read AtoM archival-description CSV as a stream of rows (never the whole file at once)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from actors.importing.rows import ImportFailed, Row, unguard_cell

# AtoM column -> model field.
COLUMNS = {
    "identifier": "identifier",
    "title": "title",
    "levelOfDescription": "level_of_description",
    "extentAndMedium": "extent_and_medium",
    "scopeAndContent": "scope_and_content",
    "arrangement": "arrangement",
    "eventDates": "dates",
    "eventStartDates": "start_date",
    "eventEndDates": "end_date",
    "publicationStatus": "publication_status",
    "digitalObjectPath": "digital_object",
    "digitalObjectURI": "digital_object",
}
STRUCTURE = ("legacyId", "parentId", "qubitParentSlug")
# Columns AtoM fills with several values separated by "|": we keep the first (the first event).
MULTI_VALUED = {"eventDates", "eventStartDates", "eventEndDates", "eventTypes", "eventActors"}
# AtoM columns this application does not store: accepted quietly, listed once in the output.
ATOM_NOT_STORED = frozenset(
    "accessionNumber repository archivalHistory acquisition appraisal accruals accessConditions "
    "reproductionConditions language script languageNote physicalCharacteristics findingAids "
    "locationOfOriginals locationOfCopies relatedUnitsOfDescription publicationNote generalNote "
    "subjectAccessPoints placeAccessPoints nameAccessPoints genreAccessPoints descriptionIdentifier "
    "institutionIdentifier rules descriptionStatus levelOfDetail revisionHistory languageOfDescription "
    "scriptOfDescription sources archivistNote physicalObjectName physicalObjectLocation physicalObjectType "
    "alternativeIdentifiers alternativeIdentifierLabels eventTypes eventActors eventActorHistories "
    "eventPlaces eventDescriptions culture digitalObjectChecksum radGeneralMaterialDesignation".split()
)
csv.field_size_limit(16 * 1024 * 1024)  # long scope notes are normal; 16 MB per cell is still bounded


class CsvReader:
    """Rows of an AtoM CSV file, each with its line number; also what the header says."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self._binary: io.BufferedReader | None = None
        with self.path.open(encoding="utf-8-sig", newline="") as text:
            try:
                self.header = [name.strip() for name in next(csv.reader(text), [])]
            except (csv.Error, UnicodeDecodeError) as error:
                raise ImportFailed(f"line 1: the header is not readable: {error}") from None
        if "title" not in self.header:
            raise ImportFailed("line 1: the header has no “title” column: this is not an AtoM CSV file")
        known = set(COLUMNS) | set(STRUCTURE)
        self.unknown = [name for name in self.header if name and name not in known and name not in ATOM_NOT_STORED]
        self.not_stored = [name for name in self.header if name in ATOM_NOT_STORED]
        duplicates = sorted({name for name in self.header if name and self.header.count(name) > 1})
        if duplicates:
            raise ImportFailed(f"line 1: the header repeats the column(s) {', '.join(duplicates)}")

    def bytes_read(self) -> int:
        return self._binary.tell() if self._binary else 0

    def rows(self) -> Iterator[Row]:
        """Every data row in file order. A file that stops being readable ends the import."""
        header = self.header
        with self.path.open("rb") as binary:
            self._binary = binary
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            line = 1
            try:
                next(reader)
                line = reader.line_num + 1
                for cells in reader:
                    if any(cell.strip() for cell in cells):
                        yield self._row(f"line {line}", header, cells)
                    line = reader.line_num + 1
            except csv.Error as error:
                raise ImportFailed(f"line {line}: not valid CSV: {error}") from None
            except UnicodeDecodeError:
                raise ImportFailed(f"near line {line}: the file is not UTF-8 text") from None
            finally:
                self._binary = None

    @staticmethod
    def _row(where: str, header: list[str], cells: list[str]) -> Row:
        row = Row(where=where)
        if len(cells) > len(header):
            row.problems.append(f"{where}: {len(cells)} values but the header has only {len(header)} columns")
        for name, cell in zip(header, cells, strict=False):
            value = unguard_cell(cell.strip())
            if not value:
                continue
            if name in MULTI_VALUED:
                value = value.split("|", 1)[0].strip()
            if name == "legacyId":
                row.key = value
            elif name == "parentId":
                row.parent_key = value
            elif name == "qubitParentSlug":
                row.parent_slug = value
            elif name in COLUMNS:
                field_name = COLUMNS[name]
                row.raw.setdefault(field_name, value)
                row.sources.setdefault(field_name, (where, name))
        return row
