"""Finding aids: a description and its whole sub-tree as one PDF (WeasyPrint) or RTF.

Big fonds run to tens of thousands of descriptions. WeasyPrint's memory and time grow
with the size of a document (3,000 descriptions in one document: ~46 s, ~950 MB), so
the tree is streamed from the database in tree order and laid out in chunks of
CHUNK_SIZE descriptions, each written to its own temporary PDF and released before the
next; pdf_pages then joins them and stamps continuous "Page N of M" footers.

A long series (SECTION_MIN_DESCENDANTS or more below it) starts on a new page, as in
printed registers. That makes each one an independent lane (see lanes): with
FINDING_AID_PROCESSES helper processes, series are laid out side by side.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, render_template
from more_itertools import chunked

from actors.rendering import pdf_pages, rtf
from actors.rendering.front_pages import ContentsEntry, contents_entries, front_matter, front_pages
from actors.rendering.kept_fields import is_shown, kept_label
from actors.rendering.lanes import Lane, footer_overlays, lay_out_lanes
from actors.rendering.other_fields import other_fields
from actors.rendering.pdf_workers import ChunkPool, LocalPool
from actors.rendering.scope import EVERYTHING, Scope, is_series
from extensions import db
from models import ArchivalDescription, PublicationStatus
from models.description_related import related_of

# Descriptions per WeasyPrint document: big enough that chunk overhead (fonts, one
# partly filled last page) stays small, small enough to keep a chunk's layout ~50 MB
# (with two helper processes, 3,000 descriptions peak at ~290 MB for all processes).
CHUNK_SIZE = 120
# Smaller trees use smaller chunks so the job still reports progress about ten times.
MIN_CHUNK_SIZE = 50
PROGRESS_STEPS = 10
# A child of the root with at least this many descendants starts on a new page (and a lane).
SECTION_MIN_DESCENDANTS = 100
# Below this, starting helper processes (~1 s, ~100 MB each) costs about what they save.
PARALLEL_MIN_DESCRIPTIONS = 500

ProgressCallback = Callable[[int, int], None]


def render_finding_aid(
    root_id: int, fmt: str, dest: Path, on_progress: ProgressCallback, scope: Scope = EVERYTHING
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
            front = front_matter(root, scope) | {"series": contents_entries(root, scope)}
            rtf.write_finding_aid(
                root, rows, partial, _generated(), on_progress, scope.count(root), front, scope.summary
            )
            pages = None
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return pages


def _descriptions(
    root: ArchivalDescription, scope: Scope, batch: int = CHUNK_SIZE, lft_range: tuple[int, int] | None = None
) -> Iterator[ArchivalDescription]:
    """Root and descendants in tree order (or those with lft in [from, to)), fetched batch
    by batch (never the whole tree).

    One query keeps the read consistent even if someone edits the tree meanwhile; the
    session's identity map holds rows weakly, so rendered ones are freed.
    """
    query = scope.select(root)
    if lft_range:
        query = query.where(ArchivalDescription.lft >= lft_range[0], ArchivalDescription.lft < lft_range[1])
    yield from db.session.execute(query.execution_options(yield_per=batch)).scalars()


def chunk_size(total: int) -> int:
    return min(CHUNK_SIZE, max(MIN_CHUNK_SIZE, -(-total // PROGRESS_STEPS)))


def starts_section(root: ArchivalDescription, unit: ArchivalDescription) -> bool:
    """Whether unit opens a section: a child of the root with a long list below it."""
    return unit.depth == root.depth + 1 and unit.rgt - unit.lft - 1 >= 2 * SECTION_MIN_DESCENDANTS


def _lane_bounds(root: ArchivalDescription, scope: Scope) -> list[tuple[int, int]]:
    """[from, to) lft ranges of the lanes: the root's own part, then one per section.

    A section right after the "Detailed description" heading stays in the first lane
    (the template does not break the page there)."""
    lft = ArchivalDescription.lft
    descendants = scope.select(root).where(lft > root.lft).with_only_columns(lft)
    first = db.session.scalar(descendants.limit(1))
    starts = db.session.scalars(
        descendants.where(
            ArchivalDescription.depth == root.depth + 1,
            ArchivalDescription.rgt - lft - 1 >= 2 * SECTION_MIN_DESCENDANTS,
            lft != first,
        )
    ).all()
    edges = [root.lft + 1, *starts, root.rgt]
    return list(pairwise(edges))


def _render_pdf(root: ArchivalDescription, dest: Path, on_progress: ProgressCallback, scope: Scope) -> int:
    """Lay the lanes out chunk by chunk into a scratch folder beside dest, then join the chunks."""
    total = scope.count(root)
    context = {
        "root": root,
        "generated": _generated(),
        "has_descendants": total > 1,
        "summary": scope.summary,
        "starts_section": lambda unit: starts_section(root, unit),
        "is_series": lambda unit: is_series(root, unit),
    }
    context.update(front_matter(root, scope))
    css, base_url = render_template("finding_aid/style.css"), current_app.root_path
    tagged = total <= current_app.config["FINDING_AID_TAGGED_MAX"]
    if not tagged:
        print(
            f"Not tagged for screen readers: {total:,} descriptions is more than FINDING_AID_TAGGED_MAX "
            "allows (the structure tree would not fit in memory); the bookmarks are kept.",
            flush=True,
        )
    size = chunk_size(total)
    bounds = _lane_bounds(root, scope)
    done = 1  # the root

    def finished(units: int) -> None:
        nonlocal done
        done += units
        if done < total:  # the last call waits until the file is assembled
            on_progress(done, total)

    repositories: dict[int, str] = {}
    entries: dict[int, ContentsEntry] = {}

    def listed(unit: ArchivalDescription) -> bool:
        """A series goes in the contents (its label noted here, its page found by the layout)."""
        if not is_series(root, unit):
            return False
        entries[unit.id] = ContentsEntry(unit.identifier, unit.title)
        return True

    def lane(index: int, lft_range: tuple[int, int], work: Path) -> Lane:
        batches = chunked(_descriptions(root, scope, size, lft_range), size)
        return Lane(
            batches,
            lambda units, first: render_template(
                "finding_aid/chunk.html",
                units=units,
                first=first and index == 0,
                related=related_of(units, repositories),
                kept_label=kept_label,
                is_shown=is_shown,
                other_fields=other_fields,
                **context,
            ),
            work,
            f"lane-{index:05d}",
            listed,
        )

    with tempfile.TemporaryDirectory(prefix="finding-aid-", dir=dest.parent) as work:
        with _pool(total, css, base_url, tagged) as pool:  # helpers exit before the assembly
            lanes = (lane(index, lft_range, Path(work)) for index, lft_range in enumerate(bounds))
            body = lay_out_lanes(pool, lanes, finished)
            chunks = front_pages(pool, Path(work), context, body, entries) + body
            footers = footer_overlays(pool, chunks)
        pages = pdf_pages.assemble(chunks, dest, lambda first, _count, _total: footers[first], title=root.title)
    on_progress(done, max(done, total))
    return pages


def _pool(total: int, css: str, base_url: str, tagged: bool) -> ChunkPool | LocalPool:
    """FINDING_AID_PROCESSES helper processes for a big tree, else this process."""
    processes = int(current_app.config.get("FINDING_AID_PROCESSES", 1))
    if processes <= 1 or total < PARALLEL_MIN_DESCRIPTIONS:
        return LocalPool(css, base_url, tagged)
    return ChunkPool(processes, css, base_url, tagged)


def _generated() -> str:
    """Generation date shown on the title page, in the site's time zone when configured."""
    try:
        zone = ZoneInfo(current_app.config.get("SITE_TIMEZONE") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # a bad zone name must not fail a long render
        zone = ZoneInfo("UTC")
    return datetime.now(UTC).astimezone(zone).strftime("%d %B %Y")
