""" "Create background job": the menu of types a user may create, and a form per type."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from actors.engine.launching import launch
from actors.registry import JOB_TYPES, JobType, creatable_by
from blueprints.jobs.blueprint import bp
from blueprints.launched import flash_launched


def _creatable_or_abort(type_key: str) -> JobType:
    """Unknown type: 404. Known but not this user's to create: 403 (checked on GET and POST)."""
    job_type = JOB_TYPES.get(type_key)
    if job_type is None:
        abort(404, description=_("There is no job type “%(type)s”.", type=type_key))
    if not job_type.may_create(current_user):
        abort(403, description=_("You may not create “%(label)s” jobs.", label=job_type.label))
    return job_type


@bp.get("/new")
def new():
    return render_template("jobs/new.html", job_types=creatable_by(current_user))


@bp.route("/new/<type_key>", methods=["GET", "POST"])
def new_of_type(type_key: str):
    job_type = _creatable_or_abort(type_key)
    form = job_type.form()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("jobs/new_form.html", job_type=job_type, form=form), status
    description, parameters = form.job_arguments()
    job, sent = launch(job_type.key, user=current_user, description=description, parameters=parameters)
    flash_launched(job, sent)
    return redirect(url_for("jobs.detail", job_id=job.id))
