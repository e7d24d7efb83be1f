"""A finding aid's front pages: the title page and a table of contents with page numbers.

The contents need the page each series starts on, known only once the body is laid out
(chunk by chunk, lanes side by side). So both front pages are small documents of their
own, laid out after the body and put before it: the body's pages shift by the front's
page count, which the contents add to every number. The contents are laid out again
only if their own page count turns out different from the guess (one page per ~45 series).
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pikepdf
from flask import render_template
from sqlalchemy import select

from actors.rendering.description_areas import areas
from actors.rendering.pdf_pages import Chunk
from actors.rendering.pdf_workers import ChunkPool, LocalPool
from actors.rendering.scope import EVERYTHING, Scope, series_of
from extensions import db
from models import ArchivalDescription, AuthorityRecord, Event, LevelOfDescription
from models.description_parts import Related
from models.description_related import related_of

LAYOUT_ATTEMPTS = 3  # the contents' page count settles at the second in practice


@dataclass(frozen=True)
class ContentsEntry:
    identifier: str | None
    title: str


def front_matter(root: ArchivalDescription, scope: Scope = EVERYTHING) -> dict:
    """What the title page and the root's description show: its ISAD(G) areas (its creators'
    histories in the context area), its creators (with dates of existence), its repository, and
    whether the finding aid holds drafts (then marked as such)."""
    related = related_of([root], {}).get(root.id) or Related()
    level = LevelOfDescription.names().get(root.level_of_description) or root.level_of_description.capitalize()
    creator_ids = select(Event.authority_id).where(Event.description_id == root.id, Event.authority_id.isnot(None))
    creators = db.session.scalars(
        select(AuthorityRecord).where(AuthorityRecord.id.in_(creator_ids)).order_by(AuthorityRecord.authorized_name)
    ).all()
    return {
        "root_areas": areas(root, related, level, creators),
        "creators": creators,
        "repository": related.repository,
        "level_name": level,
        "drafts": scope.includes_drafts(root),
    }


def contents_entries(root: ArchivalDescription, scope: Scope) -> list[ContentsEntry]:
    """The series of the finding aid, in order (the RTF's contents: its word processor numbers the pages)."""
    query = scope.select(root).where(series_of(root))
    columns = (ArchivalDescription.identifier, ArchivalDescription.title)
    return [ContentsEntry(*row) for row in db.session.execute(query.with_only_columns(*columns))]


def front_pages(
    pool: LocalPool | ChunkPool,
    work: Path,
    context: dict[str, Any],
    body: list[Chunk],
    entries: dict[int, ContentsEntry],
) -> list[Chunk]:
    """The title page and, when the body lists entries (series), the contents: chunks to go first.

    entries: the listed units' labels, by unit id (each body chunk's ``listed`` says where they are)."""
    title_page = _document(pool, work / "title-page.pdf", render_template("finding_aid/title_page.html", **context))
    located: list[tuple[ContentsEntry, int]] = []  # (entry, index of its page in the body)
    first_page = 0
    for chunk in body:
        located.extend((entries[unit_id], first_page + index) for unit_id, index in chunk.listed)
        first_page += chunk.page_count
    if not located:
        return [title_page]
    root_entry = ContentsEntry(None, f"Description of the {context['level_name'].lower()}")
    contents_pages = 1
    for _ in range(LAYOUT_ATTEMPTS):
        before_body = title_page.page_count + contents_pages
        lines = [(root_entry, before_body + 1)] + [(entry, before_body + index + 1) for entry, index in located]
        html = render_template("finding_aid/contents.html", lines=lines, **context)
        contents = _document(pool, work / "contents.pdf", html, bookmark="Contents")
        if contents.page_count == contents_pages:
            break
        contents_pages = contents.page_count
    return [title_page, contents]


def _document(pool: LocalPool | ChunkPool, path: Path, html: str, bookmark: str | None = None) -> Chunk:
    pdf = pool.documents([html])[0]
    path.write_bytes(pdf)
    with pikepdf.open(BytesIO(pdf)) as document:
        pages = len(document.pages)
    return Chunk(path, pages, [(bookmark, 0)] if bookmark else [])
