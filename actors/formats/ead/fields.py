"""Where each EAD 2002 element lives in the description model, both ways.

The exporter writes these places and the reader fills the same fields from them, so an
EAD export imports back to the same record. Parts of ``<did>`` are read when it ends
(actors.formats.ead.did); the other parts of a component (notes, ``<bioghist>``,
``<controlaccess>``, a ``<descgrp>`` of them) when each ends, here. A part that comes twice adds
to its field; a part with no field is kept as it came (actors.formats.ead.kept).
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree.ElementTree import Element

from actors.formats.ead.did import digital_objects
from actors.formats.ead.events import NAME_ELEMENTS, bioghist
from actors.formats.ead.kept import KEPT_ACCESS_POINTS, KEPT_PARTS, keep, keep_as_note
from actors.formats.ead.notes import paragraphs
from actors.formats.ead.rad import take_rad
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
# Not description: where a component's parts are laid out, or its children (read as rows).
KEPT_AS_ODD = frozenset({"descgrp", "note"})  # written as <odd localtype="descgrp"> in EAD3 (dialects.Ead3)
_NOT_PARTS = frozenset({"head", "runner", "did"})
_BLOCKS = ("p", "list", "chronlist", "table", "blockquote", "note", "address")


def read_part(row: Row, part: Element, tag: str, where: str) -> None:
    """A part of a component after its <did>: a note field, a note, a creator's history, access
    points, digital objects; a <descgrp>'s parts as if they stood alone."""
    if take_rad(row, part, tag):  # a RAD field where AtoM writes it (<odd type="edition">): its column
        return
    if tag == "odd" and part.get("localtype") in KEPT_AS_ODD:  # (a part EAD3 has no element for)
        keep(row, part.attrib.pop("localtype"), part)
    elif tag in FIELD_OF_NOTE:
        _add_text(row, FIELD_OF_NOTE[tag], paragraphs(part), where)
    elif tag in NOTE_TYPE_OF:
        if text := paragraphs(part):
            row.related.notes.append((NOTE_TYPE_OF[tag], text))
    elif tag in _READERS:
        _READERS[tag](row, part, where)
    elif tag in KEPT_PARTS:
        keep(row, tag, part)
    elif tag not in _NOT_PARTS:
        keep_as_note(row, part, where)


def _add_text(row: Row, name: str, value: str, where: str) -> None:
    """A note field; a second element of the same kind adds its paragraphs (two <accessrestrict>s)."""
    if value:
        before = row.raw.get(name)
        row.raw[name] = f"{before}\n\n{value}" if before else value
        row.sources.setdefault(name, (where, ""))


def _descgrp(row: Row, group: Element, where: str) -> None:
    """A group of parts (EAD's <descgrp>, "administrative information"): each read as if it stood
    alone; text straight inside it is kept as the group's own."""
    loose = [child for child in group if local(child.tag) in _BLOCKS]
    for child in group:
        tag = local(child.tag)
        if child not in loose and tag != "head":
            read_part(row, child, tag, f"{where}/{tag}")
    _keep_blocks(row, group, loose)


def _keep_blocks(row: Row, element: Element, blocks: list[Element]) -> None:
    """The paragraphs (lists, notes...) straight inside ``element``, kept as its own text."""
    if blocks:
        holder = Element(element.tag, element.attrib)
        holder.extend(blocks)
        keep(row, local(element.tag), holder)


def _controlaccess(row: Row, controlaccess: Element) -> None:
    """Access points: terms of a taxonomy (subjects, places, genres) and names, however deeply the
    <controlaccess>es nest; functions, occupations and titles are kept as they came, and so is the
    same term or name given twice (lcsh and lctgm), as a record holds each access point once."""
    for group in controlaccess.iter():  # (its own paragraphs: "indexed under the following terms")
        if local(group.tag) == "controlaccess":
            _keep_blocks(row, group, [child for child in group if local(child.tag) in _BLOCKS])
    terms, names = set(row.related.terms), set(row.related.names)
    for point in controlaccess.iter():
        point_tag, name = local(point.tag), one_line(point)
        if not name:
            continue
        term = (TAXONOMY_OF.get(point_tag, ""), name)
        if point_tag in KEPT_ACCESS_POINTS or term in terms or (point_tag in NAME_ELEMENTS and name in names):
            keep(row, f"controlaccess/{point_tag}", point)  # (a second of the same: from another source)
        elif point_tag in TAXONOMY_OF:
            row.related.terms.append(term)
            terms.add(term)
        elif point_tag in NAME_ELEMENTS:
            row.related.names.append(name)
            names.add(name)


def _dsc(row: Row, dsc: Element, _where: str) -> None:
    """Its components are rows, read apart: what is left is its own text."""
    _keep_blocks(row, dsc, [child for child in dsc if local(child.tag) in _BLOCKS])


_READERS: dict[str, Callable[[Row, Element, str], None]] = {
    "bioghist": lambda row, part, _where: bioghist(row, part),
    "controlaccess": lambda row, part, _where: _controlaccess(row, part),
    "dao": digital_objects,
    "daogrp": digital_objects,
    "daoset": digital_objects,  # (all links: in <did>)
    "descgrp": lambda row, part, where: _descgrp(row, part, where),
    "dsc": _dsc,
}
