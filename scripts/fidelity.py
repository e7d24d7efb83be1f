"""How much of a source file's description comes back in our export: measured against the file
itself, not against our own first export (a round trip of what we kept says nothing of what we
dropped on the way in).

EAD: every word of the text under ``archdesc`` (its headings aside) and of the attributes an
archivist reads (a container's type and label, a unitid's label), looked for in the words of our
EAD export; a word of the source not found there is lost, and is counted against the element
that held it. AtoM CSV: every non-empty cell, looked for in the same row and column of our CSV
export.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

WORD = re.compile(r"\w+")
HEADINGS = {"head"}
EXAMPLES = 8  # lost words (or cells) shown per element
# (EAD3 names a type ``localtype`` and a barcode ``containerid``)
READ_ATTRIBUTES = {"container": ("type", "localtype", "label", "containerid"), "unitid": ("label",)}


@dataclass
class Fidelity:
    """What a file kept: words (or cells) found in the export, of how many; what was lost, by element."""

    kept: int = 0
    total: int = 0
    lost: Counter[str] = field(default_factory=Counter)  # element (or column) -> words (or cells) lost
    examples: dict[str, list[str]] = field(default_factory=dict)  # element -> a few lost words

    @property
    def share(self) -> float:
        return 100.0 if not self.total else 100.0 * self.kept / self.total

    def lose(self, where: str, example: str) -> None:
        """One word (or cell) of ``where`` not found in the export; a few distinct ones are kept."""
        self.lost[where] += 1
        examples = self.examples.setdefault(where, [])
        if len(examples) < EXAMPLES and example not in examples:
            examples.append(example)

    def lost_lines(self) -> list[str]:
        """'scopecontent: 120 words (e.g. harbour, minutes, ...)', the most lost first."""
        return [
            f"{element}: {count:,} lost (e.g. {', '.join(self.examples.get(element, []))})"
            for element, count in self.lost.most_common()
        ]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def ead_words(path: Path) -> Iterator[tuple[str, str]]:
    """(word, the element holding it) of everything under archdesc, in document order."""
    from actors.formats.xml_safety import safe_iterparse

    stack: list[str] = []
    archdesc_depth: int | None = None  # where archdesc is in the stack, while inside it
    with path.open("rb") as source:
        for event, element in safe_iterparse(source):
            name = _local(element.tag)
            if event == "start":
                stack.append(name)
                if name == "archdesc" and archdesc_depth is None:
                    archdesc_depth = len(stack)
                if archdesc_depth is not None:
                    for attribute in READ_ATTRIBUTES.get(name, ()):
                        yield from (
                            (w.casefold(), f"{name}/@{attribute}") for w in WORD.findall(element.get(attribute) or "")
                        )
                continue
            if archdesc_depth is not None and not HEADINGS.intersection(stack):
                yield from ((w.casefold(), name) for w in WORD.findall(element.text or ""))
            if archdesc_depth is not None and len(stack) > archdesc_depth and not HEADINGS.intersection(stack[:-1]):
                yield from ((w.casefold(), stack[-2]) for w in WORD.findall(element.tail or ""))  # the parent's text
            if name == "archdesc" and len(stack) == archdesc_depth:
                archdesc_depth = None
            stack.pop()
            element.clear()


def measure_ead(source: Path, exports: Iterable[Path]) -> Fidelity:
    """Each word of the source looked for among the export's words, each export word used once."""
    found: Counter[str] = Counter(word for exported in exports for word, _ in ead_words(exported))
    fidelity = Fidelity()
    for word, element in ead_words(source):
        fidelity.total += 1
        if found[word] > 0:
            found[word] -= 1
            fidelity.kept += 1
        else:
            fidelity.lose(element, word)
    return fidelity


def measure_csv(source_rows: list[dict[str, str]], exported_rows: list[dict[str, str]]) -> Fidelity:
    """Each non-empty cell of the source against the same row and column of the export."""
    fidelity = Fidelity()
    for number, row in enumerate(source_rows):
        exported = exported_rows[number] if number < len(exported_rows) else {}
        for column, value in row.items():
            if not column or not (value or "").strip():
                continue
            fidelity.total += 1
            if exported.get(column, "") == value:
                fidelity.kept += 1
            else:
                fidelity.lose(column, f"row {number + 1}: {value[:40]!r}")
    return fidelity
