"""The "undo_job" job type: an Undo run as a job of its own (see actors.changes.undo)."""

from __future__ import annotations

from actors.changes.undo import UndoPlan, UndoRefused, ledger_size, refusal, undo
from actors.engine.context import report_progress, set_info
from actors.tree_jobs import lock_tree, plural
from extensions import db
from models import ArchivalDescription as D
from models import Job

SHOWN_CONFLICTS = 20  # named in the output and on the confirmation page


def undo_job(job_id: int) -> None:
    """The "undo_job" actor: undo job.undo_of_id, all or nothing unless parameters["partial"]."""
    job = db.session.get(Job, job_id)
    original = db.session.get(Job, job.undo_of_id) if job.undo_of_id else None
    why = refusal(original)
    if why:
        raise UndoRefused(why)
    assert original is not None
    partial = bool((job.parameters or {}).get("partial"))
    lock_tree(original.description_id or 0, exclusive=True)  # moves and deletes renumber the tree
    total = ledger_size(original.id)
    report_progress(0, total, f"Undoing job {original.id}: 0 of {plural(total, 'change')}...", unit="changes")
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
        for record_id, reason in plan.conflicts[:SHOWN_CONFLICTS]:
            print(f"Conflict: “{titles.get(record_id, record_id)}” ({record_id}): {reason}; left as it is.")
        if len(plan.conflicts) > SHOWN_CONFLICTS:
            print(f"... and {len(plan.conflicts) - SHOWN_CONFLICTS:,} more conflicts.")
        if not partial:
            raise UndoRefused(
                f"{plural(len(plan.conflicts), 'record')} changed since job {original.id} ran: nothing was undone "
                "(see the output; “Undo what can be undone” leaves them and undoes the rest)."
            )
    db.session.commit()
    summary = f"Undid job {original.id}: {summary_of(plan)}"
    print(summary + ".", flush=True)
    set_info(summary + ".")


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
    if plan.conflicts:
        parts.append(f"{plural(len(plan.conflicts), 'conflict')} left as they are")
    return ", ".join(parts) or "nothing to undo"


def conflict_titles(plan: UndoPlan) -> dict[int, str]:
    return D.titles_of(record_id for record_id, _ in plan.conflicts[:SHOWN_CONFLICTS])
