""" "Create background job": the menu of types a user may create, and a form per type."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from actors.engine.launching import launch
from actors.registry import JOB_TYPES, JobType, creatable_by
from blueprints.inputs import db_int
from blueprints.jobs.blueprint import bp
from blueprints.launched import flash_launched
from models import Job


def _creatable_or_abort(type_key: str) -> JobType:
    """Unknown or hidden type: 404 (a hidden type is launched from elsewhere, as an Undo from the
    job it undoes: its form alone would launch it without what that place checks). Known but not
    this user's to create: 403 (checked on GET and POST)."""
    job_type = JOB_TYPES.get(type_key)
    if job_type is None or job_type.hidden:
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
    earlier = request.args.get("from", type=db_int) if request.method == "GET" else None
    form = job_type.form(data=_filled_as(earlier, job_type)) if earlier is not None else job_type.form()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        preview = _preview(job_type, request.form if form.is_submitted() else request.args)
        has_preview = job_type.previews
        context = {"job_type": job_type, "form": form, "preview": preview, "has_preview": has_preview}
        return render_template("jobs/new_form.html", **context), status
    description, parameters = form.job_arguments()
    job, sent = launch(job_type.key, user=current_user, description=description, parameters=parameters)
    flash_launched(job, sent)
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.get("/new/<type_key>/preview.json")
def preview(type_key: str):
    """What the job would change with these values (?<field>=...): the form asks as they change."""
    return {"text": _preview(_creatable_or_abort(type_key), request.args) or ""}


def _preview(job_type: JobType, values: MultiDict) -> str | None:
    """The form's preview for values (a field left out keeps its default, as on a new form); when
    they do not validate, what the form says of a job that would change nothing, or None (the
    form says why on submit)."""
    if not values.get("record"):
        return None
    filled = MultiDict(values)
    for name, field in job_type.form(formdata=None, meta={"csrf": False})._fields.items():
        if name not in filled and field.data not in (None, "", False) and not isinstance(field.data, bool):
            filled[name] = str(field.data)
    form = job_type.form(formdata=filled, meta={"csrf": False})
    return form.preview() if form.validate() else form.nothing_to_do()


def _filled_as(job_id: int, job_type: JobType) -> dict[str, Any]:
    """ "Run again with changes": the form's values as that job (one the user may see) had them.
    A file cannot be filled in: the form says which one to choose again."""
    job = Job.get_visible(job_id, current_user)
    if job is None or job.type != job_type.key:
        abort(404, description=_("There is no %(label)s job %(id)s that you can see.", label=job_type.label, id=job_id))
    named = job_type.form.PARAMETER_FIELDS  # (an import's parent, an export's picks: its record field)
    parameters = job.parameters or {}
    values = {named.get(name, name): value for name, value in parameters.items() if not isinstance(value, dict)}
    files = [str(value.get("filename") or "") for value in parameters.values() if isinstance(value, dict)]
    if isinstance(values.get("record"), list):
        values["record"] = ", ".join(values["record"])
    if job.description is not None and "record" not in values:
        values["record"] = job.description.slug
    if files:
        flash(
            _("Choose the file again (job %(id)s had %(name)s).", id=job.id, name=", ".join(filter(None, files))),
            "info",
        )
    return values
