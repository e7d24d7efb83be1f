"""Reports as PDF: one table, A4, header row on every page, "Page N of M" footers.

A report can run to tens of thousands of rows and WeasyPrint's memory grows with the
document, so rows are laid out CHUNK_ROWS at a time, each chunk written to its own
temporary PDF, then joined by pdf_pages (which also stamps the page numbers). The rows
of a chunk's partly filled last page move to the next chunk (pdf_workers.units_to_carry),
so the joins do not show. WeasyPrint repeats a table's <thead> on each page by itself.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, render_template

from actors.rendering import pdf_pages
from actors.rendering.pdf_workers import ChunkTask, LocalPool

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
    chunks: list[pdf_pages.Chunk] = []
    done = 0
    with tempfile.TemporaryDirectory(prefix=".report-", dir=dest.parent) as work, \
            LocalPool("", current_app.root_path) as pool:
        carried: list[ReportRow] = []
        for batch, more in _batches(rows, CHUNK_ROWS):
            units = carried + batch
            html = render_template("reports/table.html", rows=units, first=not chunks, **context)
            path = Path(work) / f"chunk-{len(chunks):05d}.pdf"
            laid = pool.lay_out(ChunkTask(html, [row.id for row in units], more, str(path)), lambda _b: None)
            carried = units[len(units) - laid.carried:] if laid.carried else []
            chunks.append(pdf_pages.Chunk(path, laid.pages))
            done += len(units) - len(carried)
            del html, units
            on_chunk(done)
        footers = _footers(pool, chunks)
        return pdf_pages.assemble(
            chunks, dest, lambda first, _count, _total: footers[first], title=title, skip_first_page=False
        )


def _batches(rows: Iterable[ReportRow], size: int) -> Iterator[tuple[list[ReportRow], bool]]:
    """(batch, whether another batch follows); always at least one batch, maybe empty."""
    iterator = iter(rows)
    batch = [row for _, row in zip(range(size), iterator)]
    while True:
        following = [row for _, row in zip(range(size), iterator)]
        yield batch, bool(following)
        if not following:
            return
        batch = following


def _footers(pool: LocalPool, chunks: list[pdf_pages.Chunk]) -> dict[int, bytes]:
    """Footer overlays keyed by each chunk's first page number (the finding aid's page-number template)."""
    total_pages = sum(chunk.page_count for chunk in chunks)
    firsts, first = [], 1
    for chunk in chunks:
        firsts.append(first)
        first += chunk.page_count
    pages_html = [
        render_template("finding_aid/page_numbers.html", first_page=first, page_count=chunk.page_count,
                        total_pages=total_pages)
        for first, chunk in zip(firsts, chunks)
    ]
    return dict(zip(firsts, pool.footers(pages_html)))
