"""The Schedules page: recurring jobs with their next and last run; pause, resume, Run now and
delete. Administrators see every schedule, others who may create jobs their own."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from actors.engine import scheduling
from actors.engine.launching import launch_scheduled
from actors.registry import creatable_by, label_for
from blueprints.launched import flash_launched
from extensions import db
from models import Schedule
from models.base import utcnow
from models.schedule import RETENTION_TYPE

bp = Blueprint("schedules", __name__, url_prefix="/schedules")


@bp.before_request
@login_required
def _may_schedule():
    """Only those who may create jobs have schedules (the navigation offers the page to them)."""
    if not creatable_by(current_user):
        abort(403, description=_("Your role does not allow you to create jobs, nor to schedule them."))


def _visible_or_404(schedule_id: int) -> Schedule:
    schedule = db.session.get(Schedule, schedule_id)
    if schedule is None or not (current_user.is_admin or schedule.user_id == current_user.id):
        abort(404, description=_("There is no schedule %(id)s that you can see.", id=schedule_id))
    return schedule


def _label(type_key: str) -> str:
    """A job type's label; what the built-in retention does, for its own schedule."""
    if type_key == RETENTION_TYPE:
        return _("Prune old jobs (JOBS_RETENTION_DAYS), archived first")
    return str(label_for(type_key))


@bp.get("/")
def index():
    schedules = Schedule.listed(current_user)
    return render_template(
        "schedules/index.html",
        rows=[(schedule, schedule.last_job()) for schedule in schedules],
        label_for=_label,
        site_zone=current_app.config["SITE_TIMEZONE"],
    )


@bp.post("/<int:schedule_id>/pause")
def pause(schedule_id: int):
    schedule = _visible_or_404(schedule_id)
    scheduling.set_paused(schedule, True, utcnow())
    flash(_("Paused “%(name)s”: it launches nothing until it is resumed.", name=schedule.name), "success")
    return redirect(url_for("schedules.index"))


@bp.post("/<int:schedule_id>/resume")
def resume(schedule_id: int):
    schedule = _visible_or_404(schedule_id)
    scheduling.set_paused(schedule, False, utcnow())
    flash(_("Resumed “%(name)s”.", name=schedule.name), "success")
    return redirect(url_for("schedules.index"))


@bp.post("/<int:schedule_id>/run")
def run_now(schedule_id: int):
    """Launch its job now, once, as its owner; its next run does not move."""
    schedule = _visible_or_404(schedule_id)
    try:
        scheduling.schedulable(schedule.type, schedule.user)
    except scheduling.ScheduleError as error:
        flash(_("Not run: %(reason)s", reason=error), "error")
        return redirect(url_for("schedules.index"))
    job, sent = launch_scheduled(schedule, utcnow())
    flash_launched(job, sent)
    return redirect(url_for("schedules.index"))


@bp.route("/<int:schedule_id>/delete", methods=["GET", "POST"])
def delete(schedule_id: int):
    """GET: the confirmation; POST: delete it (its jobs stay)."""
    schedule = _visible_or_404(schedule_id)
    if request.method == "GET":
        return render_template("schedules/delete.html", schedule=schedule, label_for=_label)
    name = schedule.name
    scheduling.remove(schedule)
    flash(_("Deleted the schedule “%(name)s”; the jobs it launched stay.", name=name), "success")
    return redirect(url_for("schedules.index"))
