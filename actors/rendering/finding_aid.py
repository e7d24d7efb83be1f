"""Finding aids: a description and its whole sub-tree as one PDF (WeasyPrint) or RTF.

Big fonds run to tens of thousands of descriptions. WeasyPrint's memory and time grow
with the size of a document (3,000 descriptions in one document: ~46 s, ~950 MB), so
the tree is streamed from the database in tree order and laid out in chunks of
CHUNK_SIZE descriptions, each written to its own temporary PDF and released before the
next; pdf_pages then joins them and stamps continuous "Page N of M" footers.
"""
from __future__ import annotations

import gc
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, render_template

from actors.rendering import pdf_pages, rtf
from extensions import db
from models import ArchivalDescription

# Descriptions per WeasyPrint document: big enough that chunk overhead (fonts, one
# partly filled last page) stays small, small enough to keep a chunk's layout ~100 MB.
CHUNK_SIZE = 250
# Smaller trees use smaller chunks so the job still reports progress about ten times.
MIN_CHUNK_SIZE = 50
PROGRESS_STEPS = 10

if TYPE_CHECKING:
    from weasyprint import Document

ProgressCallback = Callable[[int, int], None]


def render_finding_aid(root_id: int, fmt: str, dest: Path, on_progress: ProgressCallback) -> int | None:
    """Render description root_id and its sub-tree, in tree order, to dest (pdf or rtf).

    Writes next to dest and renames into place at the end, so dest is either absent or
    complete. Returns the PDF page count, or None for RTF.
    """
    if fmt not in ("pdf", "rtf"):
        raise ValueError(f"Unknown finding aid format {fmt!r}; use pdf or rtf.")
    root = db.session.get(ArchivalDescription, root_id)
    if root is None:
        raise LookupError(f"Description {root_id} does not exist.")
    dest = Path(dest)
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.partial")
    try:
        if fmt == "pdf":
            pages: int | None = _render_pdf(root, partial, on_progress)
        else:
            rtf.write_finding_aid(root, _descriptions(root), partial, _generated(), on_progress)
            pages = None
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return pages


def _descriptions(root: ArchivalDescription, batch: int = CHUNK_SIZE) -> Iterator[ArchivalDescription]:
    """Root and descendants in tree order, fetched batch by batch (never the whole tree).

    One query keeps the read consistent even if someone edits the tree meanwhile; the
    session's identity map holds rows weakly, so rendered ones are freed.
    """
    query = root.subtree().execution_options(yield_per=batch)
    yield from db.session.execute(query).scalars()


def _chunks(root: ArchivalDescription, size: int) -> Iterator[list[ArchivalDescription]]:
    """The descendants (not the root) in lists of at most size; at least one list."""
    chunk: list[ArchivalDescription] = []
    yielded = False
    for description in _descriptions(root, size):
        if description.id == root.id:
            continue
        chunk.append(description)
        if len(chunk) >= size:
            yield chunk
            yielded, chunk = True, []
    if chunk or not yielded:
        yield chunk


def chunk_size(total: int) -> int:
    return min(CHUNK_SIZE, max(MIN_CHUNK_SIZE, -(-total // PROGRESS_STEPS)))


def _render_pdf(root: ArchivalDescription, dest: Path, on_progress: ProgressCallback) -> int:
    """Lay the tree out chunk by chunk into a scratch folder beside dest, then join the chunks."""
    from weasyprint import CSS, HTML

    total = root.descendant_count + 1
    context = {
        "root": root,
        "generated": _generated(),
        "has_descendants": total > 1,
    }
    stylesheet = CSS(string=render_template("finding_aid/style.css"))
    base_url = current_app.root_path
    chunks: list[pdf_pages.Chunk] = []
    outline: list[tuple[str, int]] = []
    done = 1  # the root
    page_offset = 0
    carried: list[ArchivalDescription] = []
    with tempfile.TemporaryDirectory(prefix="finding-aid-", dir=dest.parent) as work:
        batches = _chunks(root, chunk_size(total))
        batch: list[ArchivalDescription] | None = next(batches)
        while batch is not None:
            following = next(batches, None)
            units = carried + batch
            html = render_template("finding_aid/chunk.html", units=units, first=not chunks, **context)
            document = HTML(string=html, base_url=base_url).render(stylesheets=[stylesheet])
            carried = [] if following is None else _units_to_carry(document, units)
            if carried:
                document = document.copy(document.pages[:-1])
            path = Path(work) / f"chunk-{len(chunks):05d}.pdf"
            document.write_pdf(path)
            outline.extend(_bookmarks(document, page_offset))
            chunks.append(pdf_pages.Chunk(path, len(document.pages)))
            page_offset += len(document.pages)
            done += len(units) - len(carried)
            del document, html, units
            gc.collect()  # WeasyPrint's layout trees are cyclic: free them before the next chunk
            if done < total:  # the last call waits until the file is assembled
                on_progress(done, total)
            batch = following
        pages = pdf_pages.assemble(chunks, dest, _footer_renderer(base_url), title=root.title, outline=outline)
    on_progress(done, max(done, total))
    return pages


def _units_to_carry(document: Document, units: list[ArchivalDescription]) -> list[ArchivalDescription]:
    """The units on a chunk's partly filled last page, to lay out again at the head of the next.

    Dropping that page keeps chunk joins invisible (no half-empty page every ~40 pages).
    Only done when the last page starts with a whole unit (anchors u<id> at a unit's start,
    e<id> at its end): a long description running onto it stays where it is.
    """
    if len(document.pages) < 2:
        return []
    anchors = document.pages[-1].anchors
    first = next((i for i, unit in enumerate(units) if f"u{unit.id}" in anchors), None)
    if not first or f"e{units[first - 1].id}" in anchors:  # None, 0 (nothing before it) or a run-on
        return []
    return units[first:]


def _bookmarks(document: Document, page_offset: int) -> list[tuple[str, int]]:
    """Top-level bookmarks of one chunk as (label, absolute page index)."""
    return [(label, page_offset + target[0]) for label, target, _children, _state in document.make_bookmark_tree()]


def _footer_renderer(base_url: str) -> pdf_pages.FooterRenderer:
    from weasyprint import HTML

    def footers(first_page: int, page_count: int, total_pages: int) -> bytes:
        html = render_template(
            "finding_aid/page_numbers.html", first_page=first_page, page_count=page_count, total_pages=total_pages
        )
        return HTML(string=html, base_url=base_url).write_pdf()

    return footers


def _generated() -> str:
    """Generation date shown on the title page, in the site's time zone when configured."""
    try:
        zone = ZoneInfo(current_app.config.get("SITE_TIMEZONE") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # a bad zone name must not fail a long render
        zone = ZoneInfo("UTC")
    return datetime.now(UTC).astimezone(zone).strftime("%d %B %Y")
