"""What each report lists and how its rows read (AtoM's file list, item list, box labels,
storage locations), streamed in tree order, and the CSV it writes; the PDF is report_pdf's.

Rows stream from one range query over the nested set, filtered to the listed level and the few
ancestor levels a row names (its series, file or fonds): the open ancestors are a stack as deep
as the tree, so a report of any size needs little memory."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, select

from actors.formats.spreadsheet import guard_for_spreadsheet
from actors.rendering.report_containers import box_label_rows, storage_location_rows
from actors.rendering.report_pdf import ReportRow
from extensions import db
from models.description import ArchivalDescription as D

Listed = TypeVar("Listed")
COLUMNS = (D.id, D.lft, D.rgt, D.identifier, D.title, D.level_of_description, D.dates, D.extent_and_medium)


def _named(row: Row | None) -> str:
    """An ancestor as one cell: "identifier – title"."""
    return " – ".join(part for part in (row.identifier, row.title) if part) if row is not None else ""


@dataclass(frozen=True)
class ReportKind:
    """What a report lists, and how each row reads. Titles and headers are English, like finding aids."""

    title: str  # in the file and the Info column
    label: object  # lazy, for the form
    level: str  # the level of description listed
    context_levels: tuple[str, ...]  # the ancestor a row names: the nearest at one of these levels
    nouns: tuple[str, str]  # singular, plural
    header: tuple[str, ...]
    widths: tuple[int, ...]  # PDF column widths, percent
    cells: Callable[[Row, Row | None], Sequence[str]] | None
    # Reports of physical storage list containers, not descriptions of one level.
    container_rows: Callable[[D], Iterator[ReportRow]] | None = None
    sheets: bool = False  # as a PDF: on a sheet of labels by default (label_sheets), or the table

    def count_text(self, count: int) -> str:
        return f"{count} {self.nouns[count != 1]}"


KINDS = {
    "file_list": ReportKind(
        "File list",
        _l("File list"),
        "file",
        ("series", "subseries"),
        ("file", "files"),
        ("Reference code", "Title", "Dates", "Extent", "Series"),
        (15, 32, 11, 17, 25),
        lambda row, series: (
            row.identifier or "",
            row.title,
            row.dates or "",
            row.extent_and_medium or "",
            _named(series),
        ),
    ),
    "item_list": ReportKind(
        "Item list",
        _l("Item list"),
        "item",
        ("file",),
        ("item", "items"),
        ("Identifier", "Title", "Dates", "File"),
        (15, 43, 11, 31),
        lambda row, file: (row.identifier or "", row.title, row.dates or "", _named(file)),
    ),
    "box_labels": ReportKind(
        "Box labels",
        _l("Box labels"),
        "",
        (),
        ("label", "labels"),
        ("Container", "Location", "Fonds", "Reference codes", "Contents"),
        (12, 16, 20, 16, 36),
        None,
        container_rows=box_label_rows,
        sheets=True,
    ),
    "storage_locations": ReportKind(
        "Storage locations",
        _l("Storage locations"),
        "",
        (),
        ("container", "containers"),
        ("Location", "Container", "Descriptions", "Reference codes", "Contents"),
        (18, 12, 10, 18, 42),
        None,
        container_rows=storage_location_rows,
    ),
}


def _in_tree_order(*conditions) -> Iterator[Row]:
    query = select(*COLUMNS).where(*conditions).order_by(D.lft).execution_options(yield_per=1000, stream_results=True)
    return iter(db.session.execute(query))


def report_rows(root: D, kind: ReportKind) -> Iterator[ReportRow]:
    """The rows of the report, in tree order, each with its nearest context ancestor."""
    cells = kind.cells
    assert cells is not None  # (a kind without cells lists containers: the caller uses its container_rows)
    in_context = D.level_of_description.in_(kind.context_levels)
    # The context may lie above the root (a file list of a series names that series).
    stack = list(_in_tree_order(D.lft < root.lft, D.rgt > root.rgt, in_context))
    wanted = D.level_of_description.in_((kind.level, *kind.context_levels))
    for row in _in_tree_order(D.lft.between(root.lft, root.rgt), wanted):
        while stack and stack[-1].rgt < row.lft:
            stack.pop()
        if row.level_of_description == kind.level:
            yield ReportRow(row.id, cells(row, stack[-1] if stack else None))
        if row.level_of_description in kind.context_levels:
            stack.append(row)


class Counted(Generic[Listed]):
    """Rows passed through, counted: what the report really listed (the tree may change after the count)."""

    def __init__(self, rows: Iterator[Listed]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[Listed]:
        for row in self.rows:
            self.count += 1
            yield row


@contextmanager
def partial_file(dest: Path) -> Iterator[Path]:
    """A hidden path beside dest, renamed to dest only if the block succeeds."""
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        yield partial
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def write_csv(rows: Iterator[ReportRow], header: Sequence[str], dest: Path, on_row: Callable[[int], None]) -> int:
    """Header, then one line per row (spreadsheet formulas neutralized); returns the row count."""
    count = 0
    with open(dest, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([guard_for_spreadsheet(cell) for cell in row.cells])
            count += 1
            on_row(count)
    return count
