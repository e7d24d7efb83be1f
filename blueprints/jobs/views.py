"""Jobs page (All / Active), details, output download, CSV export, clear, cancel, retry."""
from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import update

from actors.jobs import launch
from actors.registry import label_for
from blueprints.jobs import bp
from blueprints.jobs.export import csv_response
from blueprints.jobs.queries import delete_jobs, health, jobs_for
from extensions import db
from models import Job, JobStatus
from models.base import utcnow


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here needs a logged-in user; anonymous users go to /login?next=..."""


@bp.app_context_processor
def job_helpers() -> dict:
    return {"job_label": label_for}


def _list(tab: str):
    pagination = db.paginate(
        jobs_for(current_user, tab), per_page=current_app.config["JOBS_PER_PAGE"], error_out=False
    )
    context = {
        "tab": tab,
        "pagination": pagination,
        "health": health(),
        "auto_refresh": request.args.get("autorefresh") == "1",
    }
    if request.args.get("partial") == "1":
        return render_template("jobs/_table.html", **context)
    return render_template("jobs/index.html", **context)


@bp.get("/")
def index():
    return _list("all")


@bp.get("/active")
def active():
    return _list("active")


def _visible_job_or_404(job_id: int) -> Job:
    job = Job.get_visible(job_id, current_user)
    if job is None:
        abort(404, description=f"There is no job {job_id} that you can see.")
    return job


@bp.get("/<int:job_id>")
def detail(job_id: int):
    return render_template("jobs/detail.html", job=_visible_job_or_404(job_id))


@bp.get("/<int:job_id>/status.json")
def status(job_id: int):
    """What the details page polls while a job runs."""
    job = _visible_job_or_404(job_id)
    return jsonify(
        status=job.status.label,
        active=job.is_active,
        info=job.info or "",
        output=job.output or "",
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        progress_percent=job.progress_percent,
    )


@bp.get("/<int:job_id>/output")
def output(job_id: int):
    """The whole console output as a text file: the log file when there is one."""
    job = _visible_job_or_404(job_id)
    download_name = f"job-{job.id}-output.txt"
    if job.output_path and Path(job.output_path).is_file():
        return send_file(job.output_path, mimetype="text/plain", as_attachment=True, download_name=download_name)
    headers = {"Content-Disposition": f"attachment; filename={download_name}"}
    return Response(job.output or "", mimetype="text/plain", headers=headers)


@bp.get("/export.csv")
def export_csv():
    return csv_response(Job.visible_to(current_user).order_by(Job.id.desc()))


@bp.post("/clear")
def clear():
    """Clear the current user's inactive jobs — never anyone else's, never active ones."""
    count = delete_jobs(Job.inactive_of(current_user.id))
    if count:
        flash(f"Cleared {count} inactive job{'s' if count != 1 else ''}.", "success")
    else:
        flash("There are no inactive jobs of yours to clear.", "info")
    return redirect(url_for("jobs.index"))


def _may_manage(job: Job) -> bool:
    return current_user.is_admin or job.user_id == current_user.id


@bp.post("/<int:job_id>/cancel")
def cancel(job_id: int):
    job = _visible_job_or_404(job_id)
    if not _may_manage(job):
        abort(403)
    canceled = db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.QUEUED)
        .values(
            status=JobStatus.CANCELED,
            finished_at=utcnow(),
            info=f"Canceled by {current_user.username}.",
            canceled_by=current_user.username,
        )
    ).rowcount
    # A running job is canceled cooperatively: it stops at its next checkpoint.
    requested = 0 if canceled else db.session.execute(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.RUNNING, Job.cancel_requested_at.is_(None))
        .values(cancel_requested_at=utcnow(), canceled_by=current_user.username)
    ).rowcount
    db.session.commit()
    db.session.refresh(job)
    if canceled:
        flash(f"Job {job.id} was canceled; it will not run.", "success")
    elif requested or (job.status == JobStatus.RUNNING and job.cancel_requested_at):
        flash(f"Cancel requested: job {job.id} stops at its next checkpoint.", "success")
    else:
        flash(f"Job {job.id} has already ended ({job.status.label}).", "info")
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.post("/<int:job_id>/retry")
def retry(job_id: int):
    """A new job with the same parameters, linked to the original."""
    job = _visible_job_or_404(job_id)
    if not _may_manage(job):
        abort(403)
    if job.status not in (JobStatus.ERROR, JobStatus.CANCELED):
        flash("Only jobs that ended in Error or were Canceled can be retried.", "error")
        return redirect(url_for("jobs.detail", job_id=job.id))
    new_job, sent = launch(
        job.type, user=current_user, description=job.description, parameters=dict(job.parameters),
        retry_of_id=job.id,
    )
    flash_launched(new_job, sent)
    return redirect(url_for("jobs.detail", job_id=new_job.id))


def flash_launched(job: Job, sent: bool) -> None:
    """The message after launching a job, honest about a queue that is down."""
    link = Markup('<a href="{}">job {}</a> ({})').format(url_for("jobs.detail", job_id=job.id), job.id, label_for(job.type))
    if sent:
        flash(Markup("Launched {}. Follow it on the Jobs page.").format(link), "success")
    else:
        flash(
            Markup(
                "Saved {}, but the job queue is not reachable right now: it will start as soon as the queue is back."
            ).format(link),
            "warning",
        )
