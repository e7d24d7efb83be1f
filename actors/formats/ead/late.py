"""Parts of a component written after its children (notes after <dsc>, as Mnesys and others write
them; text inside <dsc> itself). The reader emits a component when its first child starts, so
these are read in the planning pass (which reads every part anyway) and joined to the component
when the full pass emits it: none is lost, and memory stays flat (only such parts are held)."""

from __future__ import annotations

from actors.formats.ead.events import attach_history
from actors.formats.rows import Row
from models.description_parts import KeptElement

_LINKS = ("digital_object_uri", "digital_object_path")


def join_late(row: Row, late: Row) -> None:
    """What ``late`` read joins ``row``: a field it already has gains the late paragraphs."""
    for name, value in late.raw.items():
        before = row.raw.get(name)
        if before and name in _LINKS:  # (a second link: kept as a link, as a <daogrp>'s others are)
            row.related.kept.append(KeptElement("did/dao", value, {"href": value}))
        else:
            row.raw[name] = f"{before}\n\n{value}" if before else value
            row.sources.setdefault(name, late.sources.get(name, (late.where, "")))
    held, more = row.related, late.related
    held.notes.extend(more.notes)
    held.kept.extend(  # (a history read apart from its creators: theirs, when it can be told whose)
        kept for kept in more.kept if not (kept.element == "bioghist" and attach_history(row, kept.text, kept.text))
    )
    held.terms.extend(more.terms)
    held.names.extend(more.names)
    for column, value in more.other.items():  # (RAD's columns: actors.formats.ead.rad)
        before = held.other.get(column)
        held.other[column] = f"{before}\n\n{value}" if before else value
    row.warnings.extend(late.warnings)
