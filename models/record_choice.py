"""What a record picker shows of a description: its title, level and identifier, never the slug
alone (issue 27: archivists know their records by title). The slug rides along, as the value the
form sends. The search's suggestions, a job form shown again and the Jobs filter all use these."""

from __future__ import annotations

from collections.abc import Iterable

from models.description import ArchivalDescription, level_label


def record_choice(description: ArchivalDescription) -> dict[str, str]:
    """{slug, title, level, identifier}: static/picker.js writes it "Title — Fonds · PEHC"."""
    return {
        "slug": description.slug,
        "title": description.title,
        "level": str(level_label(description.level_of_description)),
        "identifier": description.identifier or "",
    }


def record_choices(slugs: Iterable[str]) -> list[dict[str, str]]:
    """The choices of the slugs that name a description, in the order given."""
    wanted = list(dict.fromkeys(slugs))
    found = ArchivalDescription.by_slugs(wanted)
    return [record_choice(found[slug]) for slug in wanted if slug in found]
