"""EAD 2002 (the schema's namespaced form) and EAD3 export: one finding aid per exported tree,
its <archdesc> with nested <c>, every field of the model in its EAD place, spelled as the dialect
spells it (actors.formats.ead.dialects)..

Rows come in tree order and only the chain of open ancestors is kept, so an export of any
size streams; what each record holds several of is read per batch (``related_of``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO

from more_itertools import chunked
from sqlalchemy import Row as SqlRow

from actors.formats.ead.dialects import DIALECTS, Ead2002
from actors.formats.ead.fields import NOTE_ELEMENTS, NOTE_TYPES, TERM_ELEMENTS
from actors.formats.ead.kept import OWN_DAO_DESCRIPTION
from actors.formats.ead.levels import EAD_LEVELS, otherlevel_token
from actors.formats.ead.rad import did_parts, rad_parts
from actors.formats.ead.write_parts import containers, dsc_opening, kept_element, kept_in, own_unitid
from actors.formats.writing import iso_date, paragraphs, xml_attr, xml_text
from models import PublicationStatus
from models.description_parts import Related
from models.description_related import related_of
from models.vocabulary import LevelOfDescription, level_key

BATCH = 500


class EadExport:
    def __init__(self, stream: IO[str], dialect: str = "ead") -> None:
        self.out = stream
        self.d = DIALECTS[dialect]
        self._dsc_open = False
        self._containers = 0  # containers written: their ids count on
        self._dsc_opening = "<dsc>\n"  # (with the top record's own text of its <dsc>: _header)
        self.repositories: dict[int, str] = {}
        self.level_names = LevelOfDescription.names()

    def write_tree(self, rows: Iterable[SqlRow], root_id: int) -> Iterator[None]:
        open_rgts: list[int] = []  # rgt of each open element, root first
        self._dsc_open = False
        for batch in chunked(rows, BATCH):
            yield from self._write(batch, open_rgts)
        while open_rgts:
            open_rgts.pop()
            if open_rgts:
                self.out.write("</c>\n")
            else:
                self.out.write("</dsc>\n" if self._dsc_open else "")
                self.out.write("</archdesc>\n</ead>\n")

    def _write(self, batch: list[SqlRow], open_rgts: list[int]) -> Iterator[None]:
        related = related_of(batch, self.repositories)
        out = self.out
        for row in batch:
            while len(open_rgts) > 1 and open_rgts[-1] < row.lft:  # the root stays open: all rows are in it
                open_rgts.pop()
                out.write("</c>\n")
            if not open_rgts:
                self._header(row, related.get(row.id) or Related())
            else:
                if len(open_rgts) == 1 and not self._dsc_open:
                    out.write(self._dsc_opening)
                    self._dsc_open = True
                out.write(f"<c{self._attributes(row)}>")
            out.write(self._description(row, related.get(row.id) or Related()))
            open_rgts.append(row.rgt)
            yield

    def _header(self, row: SqlRow, related: Related) -> None:
        self._dsc_opening = dsc_opening(related, self.d) if row.rgt > row.lft + 1 else ""
        self.out.write(
            f'<?xml version="1.0" encoding="UTF-8"?>\n{self.d.root()}{self.d.header(row.slug, row.title)}'
            f"<archdesc{self._attributes(row)}>"
        )

    def _attributes(self, row: SqlRow) -> str:
        published = PublicationStatus(row.publication_status) == PublicationStatus.PUBLISHED
        audience = ' audience="external"' if published else ""  # (none: a draft, as it imports back)
        key = level_key(row.level_of_description)
        if key in EAD_LEVELS:
            level = f" level={xml_attr(EAD_LEVELS[key])}"
        else:
            name = self.level_names.get(key) or row.level_of_description
            token = otherlevel_token(name)  # (an NMTOKEN: no spaces)
            level = ' level="otherlevel"' + (f" otherlevel={xml_attr(token)}" if token else "")
        return level + audience

    def _description(self, row: SqlRow, related: Related) -> str:
        parts = [self._did(row, related)]
        histories = {event["actor_history"]: event["actor"] for event in related.events if event.get("actor_history")}
        for history, actor in histories.items():  # (headed by the creator's name: it imports back to them)
            parts.append(
                paragraphs("bioghist", history).replace("<bioghist>", f"<bioghist><head>{xml_text(actor)}</head>", 1)
            )
        for attribute, element in NOTE_ELEMENTS:
            parts.append(paragraphs(element, getattr(row, attribute)))
        for note_type, text in related.notes:
            parts.append(paragraphs(NOTE_TYPES.get(note_type, "odd"), text))
        parts.extend(rad_parts(row.other_fields, self.d))  # (RAD's fields where AtoM writes them)
        parts.extend(kept_element(kept, self.d) for kept in kept_in(related, ""))
        parts.append(self._controlaccess(related))
        return "".join(parts) + "\n"

    def _controlaccess(self, related: Related) -> str:
        points = [self.d.named(TERM_ELEMENTS[kind], name) for kind, name in related.terms]
        points.extend(self.d.named("name", name) for name in related.names)
        points.extend(kept_element(kept, self.d) for kept in kept_in(related, "controlaccess/"))
        return f"<controlaccess>{''.join(points)}</controlaccess>" if points else ""

    def _did(self, row: SqlRow, related: Related) -> str:
        parts = ["<did>"]
        if related.repository:
            parts.append(f"<repository>{self.d.named('corpname', related.repository)}</repository>")
        if row.identifier:
            parts.append(own_unitid(row.identifier, related, self.d))
        for label, value in related.alternative_ids:
            label_attr = f" label={xml_attr(label)}" if label else ""
            parts.append(f"<unitid{self.d.typed('alternative')}{label_attr}>{xml_text(value)}</unitid>")
        parts.append(f"<unittitle>{xml_text(row.title)}</unittitle>")
        if row.alternate_title:  # (a second unittitle: it imports back as the alternate title)
            parts.append(f"<unittitle{self.d.typed('alternative')}>{xml_text(row.alternate_title)}</unittitle>")
        parts.extend(_dates(row, related, self.d))
        for event in related.events:
            if event.get("actor"):
                label = xml_attr(event.get("event_type") or "Creation")
                parts.append(f"<origination label={label}>{self.d.named('name', event['actor'])}</origination>")
        if row.extent_and_medium:
            parts.append(self.d.physdesc(row.extent_and_medium))
        parts.append(self.d.langmaterial(row.languages or [], row.scripts or [], row.language_note))
        parts.extend(containers(self._containers, related, self.d))
        self._containers += len(related.containers)
        described = "".join(f"<p>{xml_text(k.text)}</p>" for k in related.kept if k.element == OWN_DAO_DESCRIPTION)
        for uri in filter(None, (row.digital_object_uri, row.digital_object_path)):
            parts.append(self.d.dao(uri, described))
            described = ""
        if self.d.key == "ead":  # (RAD's fields in <did>, as AtoM writes them; EAD3 has them as notes only)
            parts.extend(did_parts(row.other_fields))
        parts.extend(kept_element(kept, self.d) for kept in kept_in(related, "did/"))
        parts.append("</did>")
        return "".join(parts)


def _dates(row: SqlRow, related: Related, dialect: Ead2002) -> list[str]:
    """One <unitdate> per event with dates (datechar says which event); a record with dates
    but no event, its own dates."""
    events = [e for e in related.events if e.get("date_text") or e.get("start_text") or e.get("end_text")]
    if not events and (row.dates or row.start_date or row.end_date):
        events = [
            {
                "date_text": row.dates or "",
                "start_text": iso_date(row.start_date),
                "end_text": iso_date(row.end_date),
                "event_type": "Creation",
            }
        ]
    found = []
    for event in events:
        start, end = _iso_normal(event.get("start_text")), _iso_normal(event.get("end_text"))
        # "start/end"; "start/" when there is no end date, so it re-imports without one.
        normal = start if end == start else f"{start}/{end}"
        normal_attr = f" normal={xml_attr(normal)}" if normal.strip("/") else ""
        kind = (event.get("event_type") or "creation").lower()
        date_type = dialect.date_type(event["date_type"]) if event.get("date_type") else ""
        found.append(
            f"<unitdate datechar={xml_attr(kind)}{date_type}{normal_attr}>{xml_text(event.get('date_text'))}</unitdate>"
        )
    return found


def _iso_normal(text: str | None) -> str:
    """AtoM's "1890-00-00" (a year alone) as ISO 8601's "1890"; other values as written."""
    text = (text or "").strip()
    while text.endswith("-00"):
        text = text[:-3]
    return text
