"""The record a tree job works on, read under the tree lock (``models.tree.lock_tree``), and
what such jobs say about it."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from extensions import db
from models import ArchivalDescription, Job
from models.tree import lock_tree


def job_and_record(job_id: int, *, exclusive: bool = False) -> tuple[Job, dict[str, Any], ArchivalDescription]:
    """(the job, its parameters, its description, read under the tree lock); a clear error if gone."""
    job = Job.get_existing(job_id)
    parameters, description_id = dict(job.parameters or {}), job.description_id
    lock_tree(description_id or 0, exclusive=exclusive)
    # A deleted description leaves description_id NULL (ON DELETE SET NULL): the same story.
    record = db.session.get(ArchivalDescription, description_id) if description_id else None
    if record is None:
        raise LookupError(_("The description of this job no longer exists."))
    return job, parameters, record


def require_descendants(form, field) -> None:
    """Form validator (after the record resolved): the job needs a record that has descendants."""
    record = getattr(form, "description", None)
    if record is not None and record.descendant_count == 0:
        raise ValidationError(_("“%(title)s” has no descendants.", title=record.title))


def no_descendants_error(record: ArchivalDescription) -> ValueError:
    return ValueError(_("“%(title)s” has no descendants.", title=record.title))
