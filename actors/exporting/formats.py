"""Write description sub-trees as EAD 2002, row by row, into any text stream (AtoM CSV:
``actors.exporting.atom_csv``); the rows both read.

The writer takes rows in tree order (lft) and keeps only the chain of open ancestors,
so an export of any size streams. What it writes is what the importer reads back:
an export re-imports to the same tree (titles, identifiers, levels, dates, order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import Row as SqlRow
from sqlalchemy import select

from actors.importing.atom_columns import CODES, TEXT
from models.description import ArchivalDescription as D
from models.description import PublicationStatus

# What the writers read of each description (related records: actors.exporting.related).
COLUMNS = (
    D.id, D.parent_id, D.lft, D.rgt, D.depth, D.slug, D.level_of_description, D.dates, D.start_date, D.end_date,
    D.publication_status, D.repository_id, D.other_fields, D.has_digital_object,
    *(getattr(D, attribute) for attribute in TEXT.values() if attribute not in ("identifier", "title")),
    D.identifier, D.title, *(getattr(D, attribute) for attribute in CODES.values()),
)  # fmt: skip
EAD_NAMESPACE = "urn:isbn:1-931666-22-9"
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


def _text(value: str | None) -> str:
    return escape(_NOT_XML.sub("", value or ""))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _paragraphs(tag: str, value: str | None) -> str:
    parts = [p.strip() for p in re.split(r"\n\s*\n", value or "") if p.strip()]
    return f"<{tag}>{''.join(f'<p>{_text(p)}</p>' for p in parts)}</{tag}>" if parts else ""


class EadExport:
    """One EAD file per exported root: its <archdesc>, with nested <c> for descendants."""

    def __init__(self, stream: IO[str]) -> None:
        self.out = stream
        self._dsc_open = False

    def write_tree(self, rows: Iterable[SqlRow], root_id: int) -> Iterable[None]:
        out = self.out
        open_rgts: list[int] = []  # rgt of each open element, root first
        self._dsc_open = False
        for row in rows:
            while len(open_rgts) > 1 and open_rgts[-1] < row.lft:  # the root stays open: all rows are in it
                open_rgts.pop()
                out.write("</c>\n")
            if not open_rgts:
                self._header(row)
            else:
                if len(open_rgts) == 1 and not self._dsc_open:
                    out.write("<dsc>\n")
                    self._dsc_open = True
                out.write(f"<c{self._attributes(row)}>")
            out.write(self._did(row))
            open_rgts.append(row.rgt)
            yield
        while open_rgts:
            open_rgts.pop()
            if open_rgts:
                out.write("</c>\n")
            else:
                out.write("</dsc>\n" if self._dsc_open else "")
                out.write("</archdesc>\n</ead>\n")

    def _header(self, row: SqlRow) -> None:
        self.out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ead xmlns="{EAD_NAMESPACE}">\n'
            f"<eadheader><eadid>{_text(row.slug)}</eadid><filedesc><titlestmt>"
            f"<titleproper>{_text(row.title)}</titleproper></titlestmt></filedesc></eadheader>\n"
            f"<archdesc{self._attributes(row)}>"
        )

    @staticmethod
    def _attributes(row: SqlRow) -> str:
        published = PublicationStatus(row.publication_status) == PublicationStatus.PUBLISHED
        audience = "external" if published else "internal"
        return f" level={_attr(row.level_of_description)} audience={_attr(audience)}"

    @staticmethod
    def _did(row: SqlRow) -> str:
        parts = ["<did>"]
        if row.identifier:
            parts.append(f"<unitid>{_text(row.identifier)}</unitid>")
        parts.append(f"<unittitle>{_text(row.title)}</unittitle>")
        if row.dates or row.start_date or row.end_date:
            # "start/end"; "start/" when there is no end date, so it re-imports without one.
            normal = iso_date(row.start_date)
            if row.end_date != row.start_date:
                normal = f"{normal}/{iso_date(row.end_date)}"
            normal_attr = f" normal={_attr(normal)}" if normal else ""
            parts.append(f"<unitdate{normal_attr}>{_text(row.dates)}</unitdate>")
        if row.extent_and_medium:
            parts.append(f"<physdesc><extent>{_text(row.extent_and_medium)}</extent></physdesc>")
        parts.append("</did>")
        parts.append(_paragraphs("scopecontent", row.scope_and_content))
        parts.append(_paragraphs("arrangement", row.arrangement))
        return "".join(parts) + "\n"
