"""Unique slugs for a batch of new descriptions (or authority records), with a few IN queries per batch.

Why not ``unique_slug`` per row: that is a LIKE query per row (no index on most collations)
and it cannot see the other rows of the same batch. Here the first try for a title is its
plain slug; later tries look at windows of numbered slugs (``-2``, ``-3``, ...) at once, and
the next free number per slug is remembered for the rest of the import.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute

from extensions import db
from models.description import ArchivalDescription as D
from models.description import slugify

WINDOW = 16
PARAMETERS_PER_QUERY = 900  # stays under every database's limit on bound parameters


class SlugAllocator:
    def __init__(self, column: InstrumentedAttribute[str] = D.slug) -> None:
        self.column = column  # the unique slug column of the table the slugs are for
        self.next_number: dict[str, int] = {}  # slug -> next numbered suffix worth trying

    def assign(self, titles: list[str]) -> list[str]:
        bases = [slugify(title) for title in titles]
        chosen: list[str] = [""] * len(titles)
        used: set[str] = set()
        pending = list(range(len(titles)))
        while pending:
            wanted = Counter(bases[i] for i in pending)
            windows = {base: self._window(base, count) for base, count in wanted.items()}
            taken = self._existing({slug for window in windows.values() for slug in window})
            retry = []
            for i in pending:
                base = bases[i]
                free = next((slug for slug in windows[base] if slug not in taken and slug not in used), None)
                if free is None:
                    retry.append(i)
                    continue
                used.add(free)
                chosen[i] = free
                self._note(base, free)
            for base, window in windows.items():  # a window with nothing left: move past it
                if all(slug in taken or slug in used for slug in window):
                    self.next_number[base] = max(self.next_number.get(base, 2), self._number(base, window[-1]) + 1)
            pending = retry
        return chosen

    def _window(self, base: str, wanted: int) -> list[str]:
        """The next slugs worth trying for ``wanted`` rows: the plain one first, then numbered ones."""
        size = min(wanted + 1, WINDOW)
        if base not in self.next_number:
            return [base] + [f"{base}-{n}" for n in range(2, size)] if wanted > 1 else [base]
        start = self.next_number[base]
        return [f"{base}-{n}" for n in range(start, start + size)]

    def _note(self, base: str, slug: str) -> None:
        self.next_number[base] = max(self.next_number.get(base, 2), self._number(base, slug) + 1)

    @staticmethod
    def _number(base: str, slug: str) -> int:
        return 1 if slug == base else int(slug[len(base) + 1 :])

    def _existing(self, candidates: set[str]) -> set[str]:
        """Which candidates are taken. PostgreSQL: one array parameter; others: IN lists in chunks."""
        ordered = sorted(candidates)
        if db.engine.dialect.name == "postgresql":
            wanted = bindparam("slugs", ordered, type_=ARRAY(String))
            return set(db.session.scalars(select(self.column).where(self.column == any_(wanted))))
        taken: set[str] = set()
        for start in range(0, len(ordered), PARAMETERS_PER_QUERY):
            chunk = ordered[start : start + PARAMETERS_PER_QUERY]
            taken.update(db.session.scalars(select(self.column).where(self.column.in_(chunk))))
        return taken
