"""A note of an EAD component as text that keeps its structure (actors.formats.note_text): <p>s as
paragraphs, <list>, <defitem> and <chronlist> as lists, <bibref> and the like as paragraphs."""

from __future__ import annotations

from xml.etree.ElementTree import Element

from actors.formats.ead.tags import local, one_line
from actors.formats.note_text import list_block


def paragraphs(element: Element) -> str:
    """A note's text with its structure (actors.formats.note_text): <p>s as paragraphs, <list>,
    <defitem> and <chronlist> as lists; <head> left out (the field names the note)."""
    blocks = [block for block in _blocks(element) if block]
    return "\n\n".join(blocks) or one_line(element)


def _blocks(element: Element) -> list[str]:
    found = [" ".join((element.text or "").split())]  # text straight inside the note, outside any <p>
    for child in element:
        tag = local(child.tag)
        if tag in ("blockquote", "note"):
            found.extend(_blocks(child))
        elif tag in ("list", "chronlist"):
            found.append(list_block(_items(child)))
        elif tag == "indexentry":  # (an <index>'s entries: "Ellis, Mary: Box 1", as a list)
            found.append(list_block(["; ".join(t for t in map(one_line, child) if t)]))
        elif tag != "head":
            found.append(one_line(child))  # <p>, <bibref>, <address>, ...
        found.append(" ".join((child.tail or "").split()))
    return found


_LABELS = ("label", "date", "datesingle", "daterange", "dateset")  # (EAD3 dates its chronitems so)


def _items(part: Element) -> list[str]:
    """The entries of a <list> (<item>; <defitem> as "label: item") or a <chronlist>
    (<chronitem> as "date: event; event")."""
    entries = []
    for child in part:
        tag = local(child.tag)
        if tag == "item":
            entries.append(one_line(child))
        elif tag in ("defitem", "chronitem"):
            label = next((one_line(e) for e in child if local(e.tag) in _LABELS), "")
            text = "; ".join(t for t in (one_line(e) for e in child.iter() if local(e.tag) in ("item", "event")) if t)
            entries.append(f"{label}: {text}" if label and text else label or text)
    return entries
