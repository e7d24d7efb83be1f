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
from typing import Any

from models.description import LEVELS, PublicationStatus

# Spreadsheets run cells starting with these as formulas; exports prefix them with "'".
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_LENGTHS = {"identifier": 255, "title": 1024, "dates": 255}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_LEVEL_ALIASES = {level.replace("-", ""): level for level in LEVELS}


class ImportFailed(Exception):
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
    problems: list[str] = field(default_factory=list)  # already located, e.g. "line 3: ..."

    def source(self, name: str) -> Source:
        return self.sources.get(name, (self.where, name))

    def problem(self, name: str, text: str, *, name_it: bool = True) -> None:
        """Record a problem of one field, located: "line 3: eventStartDates “x” is not a date"."""
        where, what = self.source(name)
        self.problems.append(f"{where}: {what} {text}" if what and name_it else f"{where}: {text}")


def guard_cell(value: str) -> str:
    """Neutralize a spreadsheet formula; ``unguard_cell`` reverses it exactly."""
    return "'" + value if _needs_guard(value) else value


def unguard_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and _needs_guard(value[1:]) else value


def _needs_guard(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS) or (value.startswith("'") and _needs_guard(value[1:]))


def parse_date(text: str, *, end: bool) -> date:
    """YYYY, YYYY-MM or YYYY-MM-DD; an end date without day or month is the last day it covers."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    year, month, day = int(match.group(1)), match.group(2), match.group(3)
    if month is None:
        return date(year, 12, 31) if end else date(year, 1, 1)
    if day is None:
        return date(year, int(month), calendar.monthrange(year, int(month))[1] if end else 1)
    return date(year, int(month), int(day))


def clean(row: Row) -> dict[str, Any]:
    """The model values of a row; every problem found is added to ``row.problems``."""
    raw = row.raw
    values: dict[str, Any] = {
        name: (raw.get(name) or "").strip() or None
        for name in ("identifier", "title", "dates", "extent_and_medium", "scope_and_content", "arrangement")
    }
    if not values["title"]:
        row.problem("title", "missing title", name_it=False)
    for name, limit in MAX_LENGTHS.items():
        if values[name] and len(values[name]) > limit:
            row.problem(name, f"is longer than {limit} characters")
    values["level_of_description"] = _level(row, raw.get("level_of_description", ""))
    values["start_date"] = _date(row, "start_date", end=False)
    values["end_date"] = _date(row, "end_date", end=True)
    if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
        row.problem("end_date", f"“{values['end_date']}” is before the start date “{values['start_date']}”")
    values["publication_status"] = _status(row, raw.get("publication_status", ""))
    values["has_digital_object"] = bool((raw.get("digital_object") or "").strip())
    return values


def _level(row: Row, text: str) -> str:
    """AtoM's level terms, any case, with or without a hyphen; empty: fonds at the top, else file."""
    wanted = text.strip().lower().replace(" ", "").replace("-", "")
    if not wanted:
        return "fonds" if row.parent_key is None and row.parent_slug is None else "file"
    level = _LEVEL_ALIASES.get(wanted)
    if level is None:
        row.problem("level_of_description", f"“{text.strip()}” is not a level of description ({', '.join(LEVELS)})")
        return "file"
    return level


def _date(row: Row, name: str, *, end: bool) -> date | None:
    text = (row.raw.get(name) or "").strip()
    if not text:
        return None
    try:
        return parse_date(text, end=end)
    except ValueError:
        row.problem(name, f"“{text}” is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        return None


def _status(row: Row, text: str) -> PublicationStatus:
    wanted = text.strip().lower()
    if not wanted:
        return PublicationStatus.DRAFT
    try:
        return PublicationStatus(wanted)
    except ValueError:
        row.problem("publication_status", f"“{text.strip()}” is not a publication status (Draft or Published)")
        return PublicationStatus.DRAFT
