"""A component's <did>: identity, dates, creators, extent, languages, containers, digital objects
and repository, read when the <did> ends. What has no field here is kept as it came
(actors.formats.ead.kept): an <abstract>, a second repository, a third link of a <daogrp>."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from actors.formats.ead.events import origination, unitdate, unitdatestructured
from actors.formats.ead.identity import unitid, unittitle
from actors.formats.ead.kept import KEPT_IN_DID, OWN_DAO_DESCRIPTION, XLINK, attributes_of, keep, keep_as_note
from actors.formats.ead.rad import take_rad
from actors.formats.ead.tags import local, one_line
from actors.formats.rows import Row
from models.description_parts import KeptElement


def read_did(row: Row, did: Element, path: str) -> None:
    """Each part of a <did> where it belongs; containers and their locations once all are known."""
    placed: dict[str, list[Element]] = {"container": [], "physloc": []}
    for child in did:
        tag, where = local(child.tag), f"{path}/{local(child.tag)}"
        if tag in placed:
            placed[tag].append(child)
        elif not take_rad(row, child, tag):  # (a RAD field where AtoM writes it: its column)
            _read_did_part(row, child, tag, where)
    _containers(row, placed["container"], placed["physloc"])


def _read_did_part(row: Row, child: Element, tag: str, where: str) -> None:
    if tag in _DID_FIELDS:
        _DID_FIELDS[tag](row, child, where)
    elif tag == "origination":
        origination(row, child)
    elif tag == "repository":
        _repository(row, child)
    elif tag in KEPT_IN_DID:
        keep(row, f"did/{tag}", child)
    elif tag == "didnote":  # (EAD3's name for a <did>'s <note>: one place for both)
        keep(row, "did/note", child)
    elif tag != "head":
        keep_as_note(row, child, where)


def read_identifier(row: Row, did: Element, path: str) -> None:
    """Only the reference code (the planning pass matches records by it)."""
    for child in did:
        if local(child.tag) == "unitid":
            unitid(row, child, f"{path}/unitid")


def _physdesc(row: Row, physdesc: Element, where: str) -> None:
    """Extent and medium: every physdesc's text, its <extent>s first, then its facets and
    dimensions (ISAD's 3.1.5 holds both); the parts of several physdescs joined by "; "."""
    parts = [one_line(e) for e in physdesc.iter() if local(e.tag) == "extent"]
    if parts:
        parts += [one_line(e) for e in physdesc.iter() if local(e.tag) in ("physfacet", "dimensions")]
    text = "; ".join(p for p in parts if p) if parts else one_line(physdesc)
    if text:
        before = row.raw.get("extent_and_medium")
        row.raw["extent_and_medium"] = f"{before}; {text}" if before else text
        row.sources.setdefault("extent_and_medium", (where, ""))


def _physdesc_structured(row: Row, element: Element, where: str) -> None:
    """EAD3's <physdescstructured> (in a <physdescset> or alone): "12.5 linear feet", then its
    facets, dimensions and note, as extent and medium."""
    for structured in element.iter():
        if local(structured.tag) != "physdescstructured":
            continue
        named = {local(e.tag): one_line(e) for e in structured}
        parts = [" ".join(filter(None, (named.get("quantity"), named.get("unittype"))))]
        parts += [one_line(e) for e in structured if local(e.tag) in ("physfacet", "dimensions", "descriptivenote")]
        text = "; ".join(p for p in parts if p)
        if text:
            before = row.raw.get("extent_and_medium")
            row.raw["extent_and_medium"] = f"{before}; {text}" if before else text
            row.sources.setdefault("extent_and_medium", (where, ""))


def _langmaterial(row: Row, langmaterial: Element, where: str) -> None:
    """The codes of its <language>s; its words ("Materials in English and German.", or a language's
    name alone) as the language note, so no name is lost (several langmaterials add up)."""
    for name, tag, attribute in (("languages", "language", "langcode"), ("scripts", "script", "scriptcode")):
        coded = [(e.get(attribute) or "").strip() for e in langmaterial.iter() if local(e.tag) == tag]
        codes = row.related.codes.setdefault(name, [])
        codes.extend(code for code in dict.fromkeys(coded) if code and code not in codes)
        if not codes:
            del row.related.codes[name]
    note = one_line(langmaterial)  # (the languages' names too: "Spanish; Castilian" says more than "spa")
    if any(c.isalnum() for c in note):
        before = row.raw.get("language_note")
        row.raw["language_note"] = f"{before} {note}" if before else note
        row.sources.setdefault("language_note", (where, ""))


def _repository(row: Row, repository: Element) -> None:
    """The first repository is the record's, by its name: its <corpname> or <name>, else its text
    outside an address, else the address's first line (as ArchivesSpace writes it); the rest of
    its address and every other repository are kept as they came."""
    names = [one_line(e) for e in repository if local(e.tag) in ("corpname", "name")]
    address = [e for e in repository if local(e.tag) == "address"]
    lines = [one_line(line) for e in address for line in e if one_line(line)]
    name = next((n for n in names if n), "") or _text_outside(repository, address)
    if not name and lines:
        name, lines = lines[0], lines[1:]
    if row.related.repository is None and name:
        row.related.repository = name
        if lines:
            keep(row, "did/repository", repository, " ".join(lines))
    else:
        keep(row, "did/repository", repository)


def _text_outside(element: Element, left_out: list[Element]) -> str:
    parts = [element.text or ""]
    for child in element:
        if child not in left_out:
            parts.extend(child.itertext())
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


_LINK_ATTRIBUTES = ("title", "role", "linktitle", "linkrole")  # (EAD 2002's xlink ones, and EAD3's)


def digital_objects(row: Row, element: Element, where: str) -> None:
    """Every link of a <dao> or <daogrp>: the record's digital object is its first URL and its first
    path (AtoM keeps one of each); other links are kept with their description, in <did> wherever
    they came (EAD3 has them only there)."""
    description = " ".join(one_line(e) for e in element.iter() if local(e.tag) in ("daodesc", "descriptivenote"))
    for link in element.iter():
        href = (link.get(f"{XLINK}href") or link.get("href") or "").strip()
        if not href:
            continue
        name = "digital_object_uri" if "://" in href else "digital_object_path"
        if not row.raw.get(name):
            row.raw[name] = href
            row.sources[name] = (where, "")
            if description:  # (written back inside the record's own <dao>)
                row.related.kept.append(KeptElement(OWN_DAO_DESCRIPTION, description))
        else:
            named = {k: v for k, v in attributes_of(link).items() if k in _LINK_ATTRIBUTES}
            attributes = {"href": href, **named}
            row.related.kept.append(KeptElement("did/dao", description or href, attributes))
        description = ""  # (said once, with the first link)


def _containers(row: Row, containers: list[Element], locations: list[Element]) -> None:
    """Containers with their type, label and the container they sit in (container/@parent),
    and where they are (actors.formats.ead.did._locations)."""
    found = row.related.containers
    by_id: dict[str, int] = {}
    parents: list[str] = []
    for element in containers:
        name, kind = one_line(element), (element.get("type") or element.get("localtype") or "").strip()
        if not name and not kind:
            continue
        entry = {"type": kind, "name": name}
        if not element.get("id") and not element.get("parent") and entry in found:  # (the same twice)
            keep(row, "did/container", element)
            continue
        barcode = " ".join((element.get("containerid") or "").split())  # (EAD3: as ArchivesSpace's 2002 label has it)
        label = " ".join((element.get("label") or "").split())
        if label := f"{label} ({barcode})".strip() if barcode else label:
            entry["label"] = label
        if element.get("id"):
            by_id[element.get("id", "")] = len(found)
        named = (element.get("parent") or "").split()  # (IDREFS: the first one)
        parents.append(named[0] if named else "")
        found.append(entry)
    for index, parent in enumerate(parents):
        if by_id.get(parent, index) != index:
            found[index]["parent"] = str(by_id[parent])
    _locations(row, by_id, locations)


def _locations(row: Row, by_id: dict[str, int], locations: list[Element]) -> None:
    """A <physloc> is the location of the containers it names (physloc/@parent), else, when it is
    the only one, of every container; other physlocs are kept as they came (never joined into
    one string on containers they may not belong to)."""
    found = row.related.containers
    unlinked = []
    for location in locations:
        text = one_line(location)
        named = [by_id[i] for i in (location.get("parent") or "").split() if i in by_id]
        for index in named if text else []:
            before = found[index].get("location")
            found[index]["location"] = f"{before}; {text}" if before else text
        if text and not named:
            unlinked.append(location)
    if len(unlinked) == 1 and found and not any(entry.get("location") for entry in found):
        for entry in found:
            entry["location"] = one_line(unlinked[0])
    else:
        for location in unlinked:
            keep(row, "did/physloc", location)


def _dao(row: Row, element: Element, where: str) -> None:
    digital_objects(row, element, where)


# The parts of <did> that fill fields, each read by its own reader (read_did gathers the others).
_DID_FIELDS: dict[str, Callable[[Row, Element, str], None]] = {
    "unitid": unitid, "unittitle": unittitle, "unitdate": unitdate, "physdesc": _physdesc,
    "langmaterial": _langmaterial, "dao": _dao, "daogrp": _dao, "daoset": _dao,
    "physdescstructured": _physdesc_structured, "physdescset": _physdesc_structured,
    "unitdatestructured": unitdatestructured,
}  # fmt: skip
