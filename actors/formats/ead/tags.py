"""Small readings of EAD elements shared by the reader's modules."""

from __future__ import annotations

from functools import lru_cache
from xml.etree.ElementTree import Element


@lru_cache(maxsize=512)  # a finding aid uses a few dozen tags, hundreds of thousands of times
def local(tag: str) -> str:
    """A tag without its namespace: "{urn:isbn:1-931666-22-9}c01" is "c01"."""
    return tag.rsplit("}", 1)[-1]


def one_line(element: Element) -> str:
    """All the element's text, whitespace folded."""
    return " ".join("".join(element.itertext()).split())
