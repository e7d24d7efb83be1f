"""A component's identity: its reference code (and other identifiers) and its title."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from flask_babel import gettext as _

from actors.formats.ead.events import unitdate
from actors.formats.ead.kept import OWN_UNITID, attributes_of
from actors.formats.ead.tags import local, one_line
from actors.formats.rows import Row
from models.description_parts import KeptElement

# unitid labels that say the identifier is not the current reference code.
_OTHER_IDENTIFIER = re.compile(r"former|previous|old|alternative|alt\b|earlier|superseded", re.IGNORECASE)


def set_field(row: Row, name: str, value: str, where: str) -> None:
    if value:
        row.raw[name] = value
        row.sources[name] = (where, "")


def unitid(row: Row, element: Element, where: str) -> None:
    """The reference code is the first non-empty unitid not marked or labelled as another one
    ("Former reference", type="alternative"); the others are alternative identifiers."""
    value = one_line(element)
    if not value:
        return
    label = " ".join((element.get("label") or "").split())
    if (
        "alternative" in (element.get("type"), element.get("localtype"))
        or _OTHER_IDENTIFIER.search(label)
        or "identifier" in row.raw
    ):
        row.related.alternative_ids.append((label, value))
    else:
        set_field(row, "identifier", value, where)
        if attributes := attributes_of(element):  # (its label, as "Accession number", and the like)
            row.related.kept.append(KeptElement(OWN_UNITID, value, attributes))


def unittitle(row: Row, element: Element, where: str) -> None:
    """The title; a unitdate inside it ("Letters, <unitdate>1895-1990</unitdate>") is a date of
    the unit, and leaves the title. A second unittitle is an alternate title."""
    nested = [e for e in element.iter() if e is not element and local(e.tag) == "unitdate"]
    for date in nested:
        unitdate(row, date, f"{where}/unitdate")
    title = " ".join(_text_without(element, nested).split()).rstrip(" ,;:") if nested else one_line(element)
    if "title" not in row.raw:
        set_field(row, "title", title, where)
    elif title:
        before = row.raw.get("alternate_title")
        row.raw["alternate_title"] = f"{before}; {title}" if before else title


def _text_without(element: Element, left_out: list[Element]) -> str:
    parts = [element.text or ""]
    for child in element:
        if child not in left_out:
            parts.append(_text_without(child, left_out))
        parts.append(child.tail or "")
    return "".join(parts)


def give_title(row: Row, titleproper: str = "") -> None:
    """A component with no title gets one as ArchivesSpace and AtoM give it: its date, else its
    identifier, else "[Untitled]"; and a warning. The top one (archdesc) is first titled by the
    finding aid's own title (eadheader's titleproper), as the finding aid names what it describes."""
    if row.raw.get("title"):
        return
    dated = next((e["date_text"] for e in row.related.events if e.get("date_text")), "")
    title = titleproper or dated or row.raw.get("identifier") or "[Untitled]"
    row.raw["title"] = title
    if titleproper:
        said = _("no unittitle: titled “%(title)s” (the finding aid's titleproper)", title=title)
    else:
        said = _("no unittitle: titled “%(title)s”", title=title)
    row.warn(_("untitled component"), row.where, said)
