"""Join chunk PDFs into one finding aid and stamp "Page N of M" on every page.

The chunks are laid out separately (one WeasyPrint document per few hundred
descriptions) so memory stays bounded; the total page count is only known once
the last chunk is done. Rather than laying every chunk out twice, the footers are
drawn on blank pages by WeasyPrint (same fonts and CSS as the body, so cheap:
nothing but a footer per page) and merged over the chunk pages here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader, PdfWriter

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
    footers: FooterRenderer,
    *,
    title: str,
    skip_first_page: bool = True,
) -> int:
    """Write the chunks, in order, to dest with page numbers; return the page count.

    Pages are appended chunk by chunk and each chunk's reader is dropped as soon as
    its pages are copied, so only the output (compressed streams) stays in memory.
    skip_first_page leaves the title page unnumbered (it still counts as page 1).
    Each chunk's bookmarks become PDF outline items, in order.
    """
    total_pages = sum(chunk.page_count for chunk in chunks)
    writer = PdfWriter()
    first_page = 1
    outline: list[tuple[str, int]] = []
    for chunk in chunks:
        reader = PdfReader(chunk.path)
        if len(reader.pages) != chunk.page_count:
            raise RuntimeError(f"{chunk.path.name} has {len(reader.pages)} pages, expected {chunk.page_count}.")
        overlay = PdfReader(BytesIO(footers(first_page, chunk.page_count, total_pages)))
        for index, page in enumerate(reader.pages):
            added = writer.add_page(page)  # pypdf only rewrites contents of pages owned by a writer
            if not (skip_first_page and first_page + index == 1):
                added.merge_page(overlay.pages[index])
                added.compress_content_streams()  # merging leaves the page's contents uncompressed
        outline.extend((label, first_page - 1 + index) for label, index in chunk.bookmarks)
        first_page += chunk.page_count
        del reader, overlay
    for text, page_index in outline:
        if 0 <= page_index < total_pages:
            writer.add_outline_item(title=text, page_number=page_index)
    writer.add_metadata({"/Title": title, "/Producer": "Archive Jobs (WeasyPrint, pypdf)"})
    with open(dest, "wb") as out:
        writer.write(out)
    return total_pages
