"""Levels of description as EAD 2002 writes them, both ways: its own level names
(collection, recordgrp, ...) for the levels it knows, otherlevel with the name for the others."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

# Level of description (its key) -> the level EAD names itself; any other is otherlevel="<its name>".
EAD_LEVELS = {"collection": "collection", "fonds": "fonds", "class": "class", "record group": "recordgrp",
              "series": "series", "subfonds": "subfonds", "subgroup": "subgrp", "subseries": "subseries",
              "file": "file", "item": "item"}  # fmt: skip
LEVEL_OF_EAD = {ead: key.capitalize() for key, ead in EAD_LEVELS.items()}
OTHER_LEVEL = "Other level"  # level="otherlevel" with no otherlevel name


def level_of(component: Element) -> str:
    """EAD's level as a level of description: its own names (collection, recordgrp, ...) as
    the vocabulary's, otherlevel as its @otherlevel ("Piece"); any other value as written."""
    level = " ".join((component.get("level") or "").split())
    if level.lower() == "otherlevel":
        return " ".join((component.get("otherlevel") or "").replace("_", " ").split()) or OTHER_LEVEL
    return LEVEL_OF_EAD.get(level.lower(), level)


def otherlevel_token(name: str) -> str:
    """A level name as EAD's otherlevel, an NMTOKEN: spaces (and anything else an NMTOKEN cannot
    hold) as "_", read back as spaces; nothing for "Other level", otherlevel without a name."""
    return "" if name == OTHER_LEVEL else re.sub(r"[^\w.:-]+", "_", name.strip())
