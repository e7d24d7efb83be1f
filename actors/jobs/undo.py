"""The "undo_job" job type: an Undo run as a job of its own (see actors.ledger.undo).

It takes the tree lock first and only then asks whether the job may still be undone, so two
Undos of one job (or an Undo and a clear) cannot both act on what the other changes; once its
changes are committed it reads nothing another transaction could have deleted, so it ends
Completed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField

from actors.engine.context import report_progress, set_info
from actors.jobs.forms import JobForm
from actors.ledger.summary import SHOWN_CONFLICTS, conflict_titles, summary_of
from actors.ledger.undo import undo
from actors.ledger.undoable import UndoRefused, ledger_size, refusal
from actors.wording import plural
from extensions import db
from models import Job
from models.tree import lock_tree


class UndoForm(JobForm):
    """Never shown (an Undo is launched from the job it undoes): it names the choice made there,
    on the Undo's own page."""

    partial = BooleanField(_l("Undo what can be undone (leave the records changed since)"))


def undo_job(job_id: int) -> None:
    """The "undo_job" actor: undo job.undo_of_id, all or nothing unless parameters["partial"]."""
    job = Job.get_existing(job_id)
    original_id, partial = job.undo_of_id, bool((job.parameters or {}).get("partial"))
    record_id = db.session.scalar(select(Job.description_id).where(Job.id == original_id)) if original_id else None
    lock_tree(record_id or 0, exclusive=True)  # moves and deletes renumber the tree
    original = _locked(original_id)
    why = refusal(original, besides=job_id)
    if why:
        raise UndoRefused(why)
    assert original is not None
    assert original_id is not None
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
