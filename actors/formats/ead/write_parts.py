"""Parts of a component the EAD export writes that need more than a field: containers with their
labels, nesting and locations, and the elements kept as they came (actors.formats.ead.kept),
each back in its place with its attributes."""

from __future__ import annotations

import re

from actors.formats.ead.kept import OWN_UNITID, PHRASES, WITH_FIELDS
from actors.formats.note_text import note_blocks
from actors.formats.writing import paragraphs, xml_attr, xml_text
from models.description_parts import KeptElement, Related

_NAME = re.compile(r"^[A-Za-z][\w.-]*$")  # an attribute name we write back
_XLINK_ATTRIBUTES = frozenset({"href", "role", "title", "actuate", "show", "arcrole"})


def attributes(kept: KeptElement) -> str:
    """Its attributes as they came (a <dao>'s link ones in xlink's namespace)."""
    xlink = kept.element.rsplit("/", 1)[-1] == "dao"
    return "".join(
        f" {'xlink:' if xlink and name in _XLINK_ATTRIBUTES else ''}{name}={xml_attr(value)}"
        for name, value in kept.attributes.items()
        if _NAME.match(name)
    )


def kept_in(related: Related, prefix: str) -> list[KeptElement]:
    """The kept elements of one place: "did/", "controlaccess/", or "" (the component's own parts);
    the description of the record's own <dao> is written inside it (actors.formats.ead.writer)."""
    return [
        kept
        for kept in related.kept
        if kept.element not in WITH_FIELDS and (kept.element.startswith(prefix) if prefix else "/" not in kept.element)
    ]


def kept_element(kept: KeptElement) -> str:
    """One kept element as it came: running text on one line, notes as paragraphs; an <index> as
    its entries, a <dao> as its link."""
    tag = kept.element.rsplit("/", 1)[-1]
    if tag == "dao":
        link = {"href": kept.text, **kept.attributes}
        described = "" if kept.text == link["href"] else f"<daodesc><p>{xml_text(kept.text)}</p></daodesc>"
        return f'<dao xlink:type="simple"{attributes(KeptElement("dao", "", link))}>{described}</dao>'
    if tag in PHRASES:
        return f"<{tag}{attributes(kept)}>{xml_text(kept.text)}</{tag}>"
    if tag == "index":
        return _index(kept)
    body = paragraphs(tag, kept.text)
    return body.replace(f"<{tag}>", f"<{tag}{attributes(kept)}>", 1)


def _index(kept: KeptElement) -> str:
    """EAD's <index> needs entries: each line of its lists is one (as a <name>), its paragraphs stay."""
    parts: list[str] = []
    entries: list[str] = []
    for _kind, block in note_blocks(kept.text):
        if isinstance(block, list):
            entries.extend(f"<indexentry><name>{xml_text(item)}</name></indexentry>" for item in block)
        else:
            parts.append(f"<p>{xml_text(block)}</p>")
    if not entries:  # (paragraphs only: the last one stands as the entry the schema asks for)
        last = parts.pop() if parts else "<p></p>"
        entries.append(f"<indexentry><name>{last[3:-4]}</name></indexentry>")
    return f"<index{attributes(kept)}>{''.join(parts)}{''.join(entries)}</index>"


def dsc_opening(related: Related) -> str:
    """The top record's <dsc>, with the text the source had inside its own (taken out of ``related``:
    it is written there, not as a part)."""
    texts = [kept for kept in related.kept if kept.element == "dsc"]
    related.kept = [kept for kept in related.kept if kept.element != "dsc"]
    body = "".join(paragraphs("dsc", kept.text)[len("<dsc>") : -len("</dsc>")] for kept in texts)
    return f"<dsc{attributes(texts[0]) if texts else ''}>{body}\n"


def own_unitid(identifier: str, related: Related) -> str:
    """The <unitid> of the reference code, with the attributes it came with."""
    kept = next((k for k in related.kept if k.element == OWN_UNITID and k.text == identifier), None)
    return f"<unitid{attributes(kept) if kept else ''}>{xml_text(identifier)}</unitid>"


def containers(first: int, related: Related) -> list[str]:
    """The containers (an id each, so a folder names its box with ``parent`` and a <physloc> the
    containers it is the location of), then each location once. Ids count from ``first``, in
    document order, so two exports of the same tree are the same document."""
    found = []
    ids = [f"container-{first + n}" for n in range(len(related.containers))]
    for number, container in enumerate(related.containers):
        kind = f" type={xml_attr(container['type'])}" if container.get("type") else ""
        label = f" label={xml_attr(container['label'])}" if container.get("label") else ""
        parent = container.get("parent", "")
        inside = f" parent={xml_attr(ids[int(parent)])}" if parent.isdigit() and int(parent) < len(ids) else ""
        name = xml_text(container["name"])
        found.append(f"<container id={xml_attr(ids[number])}{kind}{label}{inside}>{name}</container>")
    held: dict[str, list[str]] = {}
    for number, container in enumerate(related.containers):
        if container.get("location"):
            held.setdefault(container["location"], []).append(ids[number])
    for location, holders in held.items():
        found.append(f"<physloc parent={xml_attr(' '.join(holders))}>{xml_text(location)}</physloc>")
    return found
