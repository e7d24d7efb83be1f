"""Parameter forms of job types: what a user fills in on "Create background job".

A form's fields become the job's parameters (JSON); a ``record`` field names the
description the job works on; uploaded files are stored under the instance folder
and the job receives their path. Validation happens here, in the web request, so a
bad input gets a message on the form instead of a failed job.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import InputRequired, ValidationError

from actors.formats.uploads import store_upload
from models import ArchivalDescription

NOT_PARAMETERS = {"csrf_token", "record", "submit"}
# A field that names descriptions by slug: static/picker.js makes it a type-ahead search by title.
PICK_ONE = {"data-picker": "one", "autocomplete": "off", "spellcheck": "false"}
PICK_MANY = {**PICK_ONE, "data-picker": "many"}


class JobForm(FlaskForm):
    """Base class: a form with no fields launches the job as it is."""

    description: ArchivalDescription | None = None

    def preview(self) -> str | None:
        """What the job will change, said before it is launched (validated data; set-based,
        fast on a whole fonds); None for a type that has nothing to say."""
        return None

    def job_arguments(self) -> tuple[ArchivalDescription | None, dict[str, Any]]:
        """(the record the job is about, its JSON parameters) from validated data."""
        parameters: dict[str, Any] = {}
        for name, field in self._fields.items():
            if name in NOT_PARAMETERS:
                continue
            if isinstance(field, FileField):
                if field.data:
                    parameters[name] = store_upload(field.data)
                continue
            value = field.data
            parameters[name] = value.isoformat() if isinstance(value, date) else value
        return self.description, parameters


def _resolve_record(form: JobForm, field) -> None:
    if not field.data:
        return
    description = ArchivalDescription.by_slug(field.data.strip())
    if description is None:
        raise ValidationError(_("There is no description with the slug “%(slug)s”.", slug=field.data))
    form.description = description


def _record_from_query() -> str:
    """Prefill from ``?record=<slug>``: the description page links to a job's form this way."""
    return request.args.get("record", "").strip() if has_request_context() else ""


class RecordJobForm(JobForm):
    """A job about one description (and usually its sub-tree)."""

    record = StringField(
        _l("Description"),
        default=_record_from_query,
        validators=[
            InputRequired(message=_l("Choose the description (its slug, as in its address).")),
            _resolve_record,
        ],
        description=_l("Type part of its title or identifier and choose it (or give its slug)."),
        render_kw=PICK_ONE,
    )
