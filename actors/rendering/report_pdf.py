"""Reports as PDF: one table, A4, header row on every page, "Page N of M" footers.

A report can run to tens of thousands of rows and WeasyPrint's memory grows with the
document, so rows are laid out CHUNK_ROWS at a time, each chunk written to its own
temporary PDF, then joined by pdf_pages (which also stamps the page numbers). The rows
of a chunk's partly filled last page move to the next chunk (one lane, see lanes),
so the joins do not show. WeasyPrint repeats a table's <thead> on each page by itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template
from more_itertools import chunked

from actors.rendering import pdf_pages
from actors.rendering.lanes import Lane, footer_overlays, lay_out_lanes
from actors.rendering.pdf_workers import LocalPool

# Rows per WeasyPrint document: ~15 pages, a few tens of MB of layout at most.
CHUNK_ROWS = 600


@dataclass(frozen=True)
class ReportRow:
    id: int  # the description's id: the anchors u<id> / e<id> mark where its row starts / ends
    cells: Sequence[str]


def render_report_pdf(
    rows: Iterable[ReportRow],
    dest: Path,
    *,
    title: str,
    subtitle: str,
    header: Sequence[str],
    widths: Sequence[int],
    on_chunk: Callable[[int], None] = lambda rows_done: None,
) -> int:
    """Write the table to dest; returns the page count. Chunk files go to a scratch folder beside dest.

    widths: each column's share of the page width, in percent (a fixed layout is much faster).

    on_chunk(rows laid out so far) is called after each chunk: the caller's progress and cancel checkpoint.
    """
    dest = Path(dest)
    context = {"title": title, "subtitle": subtitle, "header": header, "widths": widths}
    done = 0

    def finished(rows_done: int) -> None:
        nonlocal done
        done += rows_done
        on_chunk(done)

    def html(rows: list[ReportRow], first: bool) -> str:
        return render_template("reports/table.html", rows=rows, first=first, **context)

    with (
        tempfile.TemporaryDirectory(prefix=".report-", dir=dest.parent) as work,
        LocalPool("", current_app.root_path) as pool,
    ):
        lane = Lane(chunked(rows, CHUNK_ROWS), html, Path(work), "chunk")
        chunks = lay_out_lanes(pool, [lane], finished)
        footers = footer_overlays(pool, chunks)
        return pdf_pages.assemble(
            chunks, dest, lambda first, _count, _total: footers[first], title=title, skip_first_page=False
        )
