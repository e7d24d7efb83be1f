"""Box labels as sheets of self-adhesive labels: one label per box, each at the exact place of a
label on a standard sheet, so the archivist prints the PDF at 100 % and sticks them on.

Each label is a box of fixed size, placed absolutely from the sheet's measurements (margins,
pitch), its content clipped to it: a long title is set smaller, wraps, and past a few lines
ends in an ellipsis (CSS line-clamp) instead of running into the next label. Sheets are laid
out a few dozen at a time (a fonds can have thousands of boxes), without page numbers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from more_itertools import chunked

from actors.rendering import pdf_pages
from actors.rendering.lanes import Lane, lay_out_lanes
from actors.rendering.pdf_workers import LocalPool

SHEETS_PER_CHUNK = 40  # pages per WeasyPrint document

# Territories whose paper is US Letter (CLDR's paperSize); elsewhere A4.
LETTER_TERRITORIES = frozenset({"BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"})


@dataclass(frozen=True)
class Sheet:
    """A label sheet's measurements, in millimetres, as its maker gives them."""

    label: object  # lazy, for the form
    page: str  # CSS page size
    columns: int
    rows: int
    width: float  # of a label
    height: float
    top: float  # page edge to the first row
    left: float  # page edge to the first column
    column_gap: float = 0.0
    row_gap: float = 0.0
    scale: float = 1.0  # of the type and the box's column: taller labels take bigger text
    title_lines: int = 4  # at most, for the longest titles (set smallest)

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def place(self, index: int) -> tuple[float, float]:
        """(left, top) of the index-th label of a page, row by row."""
        row, column = divmod(index, self.columns)
        return (
            round(self.left + column * (self.width + self.column_gap), 3),
            round(self.top + row * (self.height + self.row_gap), 3),
        )


INCH = 25.4
SHEETS = {
    "a4_2x7": Sheet(
        _l("A4, 2 × 7 labels of 99.1 × 38.1 mm (as Avery L7163)"),  # noqa: RUF001 (the sign label makers print)
        page="A4", columns=2, rows=7, width=99.1, height=38.1, top=15.15, left=4.65, column_gap=2.5,
    ),
    "letter_2x5": Sheet(
        _l("US Letter, 2 × 5 labels of 4 × 2 in (as Avery 5163)"),  # noqa: RUF001
        page="letter", columns=2, rows=5, width=4 * INCH, height=2 * INCH,
        top=0.5 * INCH, left=0.15625 * INCH, column_gap=0.1875 * INCH,
        scale=1.2, title_lines=6,
    ),
}  # fmt: skip


def sheet_for(territory: str | None) -> str:
    """The sheet people buy where the reader lives: Letter in the Americas' Letter countries, else A4."""
    return "letter_2x5" if territory and territory.upper() in LETTER_TERRITORIES else "a4_2x7"


@dataclass(frozen=True)
class BoxLabel:
    """What a box's label says."""

    id: int  # its number in the report
    repository: str
    fonds: str  # the title of the fonds the box belongs to
    reference: str  # the fonds' reference code
    contents: str  # the reference codes in the box: "F1-2-1 – F1-2-4"
    box_type: str  # "Box"
    box: str  # its number or name
    dates: str  # its contents' date range
    location: str


def size_of(text: str, *limits: int) -> str:
    """A size class for text by its length ("l", "m", "s"): longer text is set smaller before it is cut."""
    return next((size for size, limit in zip("lm", limits, strict=False) if len(text) <= limit), "s")


def sheets_html(labels: list[BoxLabel], sheet: Sheet, title: str) -> str:
    """The labels as HTML, a page per sheet, each label at its place."""
    pages = [
        [(label, *sheet.place(index)) for index, label in enumerate(page)] for page in chunked(labels, sheet.per_page)
    ]
    return render_template("reports/labels.html", pages=pages, sheet=sheet, title=title, size_of=size_of)


def render_label_sheets(
    labels: Iterable[BoxLabel],
    dest: Path,
    *,
    sheet: Sheet,
    title: str,
    on_chunk: Callable[[int], None] = lambda labels_done: None,
) -> int:
    """Write the labels to dest, sheet.per_page to a page; returns the page count."""
    dest = Path(dest)
    done = 0

    def finished(count: int) -> None:
        nonlocal done
        done += count
        on_chunk(done)

    def html(batch: list[BoxLabel], _first: bool) -> str:
        pages = [
            [(label, *sheet.place(index)) for index, label in enumerate(page)]
            for page in chunked(batch, sheet.per_page)
        ]
        return render_template("reports/labels.html", pages=pages, sheet=sheet, title=title, size_of=size_of)

    with (
        tempfile.TemporaryDirectory(prefix=".labels-", dir=dest.parent) as work,
        LocalPool("", current_app.root_path) as pool,
    ):
        lane = Lane(
            chunked(labels, sheet.per_page * SHEETS_PER_CHUNK),
            lambda batch, _first: sheets_html(batch, sheet, title),
            Path(work),
            "labels",
        )
        chunks = lay_out_lanes(pool, [lane], finished)
        return pdf_pages.assemble(chunks, dest, None, title=title)
