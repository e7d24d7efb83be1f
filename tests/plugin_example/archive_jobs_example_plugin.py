"""An example job-type plugin: another package exposes JobType objects in the entry-point
group ``archive_jobs.job_types`` and they appear in the "Create background job" menu."""
from __future__ import annotations

from actors.registry import JobType
from extensions import db
from models import ArchivalDescription


def count_descriptions(job_id: int) -> None:
    """A tiny real job: count the descriptions in the database."""
    total = db.session.scalar(db.select(db.func.count()).select_from(ArchivalDescription))
    print(f"There are {total} descriptions.")


JOB_TYPES = [
    JobType(
        key="example_count",
        label="Count descriptions (example plugin)",
        perform=count_descriptions,
        description="Shows how a plugin package adds a job type.",
        run_concurrently=True,
    )
]
