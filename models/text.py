"""Text the database can store, decided in one place.

PostgreSQL refuses a NUL character in any text value ("cannot contain NUL (0x00) characters")
and a lone UTF-16 surrogate cannot be encoded as UTF-8 at all, so a value holding either fails
the statement that writes it, whatever else that statement carried (a job's outcome, a whole
import batch). SQLite stores both, and the same data then fails on PostgreSQL or in an export.
Text from outside — a form, an upload's file name, an imported value, what a job printed — is
checked here (the web answers 400) or cleaned here (U+FFFD shows where a refused character was).
"""

from __future__ import annotations

import re

from sqlalchemy import Column, String
from sqlalchemy.orm import InstrumentedAttribute

REPLACEMENT = "\ufffd"
_REFUSED = re.compile("[\x00\ud800-\udfff]")


def refused(text: str) -> bool:
    """Whether text holds a character no database column takes (NUL, a lone surrogate)."""
    return _REFUSED.search(text) is not None


def storable(text: str) -> str:
    """Text with each refused character replaced by U+FFFD (unchanged, and fast, when there is none)."""
    return _REFUSED.sub(REPLACEMENT, text) if refused(text) else text


def column_length(column: InstrumentedAttribute | Column) -> int | None:
    """The most characters a String column holds (None: unbounded Text, or not text)."""
    column_type = getattr(column, "type", None)
    return column_type.length if isinstance(column_type, String) else None
