"""Join chunk PDFs into one finding aid and stamp "Page N of M" on every page.

The chunks are laid out separately (one WeasyPrint document per few hundred
descriptions) so memory stays bounded; the total page count is only known once
the last chunk is done. Rather than laying every chunk out twice, the footers are
drawn on blank pages by WeasyPrint (same fonts and CSS as the body, so cheap:
nothing but a footer per page) and stamped over the chunk pages here.

pikepdf (qpdf) copies pages and structure trees in C++; the chunk files stay open until
the result is written, qpdf reading their streams from disk then, so memory holds the
objects, not the page contents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pikepdf
from pikepdf import Name, OutlineItem

from actors.rendering.pdf_structure import StructureMerger, stamp_artifact

# Draws the footers for page_count pages, numbered from first_page, "of total_pages";
# returns the PDF bytes. Kept abstract so this module knows nothing of Flask or templates.
FooterRenderer = Callable[[int, int, int], bytes]


@dataclass
class Chunk:
    """One chunk's PDF; page_count and bookmarks arrive once it is laid out and written."""

    path: Path
    page_count: int = 0
    bookmarks: list[tuple[str, int]] = field(default_factory=list)  # (label, page index in the chunk)
    listed: list[tuple[int, int]] = field(default_factory=list)  # (unit id, page index) for a table of contents


def assemble(
    chunks: list[Chunk],
    dest: Path,
    footers: FooterRenderer | None,
    *,
    title: str,
    skip_first_page: bool = True,
) -> int:
    """Write the chunks, in order, to dest with page numbers; return the page count.

    skip_first_page leaves the title page unnumbered (it still counts as page 1); no footers at
    all leaves every page as laid out (a sheet of labels has no margin to print a number in).
    Each chunk's bookmarks become PDF outline items, in order; tagged chunks' structure
    trees become one (pdf_structure).
    """
    total_pages = sum(chunk.page_count for chunk in chunks)
    out = pikepdf.new()
    structure = StructureMerger(out)
    sources: list[pikepdf.Pdf] = []  # open until saved: qpdf reads their streams while writing
    first_page = 1
    outline: list[tuple[str, int]] = []
    try:
        for chunk in chunks:
            source = pikepdf.open(chunk.path)
            sources.append(source)
            if len(source.pages) != chunk.page_count:
                raise RuntimeError(f"{chunk.path.name} has {len(source.pages)} pages, expected {chunk.page_count}.")
            start = len(out.pages)
            out.pages.extend(source.pages)
            added = list(out.pages)[start:]
            structure.add(source, added)
            if footers is not None:
                overlay = pikepdf.open(BytesIO(footers(first_page, chunk.page_count, total_pages)))
                sources.append(overlay)
                for index, page in enumerate(added):
                    if not (skip_first_page and first_page + index == 1):
                        stamp_artifact(out, page, overlay.pages[index])
            outline.extend((label, first_page - 1 + index) for label, index in chunk.bookmarks)
            first_page += chunk.page_count
        structure.finish()
        with out.open_outline() as tree:
            tree.root.extend(OutlineItem(text, index) for text, index in outline if 0 <= index < total_pages)
        out.docinfo[Name.Title] = title
        out.docinfo[Name.Producer] = "Archive Jobs (WeasyPrint, pikepdf)"
        out.save(dest, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    finally:
        for source in sources:
            source.close()
    return total_pages
