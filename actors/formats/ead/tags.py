"""Small readings of EAD elements shared by the reader's modules."""

from __future__ import annotations

from functools import lru_cache
from xml.etree.ElementTree import Element

EAD3_NAMESPACE = "http://ead3.archivists.org/schema/"


def dialect_of(root_tag: str) -> str:
    """ "ead3" for EAD3's namespace, else "ead" (EAD 2002: its namespace, or none, as its DTD has it)."""
    return "ead3" if root_tag.startswith(f"{{{EAD3_NAMESPACE}}}") else "ead"


@lru_cache(maxsize=512)  # a finding aid uses a few dozen tags, hundreds of thousands of times
def local(tag: str) -> str:
    """A tag without its namespace: "{urn:isbn:1-931666-22-9}c01" is "c01"."""
    return tag.rsplit("}", 1)[-1]


# Elements that are never part of a word: their text is kept apart from what is next to it
# ("line one<lb/>line two", "<addressline>Quay Street</addressline><addressline>Port Ellis</addressline>").
_APART = frozenset({
    "lb", "p", "head", "item", "entry", "addressline", "chronitem", "defitem", "list", "chronlist", "indexentry",
    "event", "label", "daodesc", "note", "blockquote", "table", "row", "part", "descriptivenote",
})  # fmt: skip


def one_line(element: Element) -> str:
    """All the element's text, whitespace folded; block-like parts (a line break, a paragraph, an
    address line) apart from what is next to them, inline ones (<emph>, <persname>) as written."""
    if not len(element):
        return " ".join((element.text or "").split())
    if all(isinstance(child.tag, str) and local(child.tag) == "part" for child in element):  # (EAD3's names)
        return ", ".join(filter(None, (one_line(part) for part in element)))
    parts: list[str] = []
    _gather(element, parts)
    return " ".join("".join(parts).split())


def _gather(element: Element, parts: list[str]) -> None:
    apart = isinstance(element.tag, str) and local(element.tag) in _APART
    if apart:
        parts.append(" ")
    parts.append(element.text or "")
    for child in element:
        _gather(child, parts)
        parts.append(child.tail or "")
    if apart:
        parts.append(" ")
