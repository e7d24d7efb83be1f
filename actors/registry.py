"""The job types, declared in one place, and who may create or cancel them.

Adding a job type = one actor module (a function taking a job id, and its form) + one
entry here, or a plugin package exposing JobType objects in the entry-point group
``archive_jobs.job_types``. Everything the pages need to know about a type is declared on
its JobType: the description page, the job details and the forms read it from there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Literal

from flask_babel import lazy_gettext as _l

from actors.jobs.descendant_dates import DescendantDatesForm, calculate_descendant_dates
from actors.jobs.export import ExportForm, export_descriptions
from actors.jobs.finding_aid import FindingAidForm, FindingAidOptions, generate_finding_aid
from actors.jobs.forms import JobForm, Shown
from actors.jobs.importing import ImportForm, check_import, import_descriptions
from actors.jobs.inherit_rights import InheritRightsForm, inherit_rights_job
from actors.jobs.move import MoveDescriptionForm, move_description
from actors.jobs.publication import PublicationStatusForm, update_publication_status
from actors.jobs.report import ReportForm, generate_report
from actors.jobs.undo import UndoForm, undo_job

if TYPE_CHECKING:
    from models import User

logger = logging.getLogger(__name__)
PLUGIN_GROUP = "archive_jobs.job_types"
ResultKind = Literal["none", "file", "finding_aid"]


@dataclass(frozen=True)
class JobType:
    key: str  # the Dramatiq actor name and Job.type
    label: str  # what the Jobs page and the CSV show (lazy_gettext: translated when shown; the CSV forces English)
    perform: Callable[[int], None]  # runs in the worker with the job id
    description: str = ""
    form: type[JobForm] = JobForm  # its parameters; fields become Job.parameters
    # The same form without its record field, for the record's own page (the record is the page's).
    page_form: type[JobForm] | None = None
    hidden: bool = False  # not offered in the "Create background job" menu
    create_permissions: tuple[str, ...] = ()  # needed on top of create_job
    cancel_permissions: tuple[str, ...] = ()  # needed on top of cancel_job
    time_limit_seconds: int = 3600
    # The broker queue: workers can be dedicated to some queues (flask jobs worker --queues).
    queue: str = "jobs"
    # Safe to run again from the start after its worker died or shut down mid-run.
    rerun_safe: bool = False
    # Rewrites its record's sub-tree: never runs beside another such job on an overlapping one.
    locks_record: bool = False
    # False (ArchivesSpace's default): waits while another job of this type runs.
    run_concurrently: bool = False
    # The form field naming the description the job works on (prefilled from ?<field>=<slug>):
    # the description page links to the form of every type that has one.
    record_field: str | None = None
    # What a completed job leaves to download: "file" (its result file), "finding_aid" (its
    # record's finding aid), or "none".
    result: ResultKind = "none"
    # It writes the changes ledger (actors.ledger): its completed jobs show Undo.
    undoable: bool = False

    @property
    def previews(self) -> bool:
        """Whether its form says what the job will change before it is launched."""
        return self.form.preview is not JobForm.preview

    def may_create(self, user: User) -> bool:
        return user.can("create_job", *self.create_permissions)

    def may_cancel(self, user: User) -> bool:
        """cancel_job (with the type's own cancel permissions), or leave to create the type: an
        owner may stop what she may start (ArchivesSpace). Whose jobs: the views say (own; admins: all)."""
        return user.can("cancel_job", *self.cancel_permissions) or self.may_create(user)

    def readable_parameters(self, parameters: dict[str, Any] | None) -> list[tuple[str, Shown]]:
        """The job's parameters as its form names them (actors.jobs.forms.JobForm.readable)."""
        return self.form(formdata=None, meta={"csrf": False}).readable(parameters)


BUILT_IN = (
    JobType(
        key="finding_aid",
        label=_l("Generate finding aid"),
        perform=generate_finding_aid,
        description=_l("A PDF or RTF finding aid of a description and all its descendants."),
        form=FindingAidForm,
        page_form=FindingAidOptions,
        time_limit_seconds=6 * 3600,
        rerun_safe=True,  # renders to a fresh file and switches to it only at the end
        run_concurrently=True,  # reads the tree only; two fonds may render at once
        record_field="record",
        result="finding_aid",
    ),
    JobType(
        key="move_description",
        label=_l("Move description"),
        perform=move_description,
        description=_l("Move a description and its sub-tree under a new parent, or to top level."),
        form=MoveDescriptionForm,
        create_permissions=("edit_descriptions",),
        locks_record=True,  # renumbers the tree: also takes the tree lock exclusively (actors.jobs.records)
        record_field="record",
        undoable=True,
    ),
    JobType(
        key="publication_status",
        label=_l("Update publication status"),
        perform=update_publication_status,
        description=_l("Set a description, and optionally all its descendants, to draft or published."),
        form=PublicationStatusForm,
        create_permissions=("publish_descriptions",),
        rerun_safe=True,  # one transaction, idempotent
        locks_record=True,
        run_concurrently=True,  # the record lock keeps overlapping sub-trees apart
        record_field="record",
        undoable=True,
    ),
    JobType(
        key="descendant_dates",
        label=_l("Calculate descendant dates"),
        perform=calculate_descendant_dates,
        description=_l("Set a description's date range from the earliest and latest dates of its descendants."),
        form=DescendantDatesForm,
        create_permissions=("edit_descriptions",),
        rerun_safe=True,
        locks_record=True,
        run_concurrently=True,
        record_field="record",
        undoable=True,
    ),
    JobType(
        key="inherit_rights",
        label=_l("Inherit rights"),
        perform=inherit_rights_job,
        description=_l("Copy a description's rights statements to its descendants (overwrite or combine)."),
        form=InheritRightsForm,
        create_permissions=("edit_descriptions",),
        rerun_safe=True,  # one transaction; overwrite and combine both give the same result twice
        locks_record=True,
        run_concurrently=True,
        record_field="record",
        undoable=True,
    ),
    JobType(
        key="import_descriptions",
        label=_l("Import descriptions"),
        perform=import_descriptions,
        description=_l("Import an AtoM archival-description CSV or an EAD 2002 finding aid: all records or none."),
        form=ImportForm,
        create_permissions=("import_descriptions",),
        time_limit_seconds=6 * 3600,
        locks_record=True,  # the parent's sub-tree (a top-level import touches no other tree)
        run_concurrently=False,
        undoable=True,
    ),
    JobType(
        key="undo_job",
        label=_l("Undo job"),
        perform=undo_job,
        description=_l("Put back what a completed job changed, leaving alone what was changed since."),
        form=UndoForm,  # (its page names the choice it was launched with)
        hidden=True,  # launched from the job it undoes (its Undo… button), not from the menu
        time_limit_seconds=6 * 3600,
        locks_record=True,  # the record lock of the job it undoes (its description)
        undoable=True,  # undoing an Undo applies the job again
    ),
    JobType(
        key="validate_csv",
        label=_l("Check import"),  # (its key from when it was "Validate CSV", for CSV alone)
        perform=check_import,
        description=_l(
            "Check an AtoM CSV or EAD 2002 file as an import would: what it would create, update and skip, "
            "every problem and warning; writes nothing."
        ),
        form=ImportForm,
        create_permissions=("import_descriptions",),
        rerun_safe=True,  # reads only
        run_concurrently=True,
        result="file",  # the records it would update, every field before and after (CSV), when there are some
    ),
    JobType(
        key="export_descriptions",
        label=_l("Export descriptions"),
        perform=export_descriptions,
        description=_l("Export descriptions and their descendants as AtoM CSV or EAD 2002 XML, in a zip to download."),
        form=ExportForm,
        create_permissions=("export_descriptions",),
        rerun_safe=True,  # writes a new file and switches to it at the end
        run_concurrently=True,
        record_field="record",  # (its picker takes several: the page fills in the one record)
        result="file",
    ),
    JobType(
        key="report",
        label=_l("Generate report"),
        perform=generate_report,
        description=_l(
            "A file list, item list, box labels or storage locations (CSV or PDF) of a description's sub-tree."
        ),
        form=ReportForm,
        rerun_safe=True,  # reads only; writes a new file and points the job at it at the end
        run_concurrently=True,
        record_field="record",
        result="file",
    ),
)

JOB_TYPES: dict[str, JobType] = {job_type.key: job_type for job_type in BUILT_IN}


def load_plugins() -> None:
    """Add the job types other installed packages declare (each entry point: a JobType or a list)."""
    for entry_point in entry_points(group=PLUGIN_GROUP):
        try:
            loaded = entry_point.load()
        except Exception:  # a broken plugin must not take the whole site down
            logger.exception("Could not load job-type plugin %s", entry_point.name)
            continue
        for job_type in loaded if isinstance(loaded, Iterable) else (loaded,):
            if isinstance(job_type, JobType):
                JOB_TYPES.setdefault(job_type.key, job_type)
            else:
                logger.error("Plugin %s gave %r, not a JobType", entry_point.name, job_type)


def creatable_by(user: User) -> list[JobType]:
    """The types the "Create background job" menu offers this user, by label."""
    return sorted((t for t in JOB_TYPES.values() if not t.hidden and t.may_create(user)), key=lambda t: t.label)


def cancelable_by(user: User) -> list[str]:
    """Keys of the job types this user may cancel (their own jobs; admins: anyone's)."""
    return [key for key, job_type in JOB_TYPES.items() if job_type.may_cancel(user)]


def retryable_by(user: User) -> list[str]:
    """Keys of the job types this user may launch again."""
    return [key for key, job_type in JOB_TYPES.items() if job_type.may_create(user)]


def label_for(key: str) -> str:
    """The human label of a job type; the raw key for a type no longer installed.

    Lazy for built-in types: it becomes text in the locale of wherever it is shown (str() it
    in a request for its language; the worker and the CLI have no request, so English)."""
    job_type = JOB_TYPES.get(key)
    return job_type.label if job_type else key
