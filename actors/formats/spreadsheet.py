"""Cells of the CSV files we write, and spreadsheet formulas.

Two rules, for two readers:

- ``guard_for_spreadsheet``: files only people open (job history, reports). Every cell a
  spreadsheet could read as a formula (starting with = + - @, a tab or a carriage return) is
  prefixed with ``'``, as OWASP recommends.
- ``guard_for_atom`` / ``unguard``: AtoM description CSVs, which go back into AtoM (which
  does not take a prefix off) and into spreadsheets. Only what looks like a formula is
  prefixed: starting with = or @ (or a tab or carriage return), or with + or - followed
  straight away by something other than a plain number, or holding ( | ! = after them.
  So ``---``, ``-- Donald``, ``- item`` and ``-12`` stay as they are; ``-2+3``, ``+A1``,
  ``=SUM(A1:A2)`` and ``- cmd|' /C calc'!A0`` are prefixed. ``unguard`` takes exactly that
  prefix off again (a value that itself starts with ``'`` and would look prefixed gets one
  more), so an export imports back to the same text.
"""

from __future__ import annotations

import io
import re

SPREADSHEET_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ALWAYS = ("=", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
_FORMULA_MARKS = re.compile(r"[(|!=]")


def drain(buffer: io.StringIO) -> str:
    """What a streamed CSV's writer wrote since last time, the buffer emptied for the next rows."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def guard_for_spreadsheet(value: str) -> str:
    return "'" + value if value.startswith(SPREADSHEET_TRIGGERS) else value


def guard_for_atom(value: str) -> str:
    return "'" + value if looks_like_formula(value) or _prefixed(value) else value


def unguard(value: str) -> str:
    return value[1:] if _prefixed(value) else value


def looks_like_formula(value: str) -> bool:
    if value.startswith(_ALWAYS):
        return True
    if not value.startswith(("+", "-")) or _NUMBER.fullmatch(value):
        return False
    rest = value.lstrip("+-")
    if not rest:
        return False  # "---"
    return not rest[0].isspace() or bool(_FORMULA_MARKS.search(rest))


def _prefixed(value: str) -> bool:
    """A value guard_for_atom would have written: "'" before a formula, or before such a value."""
    return value.startswith("'") and (looks_like_formula(value[1:]) or _prefixed(value[1:]))
