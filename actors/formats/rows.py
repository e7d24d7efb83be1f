"""One imported record, whatever the file format, and the checks every record gets.

The CSV and EAD readers both turn their input into ``Row`` objects that say where each
value came from (a CSV line and column, or an EAD element path), so a problem always
names the exact place to fix it, and the planner and writer never care about the format.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _

from actors.engine.context import BadInput
from actors.formats.atom_csv.columns import CODES, TEXT
from actors.formats.limits import (
    DATES_LIMIT,
    DESCRIPTION_LIMITS,
    EVENT_LIMITS,
    LEVEL_LIMIT,
    check_entry,
    check_related,
    too_long,
)
from actors.formats.place import located
from models.description import PublicationStatus
from models.description_parts import Related

TEXT_FIELDS = tuple(TEXT.values())
CODE_FIELDS = tuple(CODES.values())
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class ImportFailed(BadInput):
    """The import cannot go on; the message names the place in the file and what is wrong."""


Source = tuple[str, str]  # (where: "line 14" or an element path, what: a column or attribute name)


@dataclass(slots=True)
class Row:
    where: str  # the record's place in the file: "line 14", "/ead/archdesc/dsc/c01[2]"
    key: str | None = None  # legacyId, or the EAD component's path: what children refer to
    parent_key: str | None = None  # a key of an earlier row
    parent_slug: str | None = None  # an existing description (qubitParentSlug)
    raw: dict[str, str] = field(default_factory=dict)  # model field -> text as found
    sources: dict[str, Source] = field(default_factory=dict)  # model field -> where it came from
    # model field, or what the record holds ("event.actor": limits) -> its column or element (shared by a file's rows)
    columns: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # already located, e.g. "line 3: ..."
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (kind, located text): imported anyway
    related: Related = field(default_factory=Related)

    def source(self, name: str) -> Source:
        return self.sources.get(name) or (self.where, self.columns.get(name, name))

    def warn(self, kind: str, where: str, text: str) -> None:
        """Something read differently from how it was written (kind: "untitled component", ...)."""
        self.warnings.append((kind, located(where, text)))

    def problem(self, name: str, text: str, *, name_it: bool = True) -> None:
        """Record a problem of one field, located: "line 3: eventStartDates “x” is not a date"."""
        where, what = self.source(name)
        self.problems.append(located(where, f"{what} {text}" if what and name_it else text))


@lru_cache(maxsize=4096)  # an import sees the same few hundred years again and again
def parse_date(text: str, *, end: bool) -> date:
    """YYYY, YYYY-MM or YYYY-MM-DD (AtoM writes "2016-00-00" for a year alone, "2016-05-00" for a
    month); an end date without day or month is the last day it covers."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = int(match.group(1)), int(match.group(2) or 0), int(match.group(3) or 0)
    if not month:
        return date(year, 12, 31) if end else date(year, 1, 1)
    if not day:
        return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    return date(year, month, day)


def clean(row: Row) -> dict[str, Any]:
    """The model values of a row; every problem found is added to ``row.problems``."""
    raw, related = row.raw, row.related
    values: dict[str, Any] = dict.fromkeys(TEXT_FIELDS)
    for name, text in raw.items():
        if name in values:
            values[name] = text.strip() or None
    if not values["title"]:
        row.problem("title", _("missing title"), name_it=False)
    check_entry(row, values, DESCRIPTION_LIMITS, "")
    check_related(row)
    values["level_of_description"] = _level(row, raw.get("level_of_description", ""))
    events = clean_events(row)
    if events:  # the description's own dates are its first dated event's
        dated = [e for e in events if e.get("date_text") or e["start_date"] or e["end_date"]]
        first = next((e for e in dated if e.get("date_type") != "bulk"), dated[0] if dated else events[0])
        values["dates"] = first.get("date_text") or None
        values["start_date"], values["end_date"] = first["start_date"], first["end_date"]
    else:
        values["dates"] = (raw.get("dates") or "").strip() or None
        values["start_date"] = _date(row, "start_date", raw.get("start_date"), end=False)
        values["end_date"] = _date(row, "end_date", raw.get("end_date"), end=True)
        _check_order(row, "end_date", values["start_date"], values["end_date"])
    too_long(row, "event.date_text", values["dates"], DATES_LIMIT)
    values["publication_status"] = _status(row, raw.get("publication_status", ""))
    for name in CODE_FIELDS:
        values[name] = related.codes.get(name, [])
    values["other_fields"] = dict(related.other)
    values["has_digital_object"] = bool(
        values["digital_object_path"] or values["digital_object_uri"] or (raw.get("digital_object") or "").strip()
    )
    return values


def clean_events(row: Row) -> list[dict[str, Any]]:
    """The row's events with their dates parsed (added to each); a date that is not one is a
    located problem."""
    events: list[dict[str, Any]] = row.related.events  # (clean adds the parsed dates to each)
    for number, event in enumerate(events, start=1):
        name = _("event %(number)s", number=number) if len(events) > 1 else ""
        check_entry(row, event, EVENT_LIMITS, "event.", name)
        event["start_date"] = _date(row, "event.start_text", event.get("start_text"), end=False, what=name)
        event["end_date"] = _date(row, "event.end_text", event.get("end_text"), end=True, what=name)
        _check_order(row, "event.end_text", event["start_date"], event["end_date"])
    return events


def _level(row: Row, text: str) -> str:
    """The level of description as written (spaces folded; the vocabulary takes any level, see
    models.vocabulary); empty: Fonds at the top, else File, said in a warning (a file may hold
    thousands: the summary counts them)."""
    name = " ".join(text.split())
    if not name:
        if row.parent_key is None and row.parent_slug is None:
            return "Fonds"
        row.warn(_("no level"), row.where, _("no level of description: imported as “File”"))
        return "File"
    too_long(row, "level_of_description", name, LEVEL_LIMIT)
    return name


def _date(row: Row, name: str, text: str | None, *, end: bool, what: str = "") -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_date(text, end=end)
    except ValueError:
        label = f" ({what})" if what else ""
        row.problem(
            name, _("“%(text)s”%(event)s is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)", text=text, event=label)
        )
        return None


def _check_order(row: Row, name: str, start: date | None, end: date | None) -> None:
    if start and end and end < start:
        row.problem(name, _("“%(end)s” is before the start date “%(start)s”", end=end, start=start))


def _status(row: Row, text: str) -> PublicationStatus:
    wanted = text.strip().lower()
    if not wanted:
        return PublicationStatus.DRAFT
    try:
        return PublicationStatus(wanted)
    except ValueError:
        row.problem(
            "publication_status", _("“%(text)s” is not a publication status (Draft or Published)", text=text.strip())
        )
        return PublicationStatus.DRAFT
