"""The "undo_job" job type: an Undo run as a job of its own (see actors.changes.undo).

It takes the tree lock first and only then asks whether the job may still be undone, so two
Undos of one job (or an Undo and a clear) cannot both act on what the other changes; once its
changes are committed it reads nothing another transaction could have deleted, so it ends
Completed."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from actors.changes.plan import UndoPlan
from actors.changes.undo import undo
from actors.changes.undoable import UndoRefused, ledger_size, refusal
from actors.engine.context import report_progress, set_info
from actors.tree_jobs import lock_tree, plural
from extensions import db
from models import ArchivalDescription as D
from models import Job

SHOWN_CONFLICTS = 20  # named in the output and on the confirmation page


def undo_job(job_id: int) -> None:
    """The "undo_job" actor: undo job.undo_of_id, all or nothing unless parameters["partial"]."""
    job = db.session.get(Job, job_id)
    original_id, partial = job.undo_of_id, bool((job.parameters or {}).get("partial"))
    record_id = db.session.scalar(select(Job.description_id).where(Job.id == original_id)) if original_id else None
    lock_tree(record_id or 0, exclusive=True)  # moves and deletes renumber the tree
    original = _locked(original_id)
    why = refusal(original, besides=job_id)
    if why:
        raise UndoRefused(why)
    assert original is not None and original_id is not None
    total = ledger_size(original_id)
    report_progress(0, total, f"Undoing job {original_id}: 0 of {plural(total, 'change')}...", unit="changes")
    plan = undo(
        original,
        job_id,
        apply=True,
        on_progress=lambda done: report_progress(
            done, total, f"Undone {done:,} of {total:,} changes...", unit="changes"
        ),
    )
    if plan.conflicts:
        titles = conflict_titles(plan)
        for conflict_id, reason in plan.conflicts[:SHOWN_CONFLICTS]:
            print(f"Conflict: “{titles.get(conflict_id, conflict_id)}” ({conflict_id}): {reason}; left as it is.")
        if len(plan.conflicts) > SHOWN_CONFLICTS:
            print(f"... and {len(plan.conflicts) - SHOWN_CONFLICTS:,} more conflicts.")
        if not partial:
            raise UndoRefused(
                f"{plural(len(plan.conflicts), 'record')} changed since job {original_id} ran: nothing was undone "
                "(see the output; “Undo what can be undone” leaves them and undoes the rest)."
            )
        if not plan.total:
            raise UndoRefused(
                f"Nothing of job {original_id} could be undone: every record it changed was changed since."
            )
    summary = f"Undid job {original_id}: {summary_of(plan)}."
    db.session.commit()
    print(summary, flush=True)
    set_info(summary)


def _locked(original_id: int | None) -> Job | None:
    """The job to undo, its row locked until this Undo ends (PostgreSQL; SQLite's write lock is
    already held): a clear that raced the launch waits, then finds it undone."""
    if original_id is None:
        return None
    db.session.execute(select(Job.id).where(Job.id == original_id).with_for_update())
    return db.session.get(Job, original_id)


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
