"""What the CSV and EAD writers share: the description rows of a sub-tree, streamed in tree
order, and text helpers."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import select

from actors.formats.atom_csv.columns import CODES, TEXT
from actors.formats.note_text import note_blocks
from models.description import ArchivalDescription as D

# What the writers read of each description (related records: models.description_related).
COLUMNS = (
    D.id, D.parent_id, D.lft, D.rgt, D.depth, D.slug, D.level_of_description, D.dates, D.start_date, D.end_date,
    D.publication_status, D.repository_id, D.other_fields, D.has_digital_object,
    *(getattr(D, attribute) for attribute in TEXT.values() if attribute not in ("identifier", "title")),
    D.identifier, D.title, *(getattr(D, attribute) for attribute in CODES.values()),
)  # fmt: skip
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def subtree_rows(root: D):
    """The root and its descendants in tree order, fetched in chunks (server-side on PostgreSQL)."""
    return (
        select(*COLUMNS)
        .where(D.lft.between(root.lft, root.rgt))
        .order_by(D.lft)
        .execution_options(yield_per=1000, stream_results=True)
    )


def iso_date(value) -> str:
    return value.isoformat() if value else ""


def xml_text(value: str | None) -> str:
    return escape(_NOT_XML.sub("", value or ""))


def xml_attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def paragraphs(tag: str, value: str | None) -> str:
    """A note as EAD: a <p> per paragraph, a <list> per list (actors.formats.note_text); nothing for no text."""
    parts = [
        f"<list>{''.join(f'<item>{xml_text(item)}</item>' for item in block)}</list>"
        if isinstance(block, list)  # (a "list" block: its items)
        else f"<p>{xml_text(block)}</p>"
        for _kind, block in note_blocks(value)
    ]
    return f"<{tag}>{''.join(parts)}</{tag}>" if parts else ""


def parse_slugs(text: str) -> list[str]:
    """Comma- (or space-) separated slugs, in order, without repeats."""
    return list(dict.fromkeys(s.strip() for s in text.replace(",", " ").split() if s.strip()))
