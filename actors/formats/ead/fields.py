"""Where each EAD 2002 element lives in the description model, both ways.

The exporter writes these places and the reader fills the same fields from them, so an
EAD export imports back to the same record. Parts of ``<did>`` are read when it ends;
the other parts of a component (notes, ``<bioghist>``, ``<controlaccess>``) when each ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

from actors.formats.ead.dates import NotADate, normal_span
from actors.formats.ead.notes import paragraphs
from actors.formats.ead.tags import local, one_line
from actors.formats.rows import Row

# Model field -> EAD element, in the order the export writes them after <did>.
NOTE_ELEMENTS = (
    ("archival_history", "custodhist"), ("acquisition", "acqinfo"), ("scope_and_content", "scopecontent"),
    ("appraisal", "appraisal"), ("accruals", "accruals"), ("arrangement", "arrangement"),
    ("access_conditions", "accessrestrict"), ("reproduction_conditions", "userestrict"),
    ("physical_characteristics", "phystech"), ("finding_aids", "otherfindaid"),
    ("location_of_originals", "originalsloc"), ("location_of_copies", "altformavail"),
    ("related_units_of_description", "relatedmaterial"),
)  # fmt: skip
FIELD_OF_NOTE = {element: name for name, element in NOTE_ELEMENTS}
NOTE_TYPES = {"general": "odd", "publication": "bibliography", "archivist": "processinfo"}
NOTE_TYPE_OF = {element: note_type for note_type, element in NOTE_TYPES.items()}
TERM_ELEMENTS = {"subject": "subject", "place": "geogname", "genre": "genreform"}
TAXONOMY_OF = {element: taxonomy for taxonomy, element in TERM_ELEMENTS.items()}
NAME_ELEMENTS = ("name", "persname", "corpname", "famname")
# unitid labels that say the identifier is not the current reference code.
_OTHER_IDENTIFIER = re.compile(r"former|previous|old|alternative|alt\b|earlier|superseded", re.IGNORECASE)
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def read_did(row: Row, did: Element, path: str) -> None:
    """Identity, dates, creators, extent, languages, containers, digital objects, repository."""
    related = row.related
    locations: list[str] = []
    for child in did:
        tag, where = local(child.tag), f"{path}/{local(child.tag)}"
        if tag in _DID_FIELDS:
            _DID_FIELDS[tag](row, child, where)
        elif tag == "origination":
            _origination(row, child)
        elif tag == "container" and one_line(child):
            related.containers.append({"type": child.get("type", "").strip(), "name": one_line(child)})
        elif tag == "physloc" and one_line(child):
            locations.append(one_line(child))
        elif tag == "repository" and one_line(child) and related.repository is None:
            related.repository = one_line(child)
    if locations:  # the export writes each container location once, after the containers
        for container in related.containers:
            container["location"] = locations[0] if len(locations) == 1 else "; ".join(locations)


def read_identifier(row: Row, did: Element, path: str) -> None:
    """Only the reference code (the planning pass matches records by it)."""
    for child in did:
        if local(child.tag) == "unitid":
            _unitid(row, child, f"{path}/unitid")


def read_part(row: Row, part: Element, tag: str, where: str) -> None:
    """A part of a component after its <did>: a note field, a note, a creator's history, access points."""
    if tag in FIELD_OF_NOTE:
        name = FIELD_OF_NOTE[tag]
        if name not in row.raw:
            _set(row, name, paragraphs(part), where)
    elif tag in NOTE_TYPE_OF:
        text = paragraphs(part)
        if text:
            row.related.notes.append((NOTE_TYPE_OF[tag], text))
    elif tag == "bioghist":
        _bioghist(row, paragraphs(part))
    elif tag == "controlaccess":
        _controlaccess(row, part)


def _set(row: Row, name: str, value: str, where: str) -> None:
    if value:
        row.raw[name] = value
        row.sources[name] = (where, "")


def _unitid(row: Row, unitid: Element, where: str) -> None:
    """The reference code is the first non-empty unitid not marked or labelled as another one
    ("Former reference", type="alternative"); the others are alternative identifiers."""
    value = one_line(unitid)
    if not value:
        return
    label = " ".join((unitid.get("label") or "").split())
    if unitid.get("type") == "alternative" or _OTHER_IDENTIFIER.search(label) or "identifier" in row.raw:
        row.related.alternative_ids.append((label, value))
    else:
        _set(row, "identifier", value, where)


def _unittitle(row: Row, unittitle: Element, where: str) -> None:
    """The title; a unitdate inside it ("Letters, <unitdate>1895-1990</unitdate>") is a date of
    the unit, and leaves the title."""
    nested = [e for e in unittitle.iter() if e is not unittitle and local(e.tag) == "unitdate"]
    for unitdate in nested:
        _unitdate(row, unitdate, f"{where}/unitdate")
    if "title" in row.raw:
        return
    title = " ".join(_text_without(unittitle, nested).split()).rstrip(" ,;:") if nested else one_line(unittitle)
    _set(row, "title", title, where)


def _physdesc(row: Row, physdesc: Element, where: str) -> None:
    """Extent and medium: its <extent>s, else all its text; the first physdesc that has any."""
    if "extent_and_medium" not in row.raw:
        extents = [one_line(e) for e in physdesc.iter() if local(e.tag) == "extent"]
        _set(row, "extent_and_medium", "; ".join(e for e in extents if e) or one_line(physdesc), where)


def _langmaterial(row: Row, langmaterial: Element, where: str) -> None:
    """The codes of its <language>s, and its own text (around them) as the language note."""
    codes = [e.get("langcode", "") for e in langmaterial.iter() if local(e.tag) == "language" and e.get("langcode")]
    if codes:
        row.related.codes["languages"] = codes
    _set(row, "language_note", " ".join((langmaterial.text or "").split()), where)


def _text_without(element: Element, left_out: list[Element]) -> str:
    parts = [element.text or ""]
    for child in element:
        if child not in left_out:
            parts.append(_text_without(child, left_out))
        parts.append(child.tail or "")
    return "".join(parts)


def _unitdate(row: Row, unitdate: Element, where: str) -> None:
    """Each unitdate is an event's dates (datechar names its type: creation when absent; type
    says inclusive or bulk). ``normal`` gives the start and end dates where it can be read; the
    text is kept whatever it says."""
    normal = " ".join((unitdate.get("normal") or "").split())
    start = end = ""
    if normal:
        try:
            start, end = normal_span(normal)
        except NotADate as why:
            row.warn("date not understood", where, f"normal “{normal}”: {why}; kept as text, with no start or end")
    if not any(e.get("start_text") for e in row.related.events):
        row.sources["event.start_text"] = row.sources["event.end_text"] = (where, "normal attribute")
    dates = {"date_text": one_line(unitdate), "start_text": start, "end_text": end}
    if not any(dates.values()):
        return  # an empty <unitdate/>: no date to keep
    date_type = (unitdate.get("type") or "").strip().lower()
    if date_type in ("bulk", "inclusive"):
        dates["date_type"] = date_type
    _join_event(row, unitdate.get("datechar") or "creation", "date_text", dates)


def give_title(row: Row, titleproper: str = "") -> None:
    """A component with no title gets one as ArchivesSpace and AtoM give it: its date, else its
    identifier, else "[Untitled]"; and a warning. The top one (archdesc) is first titled by the
    finding aid's own title (eadheader's titleproper), as the finding aid names what it describes."""
    if row.raw.get("title"):
        return
    dated = next((e["date_text"] for e in row.related.events if e.get("date_text")), "")
    title = titleproper or dated or row.raw.get("identifier") or "[Untitled]"
    row.raw["title"] = title
    source = " (the finding aid's titleproper)" if titleproper else ""
    row.warn("untitled component", row.where, f"no unittitle: titled “{title}”{source}")


def _origination(row: Row, origination: Element) -> None:
    """An event's actor: the creator. Its label names the event: an event type as we write it
    ("Accumulation"), or the actor's role as ArchivesSpace and others write it ("Creator:",
    "creators", "Collector"); no label is a creation."""
    names = [one_line(e) for e in origination.iter() if local(e.tag) in NAME_ELEMENTS]
    actor = next((name for name in names if name), one_line(origination))
    if actor:
        _join_event(row, _event_of_label(origination.get("label") or ""), "actor", {"actor": actor})


# An actor's role -> the event it names.
_ROLE_EVENTS = {
    "creator": "creation", "author": "creation", "accumulator": "accumulation", "collector": "collection",
    "contributor": "contribution", "custodian": "custody", "publisher": "publication",
    "distributor": "distribution", "manufacturer": "manufacturing", "broadcaster": "broadcasting",
}  # fmt: skip


def _event_of_label(label: str) -> str:
    word = " ".join(label.replace(":", " ").split())
    role = word.lower()[:-1] if word.lower().endswith("s") else word.lower()
    return _ROLE_EVENTS.get(word.lower()) or _ROLE_EVENTS.get(role) or word or "creation"


def _join_event(row: Row, event_type: str, key: str, values: dict[str, str]) -> None:
    """Dates and creators written apart (<unitdate>s, <origination>s) pair up in order, by event
    type: values join the first event of that type without ``key``, else make one of their own."""
    event_type = " ".join(event_type.split()).capitalize()
    events = row.related.events
    free = next((e for e in events if e["event_type"] == event_type and key not in e), None)
    if free is None:
        events.append({"event_type": event_type, **values})
    else:
        free.update(values)


def _bioghist(row: Row, history: str) -> None:
    """The history of the first creator that has none yet (AtoM keeps it on the authority record);
    with no creator to hold it, a general note, so nothing is lost."""
    if not history:
        return
    holder = next((e for e in row.related.events if e.get("actor") and not e.get("actor_history")), None)
    if holder is None:
        row.related.notes.append(("general", history))
    else:
        holder["actor_history"] = history


def _digital_objects(row: Row, element: Element, where: str) -> None:
    """The first link of a dao / daogrp: a URI, or a path when it is not a URL."""
    for link in element.iter():
        href = (link.get(XLINK_HREF) or link.get("href") or "").strip()
        if href:
            name = "digital_object_uri" if "://" in href else "digital_object_path"
            if "digital_object_uri" not in row.raw and "digital_object_path" not in row.raw:
                _set(row, name, href, where)
            return


def _controlaccess(row: Row, controlaccess: Element) -> None:
    """Access points: terms of a taxonomy (subjects, places, genres) and names."""
    for point in controlaccess.iter():
        point_tag, name = local(point.tag), one_line(point)
        if not name:
            continue
        if point_tag in TAXONOMY_OF:
            row.related.terms.append((TAXONOMY_OF[point_tag], name))
        elif point_tag in NAME_ELEMENTS:
            row.related.names.append(name)


# The parts of <did> that fill fields, each read by its own reader (read_did gathers the others).
_DID_FIELDS: dict[str, Callable[[Row, Element, str], None]] = {
    "unitid": _unitid, "unittitle": _unittitle, "unitdate": _unitdate, "physdesc": _physdesc,
    "langmaterial": _langmaterial, "dao": _digital_objects, "daogrp": _digital_objects,
}  # fmt: skip
