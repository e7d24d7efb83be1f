"""How a note's structure is kept in its text: paragraphs apart by a blank line, and a list as
one block of lines that each start with "- " (EAD's <list>, <defitem> and <chronlist> as
"- item", "- label: item", "- date: event"). Plain text that CSV, the page, the finding aid
and the EAD export all read the same way."""

from __future__ import annotations

import re

ITEM = "- "
_BLOCKS = re.compile(r"\n\s*\n")


def note_blocks(text: str | None) -> list[tuple[str, str | list[str]]]:
    """("p", paragraph) and ("list", [item, ...]) in order."""
    blocks: list[tuple[str, str | list[str]]] = []
    for block in _BLOCKS.split(text or ""):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(ITEM) for line in lines):
            blocks.append(("list", [line[len(ITEM) :].strip() for line in lines]))
        else:
            blocks.append(("p", block.strip()))
    return blocks


def list_block(items: list[str]) -> str:
    return "\n".join(f"{ITEM}{item}" for item in items if item)
