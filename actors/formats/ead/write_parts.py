"""Parts of a component the EAD export writes that need more than a field: containers with their
labels, nesting and locations, and the elements kept as they came (actors.formats.ead.kept),
each back in its place with its attributes."""

from __future__ import annotations

import re

from actors.formats.ead.dialects import Ead2002
from actors.formats.ead.kept import OWN_UNITID, PHRASES, WITH_FIELDS
from actors.formats.note_text import note_blocks
from actors.formats.writing import paragraphs, xml_attr, xml_text
from models.description_parts import KeptElement, Related

# Kept access points: names and terms, as each dialect spells them (EAD3: in <part>s).
NAMED = frozenset({"function", "occupation", "title", "subject", "geogname", "genreform", "name", "persname",
                   "corpname", "famname"})  # fmt: skip
_NAME = re.compile(r"^[A-Za-z][\w.-]*$")  # an attribute name we write back


def attributes(kept: KeptElement, dialect: Ead2002) -> str:
    """Its attributes as they came, named as the dialect names them (a <dao>'s link ones in
    EAD 2002's xlink namespace)."""
    tag = kept.element.rsplit("/", 1)[-1]
    dao = tag == "dao"
    return "".join(
        f" {dialect.dao_attribute(name) if dao else dialect.attribute(name, tag)}={xml_attr(value)}"
        for name, value in kept.attributes.items()
        if _NAME.match(name) and not (dao and name == "href")
    )


def kept_in(related: Related, prefix: str) -> list[KeptElement]:
    """The kept elements of one place: "did/", "controlaccess/", or "" (the component's own parts);
    the description of the record's own <dao> is written inside it (actors.formats.ead.writer)."""
    return [
        kept
        for kept in related.kept
        if kept.element not in WITH_FIELDS and (kept.element.startswith(prefix) if prefix else "/" not in kept.element)
    ]


def kept_element(kept: KeptElement, dialect: Ead2002) -> str:
    """One kept element as it came: running text on one line, notes as paragraphs; an <index> as
    its entries, a <dao> as its link."""
    tag = dialect.kept_tag(kept.element)
    if tag == "dao":
        href = kept.attributes.get("href") or kept.text
        described = "" if kept.text == href else f"<p>{xml_text(kept.text)}</p>"
        return dialect.dao(href, described, attributes(kept, dialect))
    if tag in NAMED:
        return dialect.named(tag, kept.text, attributes(kept, dialect))
    if tag == "repository" and dialect.key == "ead3":  # (EAD3's holds names, not text)
        return f"<repository{attributes(kept, dialect)}>{dialect.named('name', kept.text)}</repository>"
    if tag in PHRASES or tag == "didnote":
        return f"<{tag}{attributes(kept, dialect)}>{xml_text(kept.text)}</{tag}>"
    if tag == "index":
        return _index(kept, dialect)
    body = paragraphs(tag, kept.text)
    if tag == "odd" and kept.element != "odd":  # (EAD3 has no such element: an <odd> says which it was)
        own = {k: v for k, v in kept.attributes.items() if k not in ("type", "localtype")}
        marked = f"{attributes(KeptElement(kept.element, '', own), dialect)} localtype={xml_attr(kept.element)}"
        return body.replace(f"<{tag}>", f"<{tag}{marked}>", 1)
    return body.replace(f"<{tag}>", f"<{tag}{attributes(kept, dialect)}>", 1)


def _index(kept: KeptElement, dialect: Ead2002) -> str:
    """EAD's <index> needs entries: each line of its lists is one (as a <name>), its paragraphs stay."""
    parts: list[str] = []
    entries: list[str] = []
    for _kind, block in note_blocks(kept.text):
        if isinstance(block, list):
            entries.extend(f"<indexentry>{dialect.named('name', item)}</indexentry>" for item in block)
        else:
            parts.append(f"<p>{xml_text(block)}</p>")
    if not entries:  # (paragraphs only: the last one stands as the entry the schema asks for)
        last = parts.pop()[3:-4] if parts else ""
        entries.append(f"<indexentry>{_named_markup(dialect, last)}</indexentry>")
    return f"<index{attributes(kept, dialect)}>{''.join(parts)}{''.join(entries)}</index>"


def _named_markup(dialect: Ead2002, markup: str) -> str:
    """A <name> around text already escaped."""
    return dialect.named("name", "\0").replace("\0", markup)


def dsc_opening(related: Related, dialect: Ead2002) -> str:
    """The top record's <dsc>, with the text the source had inside its own (taken out of ``related``:
    it is written there, not as a part)."""
    texts = [kept for kept in related.kept if kept.element == "dsc"]
    related.kept = [kept for kept in related.kept if kept.element != "dsc"]
    body = "".join(paragraphs("dsc", kept.text)[len("<dsc>") : -len("</dsc>")] for kept in texts)
    return f"<dsc{attributes(texts[0], dialect) if texts else ''}>{body}\n"


def own_unitid(identifier: str, related: Related, dialect: Ead2002) -> str:
    """The <unitid> of the reference code, with the attributes it came with."""
    kept = next((k for k in related.kept if k.element == OWN_UNITID and k.text == identifier), None)
    return f"<unitid{attributes(kept, dialect) if kept else ''}>{xml_text(identifier)}</unitid>"


def containers(first: int, related: Related, dialect: Ead2002) -> list[str]:
    """The containers (an id each, so a folder names its box with ``parent`` and a <physloc> the
    containers it is the location of), then each location once. Ids count from ``first``, in
    document order, so two exports of the same tree are the same document."""
    found = []
    ids = [f"container-{first + n}" for n in range(len(related.containers))]
    for number, container in enumerate(related.containers):
        kind = dialect.typed(container["type"]) if container.get("type") else ""
        label = dialect.container_label(container.get("label", ""))
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
