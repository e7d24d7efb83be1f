"""Read an EAD 2002 finding aid as a stream of rows, parent before children.

``iterparse`` (actors.formats.xml_safety: no entities, no external references, bounded) with every
finished component and container detached from the tree, so memory stays flat however
many components the file holds; a part read whole when it ends (a note, a ``<did>``) may hold
100,000 elements (a 60 MB note of ``<p>x</p>`` took 0.9 GB). A component is emitted as soon
as its ``<did>`` is complete and its first child component starts (or when it ends, for a leaf).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from flask import has_app_context
from flask_babel import format_decimal
from flask_babel import gettext as _

from actors.formats.ead.did import read_did, read_identifier
from actors.formats.ead.fields import TERM_ELEMENTS, read_part
from actors.formats.ead.identity import give_title
from actors.formats.ead.late import join_late
from actors.formats.ead.levels import level_of
from actors.formats.ead.tags import dialect_of, local, one_line
from actors.formats.place import located
from actors.formats.rows import ImportFailed, Row
from actors.formats.uploads import describe_xml_error
from actors.formats.xml_safety import UnsafeXML, safe_iterparse

_NUMBERED = re.compile(r"^c(0[1-9]|1[0-2])$")
MAX_HELD = 100_000  # elements held at once: the real files (../shared/corpus) hold 76 at most
# Where in a component what it holds comes from, to name it in a problem (rows.Row.source, limits).
PLACES = {
    "event.event_type": "<unitdate> datechar or <origination> label", "event.actor": "<origination>",
    "event.date_text": "<unitdate>", "event.date_type": "<unitdate> type attribute",
    "container.name": "<container>", "container.type": "<container> type attribute",
    "container.label": "<container> label attribute", "repository": "<repository>",
    "names": "<controlaccess> name",
    **{f"term.{taxonomy}": f"<{element}>" for taxonomy, element in TERM_ELEMENTS.items()},
}  # fmt: skip


@lru_cache(maxsize=64)
def is_component(tag: str) -> bool:
    return tag in ("archdesc", "c") or bool(_NUMBERED.match(tag))


class _Open:
    """An element being read: its path and, for a component, the row it becomes."""

    __slots__ = ("counts", "element", "emitted", "path", "row", "tag")

    def __init__(self, element: Element, tag: str, path: str, row: Row | None) -> None:
        self.element, self.tag, self.path, self.row = element, tag, path, row
        self.counts: dict[str, int] = {}
        self.emitted = False


class EadReader:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.size = self.path.stat().st_size
        self.header: list[str] = []
        self.titleproper = ""  # the finding aid's title: the fonds' own when archdesc has no unittitle
        self.kept_as_is: list[str] = []
        self.dialect = "ead"  # or "ead3", by the root's namespace (actors.formats.ead.tags.dialect_of)
        self.full = True
        self._file: BinaryIO | None = None
        self._held = 0  # elements read and not yet detached: a part is read whole when it ends
        self._late: dict[str, Row] = {}  # component path -> its parts after its children (late.py)
        self._planned = False

    def bytes_read(self) -> int:
        return self._file.tell() if self._file else 0

    def rows(self, *, full: bool = True) -> Iterator[Row]:
        """Every component in document order, parent before children. full=False (the planning
        pass) reads only the structure: the components' nesting and their identifiers."""
        if not full:
            self._late = {}
        elif not self._planned:  # (parts after a component's children are read in that pass)
            for _ in self.rows(full=False):
                pass
        self.full = full
        self._held = 0
        with self.path.open("rb") as source:
            self._file = source
            stack: list[_Open] = []
            try:
                for event, element in safe_iterparse(source):
                    if event == "start":
                        yield from self._start(stack, element)
                    else:
                        yield from self._end(stack)
            except (UnsafeXML, ParseError) as error:
                raise ImportFailed(describe_xml_error(error)) from None
            finally:
                self._file = None
        self._planned = self._planned or not full

    def _start(self, stack: list[_Open], element: Element) -> Iterator[Row]:
        tag = local(element.tag)
        parent = stack[-1] if stack else None
        if parent is None:
            if tag != "ead":
                raise ImportFailed(located(f"/{tag}", _("the root element must be <ead>")))
            self.dialect = dialect_of(element.tag)
        segment = tag
        row = None
        if parent is not None and tag == "dsc":  # EAD allows several: the second one's are other paths
            parent.counts[tag] = parent.counts.get(tag, 0) + 1
            segment = f"dsc[{parent.counts[tag]}]" if parent.counts[tag] > 1 else tag
        if is_component(tag) and parent is not None:
            parent.counts[tag] = parent.counts.get(tag, 0) + 1
            segment = f"{tag}[{parent.counts[tag]}]" if tag != "archdesc" else tag
            path = f"{parent.path}/{segment}"
            owner = self._component(stack)
            _check_nesting(tag, owner, path)
            if owner is not None and not owner.emitted:
                yield self._emit(owner)
            row = Row(where=path, key=path, parent_key=owner.row.key if owner and owner.row else None, columns=PLACES)
            row.raw["level_of_description"] = level_of(element)
            row.sources["level_of_description"] = (path, "level attribute")
            row.raw["publication_status"] = "published" if element.get("audience") == "external" else ""
            for name, child in (("title", "unittitle"), ("identifier", "unitid")):
                row.sources[name] = (f"{path}/did/{child}", "")
        path = f"{parent.path}/{segment}" if parent else f"/{segment}"
        self._held += 1
        if self._held > MAX_HELD:
            said = _(
                "more than %(count)s elements in one part of a component (a note, a <did>), which is refused to "
                "protect the server",
                count=format_decimal(MAX_HELD) if has_app_context() else f"{MAX_HELD:,}",  # (a test reads it bare)
            )
            raise ImportFailed(located(path, said))
        stack.append(_Open(element, tag, path, row))

    def _end(self, stack: list[_Open]) -> Iterator[Row]:
        node = stack.pop()
        parent = stack[-1] if stack else None
        if parent is None:
            return
        grandparent = stack[-2] if len(stack) >= 2 else None
        if node.row is not None:
            if not node.emitted:  # a leaf component
                yield self._emit(node)
        elif parent.row is not None:  # did, scopecontent, dsc, ...: a direct part of a component
            self._part(parent, node)
        elif parent.tag == "did" and grandparent is not None and grandparent.row is not None:
            return  # kept until its <did> ends
        elif parent.tag != "ead":
            return  # inside a part we read whole when it ends
        if node.tag in ("eadheader", "control"):  # (EAD3's header is <control>)
            self.titleproper = next((one_line(e) for e in node.element.iter() if local(e.tag) == "titleproper"), "")
        self._held -= sum(1 for _ in node.element.iter())
        node.element.clear()  # finished: drop it, and detach it, so nothing piles up
        parent.element.remove(node.element)

    def _part(self, component: _Open, node: _Open) -> None:
        assert component.row is not None
        if node.tag == "did":
            (read_did if self.full else read_identifier)(component.row, node.element, node.path)
        elif component.emitted and not self.full:  # after its children: joined when emitted (late.py)
            late = self._late.setdefault(component.path, Row(where=component.path, key=component.path, columns=PLACES))
            read_part(late, node.element, node.tag, node.path)
        elif self.full and not component.emitted:
            read_part(component.row, node.element, node.tag, node.path)

    def _emit(self, node: _Open) -> Row:
        node.emitted = True
        assert node.row is not None
        if self.full:
            give_title(node.row, self.titleproper if node.tag == "archdesc" else "")
            if node.path in self._late:
                join_late(node.row, self._late[node.path])
        return node.row

    @staticmethod
    def _component(stack: list[_Open]) -> _Open | None:
        return next((node for node in reversed(stack) if node.row is not None), None)


def _check_nesting(tag: str, owner: _Open | None, path: str) -> None:
    """c01 under archdesc/dsc, c02 under c01, ...; archdesc only once, at the top."""
    if tag == "archdesc":
        if owner is not None:
            raise ImportFailed(located(path, _("<archdesc> inside a component")))
        return
    if owner is None:
        raise ImportFailed(located(path, _("a component outside <archdesc>")))
    numbered = _NUMBERED.match(tag)
    if numbered:
        expected = "archdesc" if tag == "c01" else f"c{int(numbered.group(1)) - 1:02d}"
        if owner.tag != expected:
            said = _(
                "<%(tag)s> must be inside <%(expected)s>, not <%(owner)s>", tag=tag, expected=expected, owner=owner.tag
            )
            raise ImportFailed(located(path, said))
