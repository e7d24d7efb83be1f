"""Parameter forms of job types: what a user fills in on "Create background job".

A form's fields become the job's parameters (JSON); a ``record`` field names the
description the job works on; uploaded files are stored under the instance folder
and the job receives their path. Validation happens here, in the web request, so a
bad input gets a message on the form instead of a failed job.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, ClassVar

from flask import has_request_context, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Field, SelectFieldBase, StringField
from wtforms.validators import InputRequired, ValidationError

from actors.formats.uploads import store_upload
from actors.formats.writing import parse_slugs
from models import ArchivalDescription
from models.record_choice import record_choices

NOT_PARAMETERS = {"csrf_token", "record", "submit"}
# A field that names descriptions by slug: static/picker.js makes it a type-ahead search by title.
PICK_ONE = {"data-picker": "one", "autocomplete": "off", "spellcheck": "false"}
PICK_MANY = {**PICK_ONE, "data-picker": "many"}
CHOOSE_ONE = _l("Choose a description from the suggestions.")


class Records(list[tuple[str, str | None]]):
    """Descriptions as a job's page shows them: (title, slug to link; None: gone since)."""

    is_records = True  # (what the template asks: other values are text)


Shown = str | Records  # a parameter as a job's page shows it


class RecordField(StringField):
    """Descriptions named by slug — what the form sends, and what scripts and tests post — shown by
    static/picker.js as a search by title that keeps the chosen title (level, identifier) in view
    and the slug in a hidden input. ``many``: several, comma-separated, shown as removable chips.
    ``when_empty``: what a job's page says when it was left empty ("At the top level")."""

    def __init__(self, label: Any = None, validators: Any = None, *, many: bool = False, when_empty: Any = None,
                 **kwargs: Any) -> None:  # fmt: skip
        render_kw = {**(PICK_MANY if many else PICK_ONE), **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.many, self.when_empty = many, when_empty

    def slugs(self) -> list[str]:
        text = (self.data or "").strip()
        return parse_slugs(text) if self.many else [text] if text else []

    def __call__(self, **kwargs: Any) -> Any:
        """The input, with the titles of what it holds: shown again as titles after an error."""
        kwargs.setdefault("data-picker-chosen", json.dumps(record_choices(self.slugs())))
        return super().__call__(**kwargs)


class JobForm(FlaskForm):
    """Base class: a form with no fields launches the job as it is."""

    description: ArchivalDescription | None = None
    # Parameters kept under another name than the field they come from (an import's parent is
    # its "record" field): the job's page labels them as the form did.
    PARAMETER_FIELDS: ClassVar[dict[str, str]] = {}

    def preview(self) -> str | None:
        """What the job will change, said before it is launched (validated data; set-based,
        fast on a whole fonds); None for a type that has nothing to say."""
        return None

    def nothing_to_do(self) -> str | None:
        """Said in place of the preview when the values do not validate because the job would
        change nothing (a record with no rights to pass down): a blank preview says nothing."""
        return None

    def readable(self, parameters: dict[str, Any] | None) -> list[tuple[str, Shown]]:
        """A job's parameters as its form named them: (the field's label, a readable value: a
        choice's label, Yes/No, records by title). Needs a request (labels are translated)."""
        shown = []
        for name, value in (parameters or {}).items():
            field = self._fields.get(self.PARAMETER_FIELDS.get(name, name))
            shown.append((str(field.label.text) if field is not None else name, readable_value(field, value)))
        return shown

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


def not_found(text: str) -> ValidationError:
    """What a form says of a description it cannot find: typed, not chosen (or gone since)."""
    return ValidationError(_("No description is “%(text)s”: choose one from the suggestions.", text=text))


def _resolve_record(form: JobForm, field) -> None:
    if not field.data:
        return
    description = ArchivalDescription.by_slug(field.data.strip())
    if description is None:
        raise not_found(field.data.strip())
    form.description = description


def _record_from_query() -> str:
    """Prefill from ``?record=<slug>``: the description page links to a job's form this way."""
    return request.args.get("record", "").strip() if has_request_context() else ""


class RecordJobForm(JobForm):
    """A job about one description (and usually its sub-tree)."""

    record = RecordField(
        _l("Description"),
        default=_record_from_query,
        validators=[InputRequired(message=CHOOSE_ONE), _resolve_record],
        description=_l("Type part of its title or identifier and choose it from the suggestions."),
    )


def readable_value(field: Field | None, value: Any) -> Shown:
    """A parameter's value as the form offered it: descriptions by title, a choice by its label,
    Yes/No, an uploaded file by its name, nothing as "—" (or what the field says instead)."""
    if isinstance(field, RecordField) or (field is not None and (field.render_kw or {}).get("data-picker")):
        slugs = [str(slug) for slug in (value if isinstance(value, list) else [value]) if slug]
        if slugs:
            titles = ArchivalDescription.titles_by_slug(slugs)
            return Records((titles[slug], slug) if slug in titles else (slug, None) for slug in slugs)
    if isinstance(value, dict):  # an uploaded file (store_upload)
        return str(value.get("filename") or "")
    if isinstance(field, BooleanField) or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, SelectFieldBase) and not isinstance(field, FileField):
        for choice_value, choice_label, *_rest in field.iter_choices():
            if str(choice_value) == str(value):
                return str(choice_label)
    if value is None or value == "" or value == []:
        return str(getattr(field, "when_empty", None) or "—")
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
