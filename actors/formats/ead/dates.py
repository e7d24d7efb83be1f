"""EAD's ``unitdate/@normal`` as real finding aids write it, read into a start and an end date.

EAD 2002 asks for ISO 8601, and systems write it in several ways: ``1927/2005`` (an
interval), ``1927-03/1927-05-14``, the basic format ``15761017`` or ``158304``, CALM's
``1880-1979`` (two years with a hyphen), comma lists ``1846-12-31,1898-01-01/1932-12-31``
(the span is read: earliest start to latest end), open ends ``1950/..``. What is none of
these (``0000/0000``, ``13302``, an end before its start) is not guessed at: the caller keeps
the date as text and warns.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from actors.formats.rows import parse_date

_YEAR_RANGE = re.compile(r"^(\d{4})-(\d{4})$")  # CALM: "1880-1979"
_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")  # ISO 8601 basic format: 15761017, 158304
_EXTENDED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_OPEN = ("", "..")


class NotADate(ValueError):
    """The normal attribute says no date this reader can trust."""


def normal_span(text: str) -> tuple[str, str]:
    """(start, end) as YYYY[-MM[-DD]] text, either empty when open; raises NotADate."""
    starts, ends = [], []
    for part in (p.strip() for p in text.split(",")):
        start, end = _interval(part)
        starts.append(start)
        ends.append(end)
    known_starts, known_ends = [s for s in starts if s], [e for e in ends if e]
    start = min(known_starts, key=_start_key) if known_starts else ""
    end = max(known_ends, key=_end_key) if known_ends else ""
    if start and end and _end_key(end) < _start_key(start):
        raise NotADate(_("its end %(end)s is before its start %(start)s", end=end, start=start))
    return start, end


def _interval(part: str) -> tuple[str, str]:
    if "/" in part:
        first, _, second = part.partition("/")
        start = "" if first.strip() in _OPEN else _date(first)
        end = "" if second.strip() in _OPEN else _date(second)
        if not (start or end):
            raise NotADate("it is an interval with neither end")
        return start, end
    calm = _YEAR_RANGE.match(part)
    if calm:
        return _date(calm.group(1)), _date(calm.group(2))
    single = _date(part)
    return single, single


def _date(text: str) -> str:
    text = text.strip()
    basic = _BASIC.match(text)
    if basic:
        text = "-".join(group for group in basic.groups() if group)
    if not _EXTENDED.match(text):
        raise NotADate(_("“%(text)s” is not a date", text=text))
    try:
        parse_date(text, end=False)
    except ValueError:  # year 0, month 13, 31 February
        raise NotADate(_("“%(text)s” is not a date", text=text)) from None
    return text


def _start_key(text: str) -> date:
    return parse_date(text, end=False)


def _end_key(text: str) -> date:
    return parse_date(text, end=True)
