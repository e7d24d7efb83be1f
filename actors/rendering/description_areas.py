"""A description by ISAD(G) area, as the page and the full finding aid show it: only the
fields that are filled, in the standard's order, with their ISAD(G) names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from actors.rendering.kept_fields import is_shown, kept_area, kept_label
from actors.rendering.language_names import language_names, script_names
from actors.rendering.other_fields import other_fields
from models import AuthorityRecord
from models.description import ArchivalDescription
from models.description_parts import Related


@dataclass
class Field:
    label: Any  # lazy: translated where shown
    text: str | None = None  # one text (paragraphs kept)
    items: list[tuple[str, str | None]] | None = None  # several values: (text, authority slug or None)


def _texts(row: ArchivalDescription, *pairs: tuple[str, Any]) -> list[Field]:
    return [Field(label, text=getattr(row, name)) for name, label in pairs if getattr(row, name)]


def _items(label: Any, values: list[str], slugs: dict[str, str] | None = None) -> list[Field]:
    return [Field(label, items=[(value, (slugs or {}).get(value)) for value in values])] if values else []


def _histories(creators: Sequence[AuthorityRecord]) -> list[Field]:
    """ISAD(G) 3.2.2, from the creators' authority records: named by creator when there are several."""
    several = len(creators) > 1
    return [
        Field(
            _l("Administrative / biographical history: %(name)s", name=c.authorized_name)
            if several
            else _l("Administrative / biographical history"),
            text=c.history,
        )
        for c in creators
        if c.history
    ]


def areas(
    row: ArchivalDescription, related: Related, level_name: str, creators: Sequence[AuthorityRecord] = ()
) -> list[tuple[Any, list[Field]]]:
    """(area title, its filled fields) for each area with something in it; creators (the finding
    aid's) add their histories to the context area."""
    names = [e["actor"] for e in related.events if e.get("actor")]
    dates = [f"{e['date_text'] or ''} ({e['event_type']})".strip() for e in related.events if e.get("date_text")]
    notes = {kind: [text for note_type, text in related.notes if note_type == kind] for kind in ("general",
             "publication", "archivist")}  # fmt: skip
    terms = {kind: [name for taxonomy, name in related.terms if taxonomy == kind] for kind in ("subject", "place",
             "genre")}  # fmt: skip
    found = [
        (_l("Identity area"), [
            *_texts(row, ("identifier", _l("Reference code"))),
            *_items(_l("Alternative identifiers"), [f"{label}: {value}" if label else value
                                                      for label, value in related.alternative_ids]),
            Field(_l("Title"), text=row.title),
            *(_items(_l("Date(s)"), dates) if dates else _texts(row, ("dates", _l("Date(s)")))),
            Field(_l("Level of description"), text=level_name),
            *_texts(row, ("extent_and_medium", _l("Extent and medium"))),
        ]),
        (_l("Context area"), [
            *_items(_l("Name of creator(s)"), list(dict.fromkeys(names)), related.authority_slugs),
            *_histories(creators),
            *([Field(_l("Repository"), text=related.repository)] if related.repository else []),
            *_texts(row, ("archival_history", _l("Archival history")),
                    ("acquisition", _l("Immediate source of acquisition or transfer"))),
        ]),
        (_l("Content and structure area"), _texts(
            row, ("scope_and_content", _l("Scope and content")),
            ("appraisal", _l("Appraisal, destruction and scheduling")), ("accruals", _l("Accruals")),
            ("arrangement", _l("System of arrangement")))),
        (_l("Conditions of access and use area"), [
            *_texts(row, ("access_conditions", _l("Conditions governing access")),
                    ("reproduction_conditions", _l("Conditions governing reproduction"))),
            *_items(_l("Language of material"), language_names(row.languages)),
            *_items(_l("Script of material"), script_names(row.scripts)),
            *_texts(row, ("language_note", _l("Language and script notes")),
                    ("physical_characteristics", _l("Physical characteristics and technical requirements")),
                    ("finding_aids", _l("Finding aids"))),
        ]),
        (_l("Allied materials area"), [
            *_texts(row, ("location_of_originals", _l("Existence and location of originals")),
                    ("location_of_copies", _l("Existence and location of copies")),
                    ("related_units_of_description", _l("Related units of description"))),
            *_items(_l("Publication notes"), notes["publication"]),
        ]),
        (_l("Notes area"), _items(_l("Notes"), notes["general"])),
        (_l("Access points"), [
            *_items(_l("Subject access points"), terms["subject"]),
            *_items(_l("Place access points"), terms["place"]),
            *_items(_l("Name access points"), related.names, related.authority_slugs),
            *_items(_l("Genre access points"), terms["genre"]),
        ]),
        (_l("Description control area"), [
            *_texts(row, ("description_identifier", _l("Description identifier")),
                    ("institution_identifier", _l("Institution identifier")),
                    ("rules", _l("Rules or conventions")), ("description_status", _l("Status")),
                    ("level_of_detail", _l("Level of detail")),
                    ("revision_history", _l("Dates of creation, revision and deletion"))),
            *_items(_l("Language(s) of description"), language_names(row.description_languages)),
            *_items(_l("Script(s) of description"), script_names(row.description_scripts)),
            *_texts(row, ("sources", _l("Sources"))),
            *_items(_l("Archivist's notes"), notes["archivist"]),
        ]),
    ]  # fmt: skip
    for other in other_fields(row.other_fields):  # (columns kept as they came: actors.rendering.other_fields)
        items: list[tuple[str, str | None]] = [(item, None) for item in other.items]
        found[other.area][1].append(Field(other.label, text=other.text, items=items or None))
    for kept in filter(is_shown, related.kept):  # (in the area closest to what they hold: actors.rendering.kept_fields)
        found[kept_area(kept)][1].append(Field(kept_label(kept), text=kept.text))
    return [(title, fields) for title, fields in found if fields]
