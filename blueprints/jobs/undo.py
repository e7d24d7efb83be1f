"""Undo a job: GET the confirmation (what will be put back, what changed since), POST launch it.

Who may: whoever may create the job's type, on their own jobs (administrators: anyone's)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from actors.engine.launching import LaunchConflict, launch
from actors.ledger.plan import SHOWN_ROOTS
from actors.ledger.summary import SHOWN_CONFLICTS, conflict_titles
from actors.ledger.undo import undo
from actors.ledger.undoable import refusal, undone_by
from actors.registry import JOB_TYPES
from blueprints.jobs.blueprint import bp
from blueprints.launched import flash_launched
from extensions import db
from models import Job, User


def may_undo(job: Job, user: User) -> bool:
    job_type = JOB_TYPES.get(job.type)
    return (
        job_type is not None
        and job_type.undoable
        and job_type.may_create(user)
        and (user.is_admin or job.user_id == user.id)
    )


@bp.route("/<int:job_id>/undo", methods=["GET", "POST"])
def undo_job(job_id: int):
    original = Job.get_visible(job_id, current_user)
    if original is None:
        abort(404, description=_("There is no job %(id)s that you can see.", id=job_id))
    if not may_undo(original, current_user):
        abort(403, description=_("Your role does not allow you to undo this job."))
    why = refusal(original)
    plan = None if why else undo(original, None, apply=False)
    if request.method == "POST" and plan is not None:
        partial = request.form.get("partial") == "y"
        if plan.conflicts and not partial:
            flash(_("Some records were changed since: tick “Undo what can be undone” to leave them and undo the rest."),
                  "error")  # fmt: skip
        else:
            try:
                job, sent = launch(
                    "undo_job",
                    user=current_user,
                    description=original.description,
                    parameters={"partial": partial},
                    undo_of_id=job_id,
                )
            except LaunchConflict:  # another Undo of it was launched at the same moment
                why, plan = refusal(db.session.get(Job, job_id)), None
            else:
                flash_launched(job, sent)
                return redirect(url_for("jobs.detail", job_id=job.id))
    closing = undone_by(job_id)
    return render_template(
        "jobs/undo.html",
        job=original,
        why=why,
        plan=plan,
        closing=closing,
        titles=conflict_titles(plan) if plan else {},
        shown_conflicts=SHOWN_CONFLICTS,
        shown_roots=SHOWN_ROOTS,
    )
