"""The "undo_job" job type: an Undo run as a job of its own (see actors.ledger.undo).

It takes the tree lock first and only then asks whether the job may still be undone, so two
Undos of one job (or an Undo and a clear) cannot both act on what the other changes; once its
changes are committed it reads nothing another transaction could have deleted, so it ends
Completed."""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField

from actors.engine.context import report_progress, set_info
from actors.jobs.forms import JobForm
from actors.ledger.summary import SHOWN_CONFLICTS, conflict_titles, summary_of
from actors.ledger.undo import undo
from actors.ledger.undoable import UndoRefused, ledger_size, refusal
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
    counts = {"job": original_id, "total": format_decimal(total)}
    undoing = ngettext(
        "Undoing job %(job)s: 0 of %(total)s change...",
        "Undoing job %(job)s: 0 of %(total)s changes...",
        total,
        **counts,
    )
    report_progress(0, total, undoing, unit="changes")
    plan = undo(
        original,
        job_id,
        apply=True,
        on_progress=lambda done: report_progress(done, total, _undone(done, total), unit="changes"),
    )
    if plan.conflicts:
        titles = conflict_titles(plan)
        for conflict_id, reason in plan.conflicts[:SHOWN_CONFLICTS]:
            title = titles.get(conflict_id, conflict_id)
            print(_("Conflict: “%(title)s” (%(id)s): %(reason)s; left as it is.", title=title, id=conflict_id,
                    reason=reason))  # fmt: skip
        more = len(plan.conflicts) - SHOWN_CONFLICTS
        if more > 0:
            print(ngettext("... and %(count)s more conflict.", "... and %(count)s more conflicts.", more,
                           count=format_decimal(more)))  # fmt: skip
        if not partial:
            raise UndoRefused(
                ngettext(
                    "%(count)s record changed since job %(job)s ran: nothing was undone (see the output; “Undo what "
                    "can be undone” leaves them and undoes the rest).",
                    "%(count)s records changed since job %(job)s ran: nothing was undone (see the output; “Undo what "
                    "can be undone” leaves them and undoes the rest).",
                    len(plan.conflicts),
                    count=format_decimal(len(plan.conflicts)),
                    job=original_id,
                )
            )
        if not plan.total:
            raise UndoRefused(
                _("Nothing of job %(job)s could be undone: every record it changed was changed since.", job=original_id)
            )
    summary = _("Undid job %(job)s: %(summary)s.", job=original_id, summary=summary_of(plan))
    db.session.commit()
    print(summary, flush=True)
    set_info(summary)


def _undone(done: int, total: int) -> str:
    return ngettext(
        "Undone %(done)s of %(total)s change...",
        "Undone %(done)s of %(total)s changes...",
        total,
        done=format_decimal(done),
        total=format_decimal(total),
    )


def _locked(original_id: int | None) -> Job | None:
    """The job to undo, its row locked until this Undo ends (PostgreSQL; SQLite's write lock is
    already held): a clear that raced the launch waits, then finds it undone."""
    if original_id is None:
        return None
    db.session.execute(select(Job.id).where(Job.id == original_id).with_for_update())
    return db.session.get(Job, original_id)
