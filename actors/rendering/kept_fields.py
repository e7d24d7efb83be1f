"""How the elements an import kept as they came (models.description_parts.KeptElement) are shown:
under the label the source gave them (``label="Scale"``), else the name of their EAD element,
in the ISAD(G) area closest to what they hold — on the page and in the finding aid alike."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from models.description_parts import KeptElement

IDENTITY, CONTEXT, CONTENT, ACCESS, ALLIED, NOTES, POINTS = range(7)  # the areas, in the page's order
# EAD element -> (area, its name as EAD's tag library gives it).
SHOWN: dict[str, tuple[int, Any]] = {
    "abstract": (CONTENT, _l("Abstract")),
    "materialspec": (IDENTITY, _l("Material specific details")),
    "note": (NOTES, _l("Note")),
    "physloc": (ACCESS, _l("Physical location")),
    "repository": (CONTEXT, _l("Repository")),
    "dao": (ALLIED, _l("Digital object link")),
    "daodesc": (ALLIED, _l("Digital object description")),
    "bioghist": (CONTEXT, _l("Biographical or historical sketch")),
    "fileplan": (CONTENT, _l("File plan")),
    "index": (ACCESS, _l("Index")),
    "prefercite": (ACCESS, _l("Preferred citation")),
    "separatedmaterial": (ALLIED, _l("Separated material")),
    "descgrp": (NOTES, _l("Description group")),
    "function": (POINTS, _l("Function access points")),
    "occupation": (POINTS, _l("Occupation access points")),
    "title": (POINTS, _l("Title access points")),
    "subject": (POINTS, _l("Subject access points")),
    "geogname": (POINTS, _l("Place access points")),
    "genreform": (POINTS, _l("Genre access points")),
    **dict.fromkeys(("name", "persname", "corpname", "famname"), (POINTS, _l("Name access points"))),
    "container": (ACCESS, _l("Container")),
    "controlaccess": (POINTS, _l("Access points note")),
}


def kept_label(kept: KeptElement) -> Any:
    tag = kept.element.rsplit("/", 1)[-1]
    return kept.attributes.get("label") or SHOWN.get(tag, (NOTES, tag))[1]


def kept_area(kept: KeptElement) -> int:
    return SHOWN.get(kept.element.rsplit("/", 1)[-1], (NOTES, ""))[0]


def is_shown(kept: KeptElement) -> bool:
    """The attributes of the reference code's <unitid> are not a field of their own."""
    return kept.element != "did/unitid"
