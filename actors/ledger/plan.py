"""What an Undo will do (its preview) or did: counts, the sub-trees it deletes or inserts again
by their top records' titles, and the conflicts it leaves."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

SHOWN_ROOTS = 5  # sub-trees named on the confirmation page


@dataclass
class Subtree:
    """A record an Undo deletes or inserts again with everything under it (named on the page)."""

    id: int
    title: str
    descendants: int


@dataclass
class UndoPlan:
    restored: int = 0  # records whose fields go back
    moved: int = 0  # records moved back
    deleted: int = 0  # records the job created, deleted
    recreated: int = 0  # records an Undo deleted, inserted again
    conflicts: list[tuple[int, str]] = field(default_factory=list)  # (description id, why)
    deleted_roots: list[Subtree] = field(default_factory=list)  # the first SHOWN_ROOTS
    deleted_root_count: int = 0
    recreated_roots: list[Subtree] = field(default_factory=list)  # the first SHOWN_ROOTS
    recreated_root_count: int = 0
    gone_titles: dict[int, str] = field(default_factory=dict)  # titles of conflicting records no longer there
    # vocabulary rows (levels, terms, repositories, authority records, containers) by table: what
    # the job added and goes if nothing else uses it (a preview: all it added), what comes back
    vocabulary_removed: Counter[str] = field(default_factory=Counter)
    vocabulary_restored: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.restored + self.moved + self.deleted + self.recreated

    def conflict(self, record_id: int, why: str, title: str | None = None) -> None:
        self.conflicts.append((record_id, why))
        if title:
            self.gone_titles[record_id] = title
