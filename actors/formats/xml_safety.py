"""XML read safely, at the C parser's speed, in bounded memory and time (security review H2, M4).

The prolog (everything before the root element) is read first with expat, which refuses:

- a parsed entity declaration: internal ones expand into billions of characters, external ones
  read files or URLs (XXE). Unparsed NDATA ones, the images of SGML-era finding aids, are never
  expanded and pass, with their NOTATIONs, ELEMENT declarations and ATTLISTs without a default;
- an attribute default (<!ATTLIST c01 audience CDATA "...">): expat copies it into every element
  it names; a 1 MB default on 100,000 <c01/> (a 1.6 MB file) cost 87 s and 2.7 GB;
- a prolog over 256 KB, and an encoding expat cannot read (UTF-32, Shift_JIS, an unknown name).
  Single-byte ones (ISO-8859-*, windows-125*) are read like UTF-8 and UTF-16.

The document is then parsed by ElementTree's C parser (which never loads an external DTD), fed
8 KB at a time (fewer elements alive at once: 64 KB chunks parsed 50% slower), 64 KB while a
token is unfinished, and checked between chunks, refusing:

- over 256 KB without a tag (a text, an attribute, a comment): expat 2.5 scans an unfinished
  token again at every chunk, so one 60 MB attribute ran for minutes; 250 KB ones read at speed;
- nesting over 500 deep: every open element is held (60 MB of <c> took over 4.5 GB);
- over 1,000 distinct names (of elements, attributes, namespace prefixes and URIs), or one over
  1,000 characters: expat and ElementTree keep every name they meet (60 MB of distinct names
  took 1.7 GB), and copy a namespace URI into each name in it (a long one ran for minutes).

Measured on the real files (../shared/corpus: ArchivesSpace, the Archivists' Toolkit, CALM):
none has an internal subset; they are UTF-8 (4) or ISO-8859-1 (2); they nest 19 deep; their
longest text is 2,537 characters, attribute 95, name 57, namespace URI 41; 134 names at most.
(defusedxml refuses entities too, but through the pure-Python parser: twice as slow.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any, cast
from xml.etree.ElementTree import Element, XMLPullParser
from xml.parsers import expat

from flask_babel import gettext as _

CHUNK = 64 * 1024
FEED = 8 * 1024
MAX_RUN = 256 * 1024
MAX_DEPTH = 500
MAX_NAMES = 1000
MAX_NAME = 1000
_DECLARED = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([^"'>]{0,40})""")
_UNKNOWN_ENCODING = expat.errors.codes[expat.errors.XML_ERROR_UNKNOWN_ENCODING]  # (EBCDIC, ...)


class UnsafeXML(ValueError):
    """The XML is refused before it can cost much; the message is for the person who chose it."""


class _RootStarted(Exception):
    """The prolog is over."""


def safe_iterparse(source: IO[bytes], events: tuple[str, ...] = ("start", "end")) -> Iterator[tuple[str, Element]]:
    """ElementTree.iterparse, refusing (UnsafeXML, with a line) what the module docstring says."""
    check_prolog(source)
    parser: XMLPullParser = XMLPullParser(events=("start", "end", "start-ns"))
    names: set[str] = set()
    depth = quiet = 0
    line = last_line = 1  # the first line of the chunk fed; of the last chunk where a token ended
    while True:
        chunk = source.read(CHUNK if quiet else FEED)
        if chunk:
            parser.feed(chunk)
        else:
            parser.close()
        seen = False
        for pair in cast("Iterator[tuple[str, Any]]", parser.read_events()):
            seen = True
            event, item = pair
            if event == "end":
                depth -= 1
            elif event == "start":
                if item.tag not in names or not names.issuperset(item.keys()):
                    _new_names(names, [item.tag, *item.keys()], line)
                depth += 1
                _refuse_too_deep(depth, item.tag, line)
            else:  # start-ns: (prefix, URI)
                _new_names(names, [f"xmlns:{item[0]}", item[1]], line)
            if event in events:
                yield pair
        if not chunk:
            return
        quiet, last_line = (0, line) if seen else (quiet + len(chunk), last_line)
        _refuse_long_run(quiet, last_line)
        line += chunk.count(b"\n")


def _refuse_too_deep(depth: int, tag: str, line: int) -> None:
    """Every open element is held until it ends: refuse nesting past MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise UnsafeXML(
            _(
                "This XML file nests elements more than %(limit)d deep (<%(tag)s>, at or after line "
                "%(line)d), which is refused to protect the server.",
                limit=MAX_DEPTH,
                tag=tag.rsplit("}", 1)[-1][:40],
                line=line,
            )
        )


def _refuse_long_run(quiet: int, last_line: int) -> None:
    """expat scans an unfinished token again at every chunk: refuse one over MAX_RUN bytes."""
    if quiet > MAX_RUN:
        raise UnsafeXML(
            _(
                "This XML file has a text, a tag or a comment over %(limit)d KB long (starting at or after "
                "line %(line)d), which is refused to protect the server.",
                limit=MAX_RUN // 1024,
                line=last_line,
            )
        )


def _new_names(names: set[str], candidates: list[str], line: int) -> None:
    """Add the names not seen yet; expat and ElementTree keep them all until the end."""
    for name in candidates:
        if name in names:
            continue
        if len(name) > MAX_NAME:
            raise UnsafeXML(
                _(
                    "This XML file has a name or a namespace over %(limit)d characters long (at or after line "
                    "%(line)d), which is refused to protect the server.",
                    limit=MAX_NAME,
                    line=line,
                )
            )
        if len(names) >= MAX_NAMES:
            raise UnsafeXML(
                _(
                    "This XML file uses more than %(limit)d different names of elements, attributes and namespaces "
                    "(at or after line %(line)d), which is refused to protect the server.",
                    limit=MAX_NAMES,
                    line=line,
                )
            )
        names.add(name)


def check_prolog(source: IO[bytes]) -> None:
    """Read up to the root element, refusing what the module docstring says; leave the stream where
    it was. A prolog that is not XML is left for the parser proper to describe, with its line."""
    start = source.tell()
    head = source.read(CHUNK)
    source.seek(start)
    parser = expat.ParserCreate()
    parser.EntityDeclHandler = _refuse_parsed_entity
    parser.AttlistDeclHandler = _refuse_attribute_default
    parser.StartElementHandler = _stop_at_root
    read = 0
    try:
        while chunk := source.read(CHUNK):
            parser.Parse(chunk, False)
            read += len(chunk)
            if read > MAX_RUN:
                raise UnsafeXML(
                    _(
                        "This XML file has over %(limit)d KB before its first element (in its DOCTYPE or "
                        "comments), which is refused to protect the server.",
                        limit=MAX_RUN // 1024,
                    )
                )
        parser.Parse(b"", True)
    except _RootStarted:
        pass
    except UnsafeXML:
        raise
    except (ValueError, LookupError):  # (from pyexpat: a multi-byte encoding, an unknown one)
        raise UnsafeXML(_unreadable(head)) from None
    except expat.ExpatError as error:
        if error.code == _UNKNOWN_ENCODING:
            raise UnsafeXML(_unreadable(head)) from None
    finally:
        source.seek(start)


def _refuse_parsed_entity(
    _name: str, _parameter: bool, _value: Any, _base: Any, _system: Any, _public: Any, notation: Any
) -> None:
    """expat's EntityDeclHandler: a parsed entity expands (billions of characters) or reads files (XXE)."""
    if notation is None:  # (an NDATA entity, SGML-era finding aids' images, is never expanded)
        raise UnsafeXML(
            _(
                "The XML declares or uses entities (<!ENTITY ...>) or external references, which are refused "
                "for security reasons (external entities, entity expansion). Remove the DOCTYPE's internal "
                "declarations and try again."
            )
        )


def _refuse_attribute_default(element: str, attribute: str, _type: str, default: str | None, _required: bool) -> None:
    """expat's AttlistDeclHandler: a default is copied into every element it names."""
    if default is not None:
        raise UnsafeXML(
            _(
                "The XML's DOCTYPE gives the attribute “%(attribute)s” of <%(element)s> a default value "
                "(<!ATTLIST ...>), which is refused for security reasons. Remove the DOCTYPE's internal "
                "declarations and try again.",
                attribute=attribute[:40],
                element=element[:40],
            )
        )


def _stop_at_root(*_: Any) -> None:
    """expat's StartElementHandler: the prolog ends where the root element starts."""
    raise _RootStarted


def _unreadable(head: bytes) -> str:
    declared = _DECLARED.match(head)
    name = declared.group(1).decode("ascii", "replace") if declared else "?"
    return _(
        "This XML file declares the encoding “%(encoding)s”, which cannot be read; save it as UTF-8.", encoding=name
    )
