"""What an Undo's plan says to people: its summary line, the vocabulary it removed or put back,
the titles of the records it left alone. The job's output, the CLI and the confirmation page all
say it the same way."""

from __future__ import annotations

from collections.abc import Mapping

from actors.ledger.plan import UndoPlan
from actors.wording import plural
from models import ArchivalDescription as D

SHOWN_CONFLICTS = 20  # named in the output and on the confirmation page


def summary_of(plan: UndoPlan) -> str:
    """'12 restored, 4,999 deleted, 1 moved back, 2 conflicts left as they are'."""
    parts = [
        f"{count:,} {word}"
        for count, word in (
            (plan.restored, "restored"),
            (plan.deleted, "deleted"),
            (plan.recreated, "created again"),
            (plan.moved, "moved back"),
        )
        if count
    ]
    if plan.vocabulary_removed:
        parts.append(f"{vocabulary_words(plan.vocabulary_removed)} it added removed (used by nothing else)")
    if plan.vocabulary_restored:
        parts.append(f"{vocabulary_words(plan.vocabulary_restored)} put back")
    if plan.conflicts:
        parts.append(f"{plural(len(plan.conflicts), 'conflict')} left as they are")
    return ", ".join(parts) or "nothing to undo"


VOCABULARY_WORDS = {
    "levels_of_description": ("level of description", "levels of description"),
    "terms": ("term", "terms"),
    "repositories": ("repository", "repositories"),
    "authority_records": ("authority record", "authority records"),
    "containers": ("container", "containers"),
}


def vocabulary_words(counts: Mapping[str, int]) -> str:
    """'80 authority records, 30 terms and 1 repository'."""
    words = [plural(count, *VOCABULARY_WORDS[table]) for table, count in counts.items() if count]
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]]))


def conflict_titles(plan: UndoPlan) -> dict[int, str]:
    shown = [record_id for record_id, _ in plan.conflicts[:SHOWN_CONFLICTS]]
    return {**{i: plan.gone_titles[i] for i in shown if i in plan.gone_titles}, **D.titles_of(shown)}
