"""EAD 2002 elements with no field of their own here, kept as they came (models.description_parts
.KeptElement): with their place in the component and their attributes, so the page shows them,
the finding aid prints them and the export writes them back to the same element.

What no EAD element of ours can hold is not dropped either: it becomes a general note, with a
warning naming the element (the import's summary counts them)."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from flask_babel import gettext as _

from actors.formats.ead.notes import paragraphs
from actors.formats.ead.tags import local, one_line
from actors.formats.rows import Row
from models.description_parts import KeptElement

XLINK = "{http://www.w3.org/1999/xlink}"
# Parts of a component kept as they came (the others fill fields: actors.formats.ead.fields).
KEPT_PARTS = frozenset({"fileplan", "index", "prefercite", "separatedmaterial", "note"})
# Parts of <did> kept as they came, and the access points with no vocabulary here.
KEPT_IN_DID = frozenset({"abstract", "materialspec", "note", "physloc", "repository", "dao"})
KEPT_ACCESS_POINTS = frozenset({"function", "occupation", "title"})
# The <daodesc> of the record's own digital object (written inside its <dao>, wherever it came),
# and the attributes of the <unitid> of its reference code ("Accession number"): written with them.
OWN_DAO_DESCRIPTION, OWN_UNITID = "did/daodesc", "did/unitid"
WITH_FIELDS = frozenset({OWN_DAO_DESCRIPTION, OWN_UNITID})
# Elements whose content is running text (no <p>): kept on one line.
PHRASES = frozenset({
    "abstract", "materialspec", "physloc", "repository", "container", "function", "occupation", "title",
    "subject", "geogname", "genreform", "name", "persname", "corpname", "famname",
})  # fmt: skip


def attributes_of(element: Element) -> dict[str, str]:
    """Its attributes as written (xlink's without their namespace), less ``id`` and ``parent``:
    ids belong to the source document (the export gives its own)."""
    found = {}
    for name, value in element.attrib.items():
        plain = name[len(XLINK) :] if name.startswith(XLINK) else local(name)
        if plain not in ("id", "parent") and value.strip():
            found[plain] = " ".join(value.split())
    return found


def keep(row: Row, place: str, element: Element, text: str | None = None) -> None:
    """Keep ``element`` (at ``place``: "did/abstract", "fileplan") on the row, unless it holds no text."""
    tag = local(element.tag)
    if text is None:
        text = one_line(element) if tag in PHRASES else paragraphs(element)
    if text:
        row.related.kept.append(KeptElement(place, text, attributes_of(element)))


def keep_as_note(row: Row, element: Element, where: str) -> None:
    """An element no field and no kept element of ours holds: its text as a general note, said."""
    text = paragraphs(element)
    if text:
        row.related.notes.append(("general", text))
        tag = local(element.tag)
        row.warn(
            _("kept as a note"), where, _("<%(tag)s> has no place here: its text is kept as a general note", tag=tag)
        )
