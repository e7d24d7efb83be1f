"""Finding aids: a description and its whole sub-tree as one PDF (WeasyPrint) or RTF.

Big fonds run to tens of thousands of descriptions. WeasyPrint's memory and time grow
with the size of a document (3,000 descriptions in one document: ~46 s, ~950 MB), so
the tree is streamed from the database in tree order and laid out in chunks of
CHUNK_SIZE descriptions, each written to its own temporary PDF and released before the
next; pdf_pages then joins them and stamps continuous "Page N of M" footers. WeasyPrint
can run in helper processes (pdf_workers) so one chunk is written while the next is laid out.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from functools import partial

from flask import current_app, render_template

from actors.rendering import pdf_pages, rtf
from actors.rendering.scope import Scope
from actors.rendering.pdf_workers import ChunkPool, ChunkTask, LocalPool
from extensions import db
from models import ArchivalDescription, PublicationStatus

# Descriptions per WeasyPrint document: big enough that chunk overhead (fonts, one
# partly filled last page) stays small, small enough to keep a chunk's layout ~100 MB.
CHUNK_SIZE = 250
# Smaller trees use smaller chunks so the job still reports progress about ten times.
MIN_CHUNK_SIZE = 50
PROGRESS_STEPS = 10
# Helper processes for WeasyPrint (FINDING_AID_PROCESSES). 1 = in this process. 2 lets one
# helper write a chunk while the other lays out the next: measured ~12% faster at 3,000
# descriptions but ~2.4x the memory (each helper loads WeasyPrint and a chunk), so not the default.
PROCESSES = 1

ProgressCallback = Callable[[int, int], None]


def render_finding_aid(
    root_id: int, fmt: str, dest: Path, on_progress: ProgressCallback, scope: Scope = Scope()
) -> int | None:
    """Render description root_id and its sub-tree, in tree order, to dest (pdf or rtf).

    Writes next to dest and renames into place at the end, so dest is either absent or
    complete. Returns the PDF page count, or None for RTF.
    """
    if fmt not in ("pdf", "rtf"):
        raise ValueError(f"Unknown finding aid format {fmt!r}; use pdf or rtf.")
    root = db.session.get(ArchivalDescription, root_id)
    if root is None:
        raise LookupError(f"Description {root_id} does not exist.")
    if scope.public_only and root.publication_status != PublicationStatus.PUBLISHED:
        raise ValueError(f"“{root.title}” is a draft: the public sees nothing of it.")
    dest = Path(dest)
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.partial")
    try:
        if fmt == "pdf":
            pages: int | None = _render_pdf(root, partial, on_progress, scope)
        else:
            rows = _descriptions(root, scope)
            rtf.write_finding_aid(root, rows, partial, _generated(), on_progress, scope.count(root), scope.summary)
            pages = None
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return pages


def _descriptions(root: ArchivalDescription, scope: Scope, batch: int = CHUNK_SIZE) -> Iterator[ArchivalDescription]:
    """Root and descendants in tree order, fetched batch by batch (never the whole tree).

    One query keeps the read consistent even if someone edits the tree meanwhile; the
    session's identity map holds rows weakly, so rendered ones are freed.
    """
    query = scope.select(root).execution_options(yield_per=batch)
    yield from db.session.execute(query).scalars()


def _chunks(root: ArchivalDescription, scope: Scope, size: int) -> Iterator[list[ArchivalDescription]]:
    """The descendants (not the root) in lists of at most size; at least one list."""
    chunk: list[ArchivalDescription] = []
    yielded = False
    for description in _descriptions(root, scope, size):
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


def _render_pdf(root: ArchivalDescription, dest: Path, on_progress: ProgressCallback, scope: Scope) -> int:
    """Lay the tree out chunk by chunk into a scratch folder beside dest, then join the chunks.

    With FINDING_AID_PROCESSES > 1, layouts run in turn on helper processes (pdf_workers):
    each chunk's carry must be known before the next starts, but writing a chunk overlaps
    laying out the next.
    """
    total = scope.count(root)
    context = {"root": root, "generated": _generated(), "has_descendants": total > 1, "summary": scope.summary}
    css, base_url = render_template("finding_aid/style.css"), current_app.root_path
    chunks: list[pdf_pages.Chunk] = []
    outline: list[tuple[str, int]] = []
    done = 1  # the root
    page_offset = 0
    carried: list[ArchivalDescription] = []
    size = chunk_size(total)
    with tempfile.TemporaryDirectory(prefix="finding-aid-", dir=dest.parent) as work, \
            _pool(total, size, css, base_url) as pool:
        batches = _chunks(root, scope, size)
        batch: list[ArchivalDescription] | None = next(batches)
        while batch is not None:
            following = next(batches, None)
            units = carried + batch
            html = render_template("finding_aid/chunk.html", units=units, first=not chunks, **context)
            path = Path(work) / f"chunk-{len(chunks):05d}.pdf"
            task = ChunkTask(html, [unit.id for unit in units], following is not None, str(path))
            laid = pool.lay_out(task, partial(_add_bookmarks, outline, page_offset))
            carried = units[len(units) - laid.carried:] if laid.carried else []
            chunks.append(pdf_pages.Chunk(path, laid.pages))
            page_offset += laid.pages
            done += len(units) - len(carried)
            del html, units, task
            if done < total:  # the last call waits until the file is assembled
                on_progress(done, total)
            batch = following
        pool.finish()
        outline.sort(key=lambda bookmark: bookmark[1])  # stable: chunk order within a page
        footers = dict(zip(_first_pages(chunks), pool.footers(_footer_pages(chunks, page_offset))))
        pages = pdf_pages.assemble(
            chunks, dest, lambda first, _count, _total: footers[first], title=root.title, outline=outline
        )
    on_progress(done, max(done, total))
    return pages


def _pool(total: int, size: int, css: str, base_url: str) -> ChunkPool | LocalPool:
    """Helper processes when there are several chunks and FINDING_AID_PROCESSES > 1."""
    processes = int(current_app.config.get("FINDING_AID_PROCESSES", PROCESSES))
    if processes <= 1 or total <= size + 1:
        return LocalPool(css, base_url)
    return ChunkPool(processes, css, base_url)


def _add_bookmarks(outline: list[tuple[str, int]], page_offset: int, bookmarks: list[tuple[str, int]]) -> None:
    """A chunk's top-level bookmarks, at absolute page indexes."""
    outline.extend((label, page_offset + page) for label, page in bookmarks)


def _first_pages(chunks: list[pdf_pages.Chunk]) -> list[int]:
    firsts, first = [], 1
    for chunk in chunks:
        firsts.append(first)
        first += chunk.page_count
    return firsts


def _footer_pages(chunks: list[pdf_pages.Chunk], total_pages: int) -> list[str]:
    """One footer document per chunk: "Page N of M" for each of its pages."""
    return [
        render_template("finding_aid/page_numbers.html", first_page=first, page_count=chunk.page_count,
                        total_pages=total_pages)
        for first, chunk in zip(_first_pages(chunks), chunks)
    ]


def _generated() -> str:
    """Generation date shown on the title page, in the site's time zone when configured."""
    try:
        zone = ZoneInfo(current_app.config.get("SITE_TIMEZONE") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # a bad zone name must not fail a long render
        zone = ZoneInfo("UTC")
    return datetime.now(UTC).astimezone(zone).strftime("%d %B %Y")
