"""A job's details, output download, CSV export, clear, cancel, retry (the list: listing.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import false, select

from actors.engine import clearing, launching, lifecycle
from actors.ledger.undoable import undone_by
from actors.registry import JOB_TYPES, cancelable_by, creatable_by, label_for, retryable_by
from blueprints.formatting import progress_text
from blueprints.inputs import db_int
from blueprints.jobs.blueprint import bp
from blueprints.jobs.bulk import as_confirmed, bulk_confirm
from blueprints.jobs.changes import change_label, ledger_section
from blueprints.jobs.console import for_reader, hide_tracebacks
from blueprints.jobs.export import csv_response
from blueprints.jobs.filters import JobFilter
from blueprints.jobs.listing import TABS
from blueprints.jobs.queries import jobs_for, queue_position
from blueprints.jobs.undo import may_undo
from blueprints.launched import flash_launched
from extensions import db
from models import Job, JobStatus, Schedule


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here needs a logged-in user; anonymous users go to /login?next=..."""


@bp.app_context_processor
def job_helpers() -> dict:
    """What every page may ask; may_create_jobs: whether the navigation offers "Create background
    job" (a viewer, who may create no type, is not sent to a page that answers "not allowed")."""
    return {
        "job_label": label_for,
        "change_label": change_label,
        "may_create_jobs": lambda: bool(creatable_by(current_user)),
    }


def _visible_job_or_404(job_id: int) -> Job:
    job = Job.get_visible(job_id, current_user)
    if job is None:
        abort(404, description=_("There is no job %(id)s that you can see.", id=job_id))
    return job


@bp.get("/<int:job_id>")
def detail(job_id: int):
    job = _visible_job_or_404(job_id)
    job_type = JOB_TYPES.get(job.type)
    closing = undone_by(job.id)  # the Undo that closed it (or is undoing it now)
    return render_template(
        "jobs/detail.html",
        job=job,
        result=job_type.result if job_type else ("file" if job.result_path else "none"),
        parameters=job_type.readable_parameters(job.parameters) if job_type else sorted((job.parameters or {}).items()),
        queue_position=queue_position(job),
        console=for_reader(job.output or ""),
        may_cancel=_may_act_on(job, cancelable_by(current_user)),
        may_retry=_may_act_on(job, retryable_by(current_user)),
        has_form=job_type is not None and not job_type.hidden,  # ("Run again with changes": an Undo has none)
        status_classes={status.label: status.value for status in JobStatus},
        ledger=ledger_section(job.id, request.args.get("changes_page", 1, type=db_int) or 1),
        may_undo=may_undo(job, current_user),
        undone_by=db.session.scalars(select(Job).where(Job.undo_of_id == job.id).order_by(Job.id)).all(),
        closing=closing,
        may_undo_closing=closing is not None and may_undo(closing, current_user),
        schedule=db.session.get(Schedule, job.schedule_id) if job.schedule_id else None,
    )


@bp.get("/<int:job_id>/status.json")
def status(job_id: int):
    """What the details page polls while a job runs.

    With ?offset=N (N = the `offset` of the previous answer), `output` holds only the text
    added since and `reset` is false; when the text before N may have changed (the stored
    output is capped head + tail with a marker) or N is out of range, `output` is the whole
    text and `reset` is true. Without offset: the whole text, as before.
    """
    job = _visible_job_or_404(job_id)
    text = for_reader(job.output or "")
    data = {
        "status": job.status.label,  # in the page's language (job.js maps it back to its status-* class)
        "active": job.is_active,
        "info": job.info or "",
        "output": text,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "progress_percent": job.progress_percent,
        "progress_text": progress_text(job) if job.progress_total else "",
    }
    offset = request.args.get("offset", type=db_int)
    if offset is not None:  # the incremental protocol; plain polls keep the original fields
        reset = not 0 <= offset <= len(text) or job.output_truncated
        data.update(
            output=text if reset else text[offset:], offset=len(text), reset=reset, queue_position=queue_position(job)
        )
    return jsonify(data)


@bp.get("/<int:job_id>/output")
def output(job_id: int):
    """The whole console output as a text file: the log file when there is one."""
    job = _visible_job_or_404(job_id)
    download_name = f"job-{job.id}-output.txt"
    headers = {"Content-Disposition": f"attachment; filename={download_name}"}
    if job.output_path and Path(job.output_path).is_file():
        if current_user.is_admin:
            return send_file(job.output_path, mimetype="text/plain", as_attachment=True, download_name=download_name)
        return Response(hide_tracebacks(_log_lines(Path(job.output_path))), mimetype="text/plain", headers=headers)
    return Response(for_reader(job.output or ""), mimetype="text/plain", headers=headers)


def _log_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="replace") as log:
        yield from log


@bp.get("/export.csv")
def export_csv():
    """The jobs the user may see, narrowed by the page's filters (and tab=active)."""
    filters = JobFilter.from_args(request.args, current_user)
    tab = "active" if request.args.get("tab") == "active" else "all"
    return csv_response(jobs_for(current_user, tab, filters).order_by(Job.id.desc()))


@bp.get("/clear")
def clear_confirm():
    """The one "Clear inactive jobs…": what it deletes, before it does — the inactive jobs the
    page's filters match among those the user sees (an administrator's: saying whose)."""
    return bulk_confirm("clear")


@bp.post("/clear")
def clear():
    """Clear the current user's inactive jobs — never anyone else's, never active ones (the
    contract's route for scripts); with ``upto``, only those a confirmation named."""
    query = Job.inactive_of(current_user.id)
    if "upto" in request.form:  # from the confirmation page: only what it named
        confirmed = as_confirmed(query)
        query = confirmed if confirmed is not None else query.where(false())
    count = clearing.delete_jobs(query)
    if count:
        flash(ngettext("Cleared %(num)d inactive job.", "Cleared %(num)d inactive jobs.", count), "success")
    else:
        flash(_("There are no inactive jobs of yours to clear."), "info")
    return redirect(url_for("jobs.index"))


def _may_act_on(job: Job, allowed_types: list[str]) -> bool:
    """Own jobs (admins: anyone's), of a type the user's role may cancel / launch again."""
    return (current_user.is_admin or job.user_id == current_user.id) and job.type in allowed_types


@bp.route("/<int:job_id>/cancel", methods=["GET", "POST"])
def cancel(job_id: int):
    """GET: the confirmation (what canceling does to this job); POST: cancel it.
    (One rule for both: two rules on one path answered 405 instead of 404 to an id past 64 bits.)"""
    job = _visible_job_or_404(job_id)
    if not _may_act_on(job, cancelable_by(current_user)):
        abort(403, description=_("Your role does not allow you to cancel this job."))
    if request.method == "GET":
        if job.is_active:
            return render_template("jobs/cancel.html", job=job, back=request.args.get("back", ""), tabs=TABS)
        flash(_("Job %(id)s has already ended (%(status)s).", id=job.id, status=job.status.label), "info")
        return redirect(url_for("jobs.detail", job_id=job.id))
    # A running job is canceled cooperatively: it stops at its next checkpoint.
    canceled, requested = lifecycle.cancel([job.id], current_user.username)
    db.session.refresh(job)
    if canceled:
        flash(_("Job %(id)s was canceled; it will not run.", id=job.id), "success")
    elif requested or (job.status == JobStatus.RUNNING and job.cancel_requested_at):
        flash(_("Cancel requested: job %(id)s stops at its next checkpoint.", id=job.id), "success")
    else:
        flash(_("Job %(id)s has already ended (%(status)s).", id=job.id, status=job.status.label), "info")
    back = request.form.get("back", "")  # canceled from a row of the Jobs page: back to that tab
    return redirect(url_for(TABS[back]) if back in TABS else url_for("jobs.detail", job_id=job.id))


@bp.post("/<int:job_id>/retry")
def retry(job_id: int):
    """A new job with the same parameters, linked to the original."""
    job = _visible_job_or_404(job_id)
    if not _may_act_on(job, retryable_by(current_user)):
        abort(403, description=_("Your role does not allow you to launch this job again."))
    if job.status not in (JobStatus.ERROR, JobStatus.CANCELED):
        flash(_("Only jobs that ended in Error or were Canceled can be retried."), "error")
        return redirect(url_for("jobs.detail", job_id=job.id))
    new_job, sent = launching.retry(job, current_user)
    flash_launched(new_job, sent)
    return redirect(url_for("jobs.detail", job_id=new_job.id))
