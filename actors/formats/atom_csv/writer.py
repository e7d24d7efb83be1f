"""AtoM CSV export: every column the import reads, AtoM's ISAD(G) header first, names and order.

Columns beyond it (RAD's, and whatever an import kept as it was) follow when the exported
records use them, so a RAD file exports back cell for cell. Rows stream in tree order;
what each record holds several of is read per batch (``models.description_related``)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import IO, Any

from more_itertools import chunked
from sqlalchemy import Row as SqlRow
from sqlalchemy import Select, exists, select

from actors.formats.atom_csv import columns as atom
from actors.formats.spreadsheet import guard_for_atom
from actors.formats.writing import iso_date
from extensions import db
from models import ArchivalDescription as D
from models import Container, DescriptionContainer, Event, Note, PublicationStatus
from models.description_parts import KEPT, Related
from models.description_related import related_of
from models.vocabulary import LevelOfDescription

BATCH = 500


def extra_columns(roots: list[D]) -> list[str]:
    """The columns past AtoM's ISAD header that these sub-trees need (one streaming read of
    ``other_fields`` and an EXISTS query per optional column and root)."""
    kept: set[str] = set()
    used: set[str] = set()
    for root in roots:
        subtree = D.lft.between(root.lft, root.rgt)
        query = select(D.other_fields).where(subtree, D.other_fields.isnot(None)).execution_options(yield_per=2000)
        for (other,) in db.session.execute(query):
            kept.update(other or {})
        if db.session.scalar(select(exists().where(subtree, D.alternate_title.isnot(None)))):
            used.add("alternateTitle")
        used.update(column for column, holds in _optional(select(D.id).where(subtree)) if db.session.scalar(holds))
    wanted = kept | used
    ours = [column for column in atom.OURS if column in used]
    known = set(atom.RAD_EXTRA) | set(atom.ISAD_HEADER) | set(ours)
    return [c for c in atom.RAD_EXTRA if c in wanted] + ours + sorted(kept - known)


def _optional(in_tree: Select) -> list[tuple[str, Select]]:
    """(column, whether a record of the tree has something for it)."""
    events = [
        ("eventDescriptions", Event.description),
        ("eventPlaces", Event.place),
        ("eventDateTypes", Event.date_type),
    ]
    held = select(DescriptionContainer.container_id).where(DescriptionContainer.description_id.in_(in_tree))
    return [
        *(
            (column, select(exists().where(Event.description_id.in_(in_tree), value.isnot(None))))
            for column, value in events
        ),
        ("physicalObjectLabel", select(exists().where(Container.id.in_(held), Container.label.isnot(None)))),
        ("physicalObjectParent", select(exists().where(Container.id.in_(held), Container.parent_id.isnot(None)))),
        (atom.KEPT_ELEMENTS, select(exists().where(Note.description_id.in_(in_tree), Note.note_type == KEPT))),
    ]


class CsvExport:
    def __init__(self, stream: IO[str], roots: list[D]) -> None:
        self.header = list(atom.ISAD_HEADER) + extra_columns(roots)
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(self.header)
        self.repositories: dict[int, str] = {}
        self.level_names = LevelOfDescription.names()

    def write_tree(self, rows: Iterable[SqlRow], root_id: int) -> Iterator[None]:
        for batch in chunked(rows, BATCH):
            yield from self._write(batch, root_id)

    def _write(self, batch: list[SqlRow], root_id: int) -> Iterator[None]:
        related = related_of(batch, self.repositories)
        for row in batch:
            cells = self.cells(row, related.get(row.id) or Related(), root_id)
            self.writer.writerow([guard_for_atom(cells.get(name) or "") for name in self.header])
            yield

    def cells(self, row: SqlRow, related: Related, root_id: int) -> dict[str, str]:
        cells: dict[str, Any] = dict(row.other_fields or {})
        cells.update(
            legacyId=str(row.id),
            parentId="" if row.id == root_id else str(row.parent_id or ""),
            levelOfDescription=self.level_names.get(row.level_of_description) or row.level_of_description.capitalize(),
            publicationStatus=PublicationStatus(row.publication_status).label,
            repository=related.repository or "",
        )
        for column, attribute in atom.TEXT.items():
            cells[column] = getattr(row, attribute) or ""
        cells["culture"] = row.culture or ""  # (empty: AtoM's default culture, as on import)
        for column, attribute in atom.CODES.items():
            cells[column] = atom.join_list(getattr(row, attribute) or [])
        for column, note_type in atom.NOTES.items():
            cells[column] = atom.join_list([text for kind, text in related.notes if kind == note_type])
        for column, taxonomy in atom.TERMS.items():
            cells[column] = atom.join_list([name for kind, name in related.terms if kind == taxonomy])
        cells[atom.NAMES] = atom.join_list(related.names)
        events = related.events or _event_from_dates(row)
        for column, key in atom.EVENT_COLUMNS.items():
            cells[column] = atom.join_list([event.get(key, "") for event in events])
        for column, key in atom.CONTAINER_COLUMNS.items():
            cells[column] = atom.join_list([container.get(key, "") for container in related.containers])
        cells["alternativeIdentifiers"] = atom.join_list([value for _, value in related.alternative_ids])
        cells["alternativeIdentifierLabels"] = atom.join_list([label for label, _ in related.alternative_ids])
        if related.kept:
            cells[atom.KEPT_ELEMENTS] = json.dumps([asdict(kept) for kept in related.kept], ensure_ascii=False)
        return cells


def _event_from_dates(row: SqlRow) -> list[dict[str, str]]:
    """A description with dates but no event (made before events, or by hand): one creation event."""
    if not (row.dates or row.start_date or row.end_date):
        return []
    return [
        {
            "event_type": "Creation",
            "date_text": row.dates or "",
            "start_text": iso_date(row.start_date),
            "end_text": iso_date(row.end_date),
        }
    ]
