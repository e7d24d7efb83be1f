"""An example job-type plugin: another package exposes JobType objects in the entry-point
group ``archive_jobs.job_types``. Declaring ``record_field`` is all it takes for the
description page to link to its form; its form's labels are how its parameters read."""

from __future__ import annotations

from sqlalchemy import func, select
from wtforms import BooleanField

from actors.engine.context import set_info
from actors.jobs.forms import RecordJobForm
from actors.registry import JobType
from extensions import db
from models import ArchivalDescription, Job, PublicationStatus


class CountForm(RecordJobForm):
    published_only = BooleanField("Only published descriptions", default=False)


def count_descriptions(job_id: int) -> None:
    """A tiny real job: count a description and its descendants."""
    job = db.session.get(Job, job_id)
    record = job.description
    if record is None:
        raise LookupError("The description of this job no longer exists.")
    query = select(func.count()).where(ArchivalDescription.lft.between(record.lft, record.rgt))
    if job.parameters.get("published_only"):
        query = query.where(ArchivalDescription.publication_status == PublicationStatus.PUBLISHED)
    total = db.session.scalar(query)
    print(f"There are {total} descriptions in “{record.title}” and below.")
    set_info(f"{total} descriptions counted.")


JOB_TYPES = [
    JobType(
        key="example_count",
        label="Count descriptions (example plugin)",
        perform=count_descriptions,
        description="Shows how a plugin package adds a job type.",
        form=CountForm,
        record_field="record",
        run_concurrently=True,
    )
]
