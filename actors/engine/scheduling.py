"""Making and changing schedules, for the CLI and the Schedules page alike: a schedule's
parameters are checked by its type's form as "Create background job" checks them, and kept as
that launch would keep them (the record apart, as a job keeps it)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_wtf.file import FileField
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict

from actors.registry import JOB_TYPES, JobType
from extensions import db
from models import Overlap, Schedule, User
from models.schedule import RETENTION_TYPE, check_cron, next_due

NOT_FIELDS = ("csrf_token", "submit")


class ScheduleError(ValueError):
    """Why a schedule cannot be made as asked: said to the user as it is."""


def schedulable(type_key: str, user: User | None) -> JobType:
    """The job type, if ``user`` (None: the CLI's own) may schedule it: one they may create from
    the "Create background job" menu, that needs no uploaded file (a schedule has none to give)."""
    if type_key == RETENTION_TYPE:
        raise ScheduleError(
            _("The built-in retention runs in the worker at night; to prune now: flask jobs prune --retention --yes")
        )
    job_type = JOB_TYPES.get(type_key)
    if job_type is None or job_type.hidden:
        known = ", ".join(sorted(key for key, spec in JOB_TYPES.items() if not spec.hidden))
        raise ScheduleError(_("There is no job type “%(type)s” (job types: %(known)s).", type=type_key, known=known))
    if any(isinstance(field, FileField) for field in _blank_form(job_type)):
        raise ScheduleError(_("“%(label)s” jobs need a file: they cannot be scheduled.", label=job_type.label))
    if user is not None and not (user.active and job_type.may_create(user)):
        raise ScheduleError(_("%(user)s may not create “%(label)s” jobs.", user=user.username, label=job_type.label))
    return job_type


def _blank_form(job_type: JobType):
    return job_type.form(formdata=None, meta={"csrf": False})


def form_arguments(job_type: JobType, fields: dict[str, str]) -> tuple[int | None, dict]:
    """(the record's id, the parameters) the type's form makes of ``fields`` (its field names:
    those of /jobs/new/<type>); a field left out keeps the form's default. ScheduleError with
    the form's own messages when they do not validate."""
    blank = _blank_form(job_type)
    names = [name for name in blank._fields if name not in NOT_FIELDS]
    unknown = sorted(set(fields) - set(names))
    if unknown:
        raise ScheduleError(
            _("“%(label)s” has no field %(fields)s (its fields: %(names)s).",
              label=job_type.label, fields=", ".join(unknown), names=", ".join(names))
        )  # fmt: skip
    filled = MultiDict(fields)
    for name in names:
        field = blank._fields[name]
        if name not in filled and field.data not in (None, "", False) and not isinstance(field.data, bool):
            filled[name] = str(field.data)
    form = job_type.form(formdata=filled, meta={"csrf": False})
    if not form.validate():
        said = (f"{name}: {' '.join(map(str, messages))}" for name, messages in form.errors.items())
        raise ScheduleError("; ".join(said))
    description, parameters = form.job_arguments()
    return (description.id if description else None), parameters


def first_run(cron: str, now: datetime) -> datetime:
    """When a new or resumed schedule is next due: its cron's first time after ``now``, in the site's zone."""
    return next_due(cron, now, current_app.config["SITE_TIMEZONE"])


def add(
    name: str, type_key: str, cron: str, fields: dict[str, str], user: User | None, overlap: Overlap, now: datetime
) -> Schedule:
    """A new schedule, committed; ScheduleError when anything about it is wrong."""
    name = name.strip()
    if not name:
        raise ScheduleError(_("A schedule needs a name."))
    try:
        check_cron(cron)
    except ValueError as error:
        raise ScheduleError(_("“%(cron)s” is not a cron expression: %(error)s", cron=cron, error=error)) from error
    job_type = schedulable(type_key, user)
    description_id, parameters = form_arguments(job_type, fields)
    schedule = Schedule(
        name=name, type=job_type.key, cron=cron, parameters=parameters, description_id=description_id,
        user_id=user.id if user else None, overlap=overlap, paused=False, next_run_at=first_run(cron, now),
    )  # fmt: skip
    db.session.add(schedule)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ScheduleError(_("There is already a schedule named “%(name)s”.", name=name)) from error
    return schedule


def set_paused(schedule: Schedule, paused: bool, now: datetime) -> None:
    """Pause, or resume from ``now``: the due times missed while paused are not run."""
    schedule.paused = paused
    if not paused:
        schedule.next_run_at = first_run(schedule.cron, now)
    db.session.commit()


def remove(schedule: Schedule) -> None:
    """Delete it; its jobs stay, no longer naming it (the foreign key sets their schedule_id NULL)."""
    db.session.delete(schedule)
    db.session.commit()
