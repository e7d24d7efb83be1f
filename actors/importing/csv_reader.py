"""Read AtoM archival-description CSV as a stream of rows (never the whole file at once)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from actors.importing import atom_columns as atom
from actors.importing.rows import ImportFailed, Row, unguard_cell

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
        # Columns with no field of their own here: kept as they are (other_fields) and exported back.
        self.kept_as_is = [name for name in self.header if name and name not in atom.KNOWN]
        self.plan = column_plan(self.header)
        # The checking pass reads the events (their dates are checked) but no other list.
        events = set(atom.EVENT_COLUMNS) | set(atom.LEGACY_EVENT_COLUMNS)
        self.check_plan = [
            (_SKIP, "", "") if kind is _LIST and target not in events else (kind, target, column)
            for kind, target, column in self.plan
        ]
        self.full = True
        duplicates = sorted({name for name in self.header if name and self.header.count(name) > 1})
        if duplicates:
            raise ImportFailed(f"line 1: the header repeats the column(s) {', '.join(duplicates)}")

    def bytes_read(self) -> int:
        return self._binary.tell() if self._binary else 0

    def rows(self, *, full: bool = True) -> Iterator[Row]:
        """Every data row in file order. A file that stops being readable ends the import.

        full=False (the checking pass) leaves out what only the writer needs: notes, access
        points, containers, alternative identifiers and codes (events are checked)."""
        self.full = full
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

    def _row(self, where: str, header: list[str], cells: list[str]) -> Row:
        row = Row(where=where)
        if len(cells) > len(header):
            row.problems.append(f"{where}: {len(cells)} values but the header has only {len(header)} columns")
        lists: dict[str, list[str]] = {}
        raw, sources, other = row.raw, row.sources, row.related.other
        for (kind, target, column), cell in zip(self.plan if self.full else self.check_plan, cells, strict=False):
            value = cell.strip()
            if not value or kind is _SKIP:
                continue
            if value[0] == "'":
                value = unguard_cell(value)
            if kind is _FIELD:
                if target not in raw:
                    raw[target] = value
                    sources[target] = (where, column)
            elif kind is _LIST:
                lists[target] = atom.split_list(value)
            elif kind is _OTHER:
                other[target] = value
            elif target == "legacyId":
                row.key = value
            elif target == "parentId":
                row.parent_key = value
            elif target == "qubitParentSlug":
                row.parent_slug = value
            else:  # repository
                row.related.repository = value
        if lists:
            _related_lists(row, lists, where, self.full)
        return row


_FIELD, _LIST, _OTHER, _SPECIAL, _SKIP = "field", "list", "other", "special", "skip"
_FIELDS = {**atom.TEXT, "levelOfDescription": "level_of_description", "publicationStatus": "publication_status"}


def column_plan(header: list[str]) -> list[tuple[str, str, str]]:
    """What to do with each column, worked out once per file: (kind, target, column as named)."""
    plan = []
    for column in header:
        name = atom.ALIASES.get(column, column)
        if name in _FIELDS:
            plan.append((_FIELD, _FIELDS[name], column))
        elif name in atom.LIST_COLUMNS:
            plan.append((_LIST, name, column))
        elif name in atom.STRUCTURE or name == "repository":
            plan.append((_SPECIAL, name, column))
        elif column:
            plan.append((_OTHER, column, column))
        else:
            plan.append((_SKIP, "", ""))  # a column with no name in the header: nothing to keep it under
    return plan


def _related_lists(row: Row, lists: dict[str, list[str]], where: str, full: bool) -> None:
    """The "|" columns: codes, notes, access points, and the parallel lists (events, containers,
    alternative identifiers: entry n of each column belongs to the n-th one)."""
    related = row.related
    for columns in (atom.EVENT_COLUMNS, atom.LEGACY_EVENT_COLUMNS):
        events = _parallel(lists, columns)
        for event in events:
            event.setdefault("event_type", "Creation")
        related.events.extend(events)
    if related.events:
        row.sources.setdefault("start_date", (where, "eventStartDates"))
        row.sources.setdefault("end_date", (where, "eventEndDates"))
    if not full:
        return
    for column, name in atom.CODES.items():
        if column in lists:
            related.codes[name] = [code for code in lists[column] if code]
    for column, note_type in atom.NOTES.items():
        related.notes.extend((note_type, text) for text in lists.get(column, ()) if text)
    for column, taxonomy in atom.TERMS.items():
        related.terms.extend((taxonomy, name) for name in lists.get(column, ()) if name)
    related.names.extend(name for name in lists.get(atom.NAMES, ()) if name)
    related.containers = _parallel(lists, atom.CONTAINER_COLUMNS)
    related.alternative_ids = [
        (entry.get("label", ""), entry["value"])
        for entry in _parallel(lists, atom.ALTERNATIVE_ID_COLUMNS)
        if entry.get("value")
    ]


def _parallel(lists: dict[str, list[str]], columns: dict[str, str]) -> list[dict[str, str]]:
    """Zip parallel "|" columns into one dict per entry, leaving out entries with no value at all."""
    present = [(lists[column], key) for column, key in columns.items() if column in lists]
    if not present:
        return []
    entries = []
    for n in range(max(len(values) for values, _ in present)):
        entry = {key: values[n] for values, key in present if n < len(values) and values[n]}
        if entry:
            entries.append(entry)
    return entries
