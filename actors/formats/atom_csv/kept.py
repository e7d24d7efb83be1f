"""The ``keptElements`` column (ours): elements an EAD import kept as they came, written by the
CSV export as JSON so that a CSV round trip keeps them (models.description_parts.KeptElement)."""

from __future__ import annotations

import json

from flask_babel import gettext as _

from models.description_parts import KeptElement


class NotKeptElements(ValueError):
    """The cell is not the JSON list the export writes."""


def kept_from_cell(cell: str) -> list[KeptElement]:
    try:
        entries = json.loads(cell)
    except json.JSONDecodeError as error:
        raise NotKeptElements(
            _("is not JSON (%(error)s, at character %(at)s)", error=error.msg, at=error.pos)
        ) from None
    if not isinstance(entries, list) or not all(_is_entry(entry) for entry in entries):
        raise NotKeptElements(_('is not a JSON list of {"element": ..., "text": ..., "attributes": {...}}'))
    return [KeptElement(entry["element"], entry["text"], dict(entry.get("attributes") or {})) for entry in entries]


def _is_entry(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    attributes = entry.get("attributes") or {}
    element, text = entry.get("element"), entry.get("text")
    return (
        isinstance(element, str) and 0 < len(element) <= 255 and isinstance(text, str)
        and isinstance(attributes, dict) and all(isinstance(v, str) for v in attributes.values())
    )  # fmt: skip
