"""The job types, declared in one place, and how a job is launched.

Adding a job type = one actor module (a function taking a job id) + one entry here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from actors.finding_aid import generate_finding_aid


@dataclass(frozen=True)
class JobType:
    key: str  # the Dramatiq actor name and Job.type
    label: str  # what the Jobs page and the CSV show
    perform: Callable[[int], None]  # runs in the worker with the job id
    description: str = ""
    time_limit_seconds: int = 3600
    needs_description: bool = False
    # Safe to run again from the start after its worker died or shut down mid-run.
    rerun_safe: bool = False
    # Rewrites its record's sub-tree: never runs beside another such job on an overlapping one.
    locks_record: bool = False
    # False: waits while another job of this type runs (ArchivesSpace's rule).
    run_concurrently: bool = True


JOB_TYPES: dict[str, JobType] = {
    job_type.key: job_type
    for job_type in (
        JobType(
            key="finding_aid",
            label="Generate finding aid",
            perform=generate_finding_aid,
            description="Render a PDF or RTF finding aid of a description and all its descendants.",
            time_limit_seconds=6 * 3600,
            needs_description=True,
            rerun_safe=True,  # renders to a fresh file and switches to it only at the end
        ),
    )
}


def label_for(key: str) -> str:
    """The human label of a job type; the raw key for a type no longer installed."""
    job_type = JOB_TYPES.get(key)
    return job_type.label if job_type else key
