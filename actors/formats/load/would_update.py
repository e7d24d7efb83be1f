"""What an import with match "update" would change of the records it matches, as Check import
says it before anything is written: which records (title, identifier), which fields, before and
after. "Would update 2" alone left the archivist to guess (issue 27).

The console lists the first SHOWN; a CSV beside the job (its result) lists them all. Records are
compared a batch at a time, so a file matching 100,000 records is never held whole."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from actors.formats.spreadsheet import guard_for_spreadsheet
from actors.ledger.recording import jsonable
from extensions import db
from models.description import ArchivalDescription as D

SHOWN = 50  # records listed in the console
BATCH = 500  # matched records compared per SELECT
SHORT = 60  # characters of a value shown in the console (the CSV has it whole)
HEADER = ("identifier", "title", "field", "before", "after")


def _compact(level: Any) -> str:
    """A level as the vocabulary keys it ("Sub-fonds" and "subfonds" are one level)."""
    return "".join(ch for ch in str(level or "").lower() if ch.isalnum())


def _same(name: str, old: Any, new: Any) -> bool:
    if name == "level_of_description":
        return _compact(old) == _compact(new)
    return jsonable(old or None) == jsonable(new or None)  # ("" and [] are no value, as None)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(jsonable(value))


def _short(value: Any) -> str:
    text = " ".join(_text(value).split())
    if not text:
        return "(empty)"
    return f"“{text[:SHORT]}…”" if len(text) > SHORT else f"“{text}”"


def field_name(name: str) -> str:
    """ "scope_and_content" -> "Scope and content"."""
    return name.replace("_", " ").capitalize()


class Table(Protocol):
    def writerow(self, row: Iterable[str], /) -> Any: ...


class WouldUpdate:
    """Fed the cleaned values of every row that matches a record; says what would change."""

    def __init__(self, table: Table | None) -> None:
        self.table = table
        self.pending: list[tuple[int, dict[str, Any]]] = []
        self.changed = self.same = 0

    def add(self, record_id: int, values: dict[str, Any]) -> None:
        self.pending.append((record_id, values))
        if len(self.pending) >= BATCH:
            self._compare()

    def finish(self) -> None:
        """The last batch, then how many more there were and how many would stay as they are."""
        self._compare()
        if self.changed > SHOWN:
            print(f"... and {self.changed - SHOWN:,} more: every one, field by field, in the result file (CSV).")
        if self.same:
            print(f"{self.same:,} matched records already hold the file's values in their description fields.")

    def _compare(self) -> None:
        if not self.pending:
            return
        names = [name for name in self.pending[0][1] if hasattr(D, name)]
        ids = [record_id for record_id, _values in self.pending]
        query = select(D.id, D.title, D.identifier, *(getattr(D, name) for name in names)).where(D.id.in_(ids))
        current = {row[0]: row for row in db.session.execute(query)}
        for record_id, values in self.pending:
            row = current.get(record_id)
            if row is None:
                continue
            old = dict(zip(names, row[3:], strict=True))
            changes = [(name, old[name], values[name]) for name in names if not _same(name, old[name], values[name])]
            self._say(row.title, row.identifier, changes)
        self.pending = []

    def _say(self, title: str, identifier: str | None, changes: list[tuple[str, Any, Any]]) -> None:
        if not changes:
            self.same += 1
            return
        self.changed += 1
        if self.changed == 1:
            print("Would update these descriptions (field: before → after):")
        if self.changed <= SHOWN:
            said = "; ".join(f"{field_name(name)}: {_short(old)} → {_short(new)}" for name, old, new in changes)
            print(f"  “{title}” ({identifier or 'no identifier'}): {said}")
        if self.table is not None:
            for name, old, new in changes:
                cells = (identifier or "", title, field_name(name), _text(old), _text(new))
                self.table.writerow([guard_for_spreadsheet(cell) for cell in cells])


@contextmanager
def would_update_file(target: Path) -> Iterator[WouldUpdate]:
    """A WouldUpdate writing its CSV to target (renamed in place only when complete; removed
    when no record would change: nothing to download)."""
    partial = target.with_name(f".{target.name}.partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            table = csv.writer(out, lineterminator="\n")
            table.writerow(HEADER)
            listing = WouldUpdate(table)
            yield listing
        if listing.changed:
            partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
