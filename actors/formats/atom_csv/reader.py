"""Read AtoM archival-description CSV as a stream of rows (never the whole file at once)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path

from flask_babel import gettext as _

from actors.formats.atom_csv import columns as atom
from actors.formats.atom_csv.entities import RepeatedColumns, refusal
from actors.formats.atom_csv.kept import NotKeptElements, kept_from_cell
from actors.formats.limits import unstorable
from actors.formats.place import located
from actors.formats.rows import ImportFailed, Row
from actors.formats.spreadsheet import unguard
from models.description_parts import Related

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
                raise ImportFailed(located(_line(1), _("the header is not readable: %(error)s", error=error))) from None
        if refused := refusal(self.header):
            raise ImportFailed(refused)
        # Columns with no field of their own here: kept as they are (other_fields) and exported back.
        self.kept_as_is = list(dict.fromkeys(name for name in self.header if name and name not in atom.KNOWN))
        self.repeats = RepeatedColumns(self.header)
        # Cells models.text refuses (NUL, a lone surrogate: it fails the statement that writes it) are
        # problems, said in the planning pass. Strict UTF-8 decoding refuses surrogates, so only a
        # NUL byte (which the upload checks refuse, and a file given to the job directly may hold)
        # makes one: the rows are screened only when the file holds one.
        screen = _holds_nul(self.path)
        if screen and (refused_names := unstorable("line 1", [""] * len(self.header), self.header)):
            raise ImportFailed(refused_names[0])
        self.full_plan = ColumnPlan(self.header, full=True, repeats=self.repeats)
        self.structure_plan = ColumnPlan(self.header, full=False, screen=screen, repeats=self.repeats)

    def bytes_read(self) -> int:
        return self._binary.tell() if self._binary else 0

    def rows(self, *, full: bool = True) -> Iterator[Row]:
        """Every data row in file order. A file that stops being readable ends the import.

        full=False (the planning pass) reads only the structure: legacyId, parentId,
        qubitParentSlug and identifier, and says when a row has more values than the header."""
        plan = self.full_plan if full else self.structure_plan
        with self.path.open("rb") as binary:
            self._binary = binary
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            reader = csv.reader(text, strict=True)  # (not strict: an unclosed quote swallows the rest of the file)
            line = 1
            where = _("line %(line)s")  # (the job's language, looked up once: it names every row)
            try:
                next(reader)
                line = reader.line_num + 1
                said = self.repeats.warnings() if full else []  # once, with the first row
                for cells in reader:
                    if any(map(str.strip, cells)):
                        row = plan.row(where % {"line": line}, cells)
                        for warning in said:
                            row.warn(_("repeated column"), _line(1), warning)
                        said = []
                        yield row
                    line = reader.line_num + 1
            except csv.Error as error:
                raise ImportFailed(_not_csv(line, error)) from None
            except UnicodeDecodeError:
                raise ImportFailed(_("near line %(line)s: the file is not UTF-8 text", line=line)) from None
            finally:
                self._binary = None


def _holds_nul(path: Path) -> bool:
    with path.open("rb") as binary:
        return any(b"\x00" in chunk for chunk in iter(lambda: binary.read(1 << 20), b""))


def _line(line: int) -> str:
    return _("line %(line)s", line=line)


def _not_csv(line: int, error: csv.Error) -> str:
    if "unexpected end of data" in str(error):
        return located(
            _line(line),
            _(
                'a quoted value opened on this line is never closed (a " is missing): the rest of the file would be '
                "read into that one cell"
            ),
        )
    return located(_line(line), _("not valid CSV: %(error)s", error=error))


_FIELDS = {**atom.TEXT, "levelOfDescription": "level_of_description", "publicationStatus": "publication_status"}
Pairs = list[tuple[str, str]]  # (AtoM column, what its value is) for the columns a file has


class ColumnPlan:
    """What to do with each column of a file, worked out once: the cells of a row are then
    read by position, kind by kind (AtoM's 56 columns are read tens of thousands of times a
    second), and only the "|" columns the file has are looked at."""

    def __init__(
        self, header: list[str], *, full: bool, screen: bool = False, repeats: RepeatedColumns | None = None
    ) -> None:
        self.header, self.width = header, len(header)
        self.full, self.screen = full, screen  # screen: check every cell against models.text
        self.repeats = repeats or RepeatedColumns(header)  # a column the header has twice: read from its first place
        later = self.repeats.later
        self.fields: list[tuple[int, str]] = []  # (position, model field)
        self.lists: list[tuple[int, str]] = []  # (position, AtoM column): "|" lists
        self.other: list[tuple[int, str]] = []  # columns kept as they are
        self.columns: dict[str, str] = {}  # model field (or "event.actor" ...: limits) -> its column, for problems
        position = {atom.ALIASES.get(column, column): index for index, column in reversed(list(enumerate(header)))}
        self.structure = [position.get(name) for name in (*atom.STRUCTURE, "repository")]
        self.kept_elements = position.get(atom.KEPT_ELEMENTS)
        for index, column in enumerate(header):
            name = atom.ALIASES.get(column, column)
            if index in later:
                continue
            if name in _FIELDS and (full or _FIELDS[name] == "identifier"):
                self.fields.append((index, _FIELDS[name]))
                self.columns.setdefault(_FIELDS[name], column)
            elif name in atom.LIST_COLUMNS and full:
                self.lists.append((index, name))
            elif full and column and name not in atom.KNOWN:
                self.other.append((index, column))

        def present(columns: dict[str, str]) -> Pairs:
            return [(column, value) for column, value in columns.items() if column in position]

        self.event_groups = [pairs for pairs in map(present, (atom.EVENT_COLUMNS, atom.LEGACY_EVENT_COLUMNS)) if pairs]
        self.codes, self.notes, self.terms = present(atom.CODES), present(atom.NOTES), present(atom.TERMS)
        self.containers, self.alternative_ids = present(atom.CONTAINER_COLUMNS), present(atom.ALTERNATIVE_ID_COLUMNS)
        for prefix, pairs in [*(("event.", group) for group in self.event_groups), ("container.", self.containers)]:
            for column, key in pairs:
                self.columns.setdefault(prefix + key, column)
        self.columns.update((f"term.{taxonomy}", column) for column, taxonomy in self.terms)
        self.columns["names"] = atom.NAMES

    def row(self, where: str, cells: list[str]) -> Row:
        row = Row(where=where, columns=self.columns)
        if self.screen:
            row.problems.extend(unstorable(where, self.header, cells))
        if len(cells) != self.width or self.repeats.groups:
            self._fit(row, cells)
        raw = row.raw
        for index, target in self.fields:
            value = cells[index].strip()
            if value and target not in raw:  # (an alias and its column: the first filled one)
                raw[target] = unguard(value) if value[0] == "'" else value
        key, parent_key, parent_slug, repository = (_cell(cells, index) for index in self.structure)
        row.key, row.parent_key, row.parent_slug = key, parent_key, parent_slug
        lists: dict[str, list[str]] = {}
        for index, name in self.lists:
            value = cells[index].strip()
            if value:
                lists[name] = atom.split_list(unguard(value) if value[0] == "'" else value)
        if lists:
            self._related_lists(row.related, lists)
        if self.full:
            row.related.repository = repository
            self._keep_as_is(row.related.other, cells)
            if self.kept_elements is not None and (cell := cells[self.kept_elements].strip()):
                _read_kept(row, cell)
        return row

    def _fit(self, row: Row, cells: list[str]) -> None:
        """The cells put where the plan reads them: missing ones empty, a repeated column's value
        in its first place. More values than the header, or copies of a column that differ, are
        problems of the file: said once, by the planning pass (it reads every row first)."""
        if len(cells) > self.width and not self.full:
            said = _("%(count)s values but the header has only %(width)s columns", count=len(cells), width=self.width)
            row.problems.append(located(row.where, said))
        elif len(cells) < self.width:
            cells += [""] * (self.width - len(cells))
        if self.repeats.groups:
            conflicts = self.repeats.merge(row.where, cells)
            if not self.full:
                row.problems.extend(conflicts)

    def _keep_as_is(self, other: dict[str, str], cells: list[str]) -> None:
        """The filled cells of the columns with no field of their own here: kept as they are
        (other_fields), and exported back."""
        for index, column in self.other:
            value = cells[index].strip()
            if value:
                other[column] = unguard(value) if value[0] == "'" else value

    def _related_lists(self, related: Related, lists: dict[str, list[str]]) -> None:
        """The "|" columns: events, codes, notes, access points, containers and alternative
        identifiers (parallel lists: entry n of each column belongs to the n-th one)."""
        for pairs in self.event_groups:
            for event in _parallel(lists, pairs):
                event.setdefault("event_type", "Creation")
                related.events.append(event)
        for column, name in self.codes:
            if column in lists:
                related.codes[name] = [code for code in lists[column] if code]
        for column, note_type in self.notes:
            related.notes.extend((note_type, text) for text in lists.get(column, ()) if text)
        for column, taxonomy in self.terms:
            related.terms.extend((taxonomy, name) for name in lists.get(column, ()) if name)
        related.names.extend(name for name in lists.get(atom.NAMES, ()) if name)
        related.containers = _parallel(lists, self.containers)
        related.alternative_ids = [
            (entry.get("label", ""), entry["value"])
            for entry in _parallel(lists, self.alternative_ids)
            if "value" in entry
        ]


def _read_kept(row: Row, cell: str) -> None:
    try:
        row.related.kept = kept_from_cell(cell)
    except NotKeptElements as why:
        row.problems.append(located(row.where, f"{atom.KEPT_ELEMENTS} {why}"))


def _cell(cells: list[str], index: int | None) -> str | None:
    if index is None:
        return None
    value = cells[index].strip()
    return (unguard(value) if value[0] == "'" else value) if value else None


def _parallel(lists: dict[str, list[str]], pairs: Pairs) -> list[dict[str, str]]:
    """Zip parallel "|" columns into one dict per entry, leaving out entries with no value at all."""
    present = [(key, lists[column]) for column, key in pairs if column in lists]
    if not present:
        return []
    if len(present) == 1:
        key, values = present[0]
        return [{key: value} for value in values if value]
    if all(len(values) == 1 for _, values in present):  # the common case: one entry
        entry = {key: values[0] for key, values in present if values[0]}
        return [entry] if entry else []
    keys = [key for key, _ in present]
    return [
        entry
        for cells in zip_longest(*(values for _, values in present), fillvalue="")
        if (entry := {key: cell for key, cell in zip(keys, cells, strict=True) if cell})
    ]
