"""What the current user can do to a description, for the bar under its title (as AtoM's context
menu): only what their role may use, so nothing offered answers "not allowed"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_login import current_user

from actors.ledger.undoable import refusal
from actors.registry import JobType, creatable_by
from blueprints.jobs.undo import may_undo
from models import ArchivalDescription, Job

# The page's own form launches a finding aid; the other record jobs link to their forms, in the
# order an archivist reaches for them (then any plugin's, by label).
OWN_FORM = "finding_aid"
ORDER = ("export_descriptions", "move_description", "publication_status", "descendant_dates", "inherit_rights")


@dataclass(frozen=True)
class RecordAction:
    label: str
    url: str
    key: str  # the job type's: the link's id


def _place(job_type: JobType) -> tuple[int, str]:
    return (ORDER.index(job_type.key) if job_type.key in ORDER else len(ORDER), str(job_type.label))


def record_job_types() -> list[JobType]:
    """The job types about one record (``JobType.record_field``) this user may launch: the
    description page links to their forms with the record filled in."""
    return [job_type for job_type in creatable_by(current_user) if job_type.record_field]


def _form_with(job_type: JobType, description: ArchivalDescription) -> str:
    """The job's form with the record filled in (``?<record_field>=<slug>``)."""
    record: dict[str, Any] = {str(job_type.record_field): description.slug}
    return url_for("jobs.new_of_type", type_key=job_type.key, **record)


def job_links(description: ArchivalDescription) -> list[RecordAction]:
    """A link to each record job's form with this record filled in (not the finding aid's: the
    page has its own form for it)."""
    return [
        RecordAction(str(job_type.label), _form_with(job_type, description), job_type.key)
        for job_type in sorted(record_job_types(), key=_place)
        if job_type.key != OWN_FORM
    ]


def undoable(last_job: Job | None) -> Job | None:
    """The last job that changed the record, if this user may undo it now (their own job, or
    anyone's for an administrator; completed, not undone yet): the bar offers its Undo."""
    if last_job is None or not may_undo(last_job, current_user) or refusal(last_job) is not None:
        return None
    return last_job
