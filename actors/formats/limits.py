"""What the database can store of an imported value: its length, its characters.

PostgreSQL refuses a value longer than its VARCHAR column, and a NUL in any text (SQLite
stores both): unchecked, such a value passed Check import, then failed the import with the
raw SQL error and its parameters, on no line. Here it is a problem that names its line and
column (or its element), found in Check import and in the import before a row is written.
A value too long is refused, not cut: nothing is lost silently. The limits are read from the
model columns (models.text.column_length), so a column made longer or shorter is checked as
it then is; which characters the database refuses, models.text decides.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import Column
from sqlalchemy.orm import InstrumentedAttribute

from actors.formats.atom_csv.columns import TEXT
from actors.formats.place import located
from models.authority import AuthorityRecord, Event
from models.description import ArchivalDescription as D
from models.storage import Container
from models.text import column_length, refused
from models.vocabulary import LevelOfDescription, Repository, Term

if TYPE_CHECKING:
    from actors.formats.rows import Row

Target = InstrumentedAttribute[Any] | Column[Any]

# Where each value a reader puts in a row is written. A description's own fields by name; what
# it holds (models.description_parts.Related) by the key a row's places name it with
# (Row.source: "event.actor" is eventActors in a CSV file, <origination> in an EAD one).
DESCRIPTION_TARGETS: dict[str, Target] = {name: getattr(D, name) for name in TEXT.values()}
DATES_TARGET = D.dates  # the first dated event's text, as the description's dates
LEVEL_TARGETS = (D.level_of_description, LevelOfDescription.key, LevelOfDescription.name)
EVENT_TARGETS: dict[str, Target] = {
    "event_type": Event.event_type, "actor": AuthorityRecord.authorized_name, "actor_history": AuthorityRecord.history,
    "date_text": Event.date_text, "start_text": Event.start_text, "end_text": Event.end_text,
    "date_type": Event.date_type, "description": Event.description, "place": Event.place,
}  # fmt: skip
CONTAINER_TARGETS: dict[str, Target] = {
    "name": Container.name, "type": Container.container_type, "location": Container.location,
    "label": Container.label,
}  # fmt: skip
TERM_TARGET, NAME_TARGET, REPOSITORY_TARGET = Term.name, AuthorityRecord.authorized_name, Repository.name


def _bounded(targets: dict[str, Target]) -> dict[str, int]:
    return {key: length for key, target in targets.items() if (length := column_length(target))}


def _limit(*targets: Target) -> int:
    """The most characters every one of these columns takes (an unbounded one: no limit)."""
    return min((length for target in targets if (length := column_length(target))), default=sys.maxsize)


DESCRIPTION_LIMITS = _bounded(DESCRIPTION_TARGETS)
EVENT_LIMITS = _bounded(EVENT_TARGETS)
CONTAINER_LIMITS = _bounded(CONTAINER_TARGETS)
LEVEL_LIMIT, DATES_LIMIT = _limit(*LEVEL_TARGETS), _limit(DATES_TARGET)
TERM_LIMIT, NAME_LIMIT, REPOSITORY_LIMIT = _limit(TERM_TARGET), _limit(NAME_TARGET), _limit(REPOSITORY_TARGET)


def too_long(row: Row, name: str, value: str | None, limit: int, what: str = "") -> bool:
    """Whether the value is longer than its column takes; if so, a problem of the row, located."""
    if not value or len(value) <= limit:
        return False
    label = f"({what}) " if what else ""
    row.problem(name, _("%(what)sis longer than %(limit)s characters (it has %(length)s)", what=label, limit=limit,
                        length=len(value)))  # fmt: skip
    return True


def check_entry(row: Row, entry: dict[str, Any], limits: dict[str, int], prefix: str, what: str = "") -> None:
    """Every bounded value of one description, event or container. A value too long is dropped
    once reported (the row is not written): no later check (a date's) reports it again."""
    for key, limit in limits.items():
        value = entry.get(key)
        if value and len(value) > limit:
            too_long(row, prefix + key, value, limit, what)
            entry[key] = None


def check_related(row: Row) -> None:
    """Containers, access points and the repository, each value against the column it is written to."""
    related = row.related
    containers, terms = related.containers, related.terms
    for number, container in enumerate(containers, start=1):
        check_entry(row, container, CONTAINER_LIMITS, "container.", _nth(number, containers))
    _check_values(row, "names", related.names, NAME_LIMIT)
    if terms and max(len(name) for _, name in terms) > TERM_LIMIT:  # (by taxonomy: to say which value it is)
        for taxonomy in dict.fromkeys(kind for kind, _ in terms):
            _check_values(row, f"term.{taxonomy}", [name for kind, name in terms if kind == taxonomy], TERM_LIMIT)
    too_long(row, "repository", related.repository, REPOSITORY_LIMIT)


def _check_values(row: Row, name: str, values: list[str], limit: int) -> None:
    if values and max(map(len, values)) > limit:  # (the common case, all short, in one pass)
        for number, value in enumerate(values, start=1):
            too_long(row, name, value, limit, _nth(number, values))


def _nth(number: int, entries: list) -> str:
    return _("value %(number)s", number=number) if len(entries) > 1 else ""


def unstorable(where: str, names: list[str], cells: list[str]) -> list[str]:
    """The located problems of the cells that hold a character no database column takes
    (models.text: NUL, a lone surrogate), each named by its column."""
    if not refused("".join(cells)):
        return []
    return [
        located(
            where,
            _(
                "%(column)s holds the character U+%(code)s, which the database cannot store: remove it",
                column=names[index] or _("column %(number)s", number=index + 1),
                code=f"{ord(char):04X}",
            ),
        )
        for index, cell in enumerate(cells[: len(names)])
        if refused(cell)
        for char in [next(char for char in cell if refused(char))]
    ]
