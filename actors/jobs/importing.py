"""Import descriptions (AtoM CSV or EAD 2002) and Validate CSV: forms and actors.

An import reads its file twice: pass 1 reads only the structure columns and plans the tree
(so that pass 2 can insert every record with its final tree numbers), pass 2 checks every
field and inserts. Both run in the job's one transaction, committed at the very end: any
problem, a cancel or a crash leaves the database as it was. (Checking in pass 1 instead
read every row whole twice: about a sixth of an import, scripts/bench import.)
"""

from __future__ import annotations

import secrets
from contextlib import nullcontext
from pathlib import Path
from typing import Any, ClassVar

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional, ValidationError

from actors.engine.context import report_progress, set_info, set_record, set_result
from actors.formats import FORMAT_NAMES
from actors.formats.atom_csv.reader import CsvReader
from actors.formats.ead.reader import EadReader
from actors.formats.load.bulk import fewer_collections
from actors.formats.load.plan import KEPT_PROBLEMS, MATCH_MODES, Plan
from actors.formats.load.steps import Steps, counted, said_done, said_opening, said_records
from actors.formats.load.would_update import WouldUpdate, would_update_file
from actors.formats.load.write import Writer
from actors.formats.rows import ImportFailed, clean
from actors.formats.uploads import UploadError, check_upload, format_for
from actors.jobs.forms import JobForm, RecordField, _resolve_record
from extensions import db
from models import ArchivalDescription, Job

MATCH_LABELS = {
    "skip": _l("Skip it (and report it)"),
    "update": _l("Update it with the file's values"),
    "new": _l("Import it as a new record anyway"),
}


def validate_upload(form: JobForm, field: FileField, requested: str | None) -> str:
    """The web form's file checks (see actors.formats.uploads); returns the file's format."""
    upload = field.data
    if not upload or not getattr(upload, "filename", None):
        raise ValidationError(_("Choose a file to upload."))
    limit = current_app.config["IMPORT_MAX_FILE_BYTES"]
    try:
        return check_upload(upload.stream, upload.filename, requested, limit)
    except UploadError as error:
        raise ValidationError(str(error)) from None


class ImportForm(JobForm):
    PARAMETER_FIELDS: ClassVar[dict[str, str]] = {"parent": "record"}  # (the job keeps its parent's slug as "parent")

    file = FileField(
        _l("File"), description=_l("An AtoM archival-description CSV (.csv) or an EAD 2002 finding aid (.xml).")
    )
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice("auto", _l("From the file name"))]
        + [SelectChoice(k, v) for k, v in FORMAT_NAMES.items()],
        default="auto",
    )
    record = RecordField(
        _l("Parent description"),
        validators=[Optional(), _resolve_record],
        description=_l(
            "Optional: the description to import under (type part of its title); empty imports at the top level."
        ),
        when_empty=_l("At the top level"),
    )
    match = SelectField(
        _l("When a record with the same identifier exists under the same parent"),
        choices=[SelectChoice(key, label) for key, label in MATCH_LABELS.items()],
        default="skip",
    )

    def validate_file(self, field: FileField) -> None:
        self.format.data = validate_upload(self, field, None if self.format.data == "auto" else self.format.data)

    def job_arguments(self) -> tuple[ArchivalDescription | None, dict[str, Any]]:
        description, parameters = super().job_arguments()
        parameters["parent"] = description.slug if description else None
        return description, parameters


def open_reader(path: str, fmt: str) -> CsvReader | EadReader:
    if not Path(path).is_file():
        raise ImportFailed(_("The uploaded file is no longer there; upload it again."))
    return CsvReader(path) if fmt == "csv" else EadReader(path)


def plan_rows(reader: CsvReader | EadReader, plan: Plan) -> None:
    """Pass 1: the shape of the tree (parents, matches) from the structure columns alone, and
    its problems (a parent that is not there, a legacyId used twice). Its progress moves the bar;
    the console says where it ended."""
    steps = Steps(reader.size, "bytes")
    for n, row in enumerate(reader.rows(full=False)):
        shown = plan.problem_count
        plan.add(row, row.raw.get("identifier"))
        for problem in plan.problems[shown:]:
            print(problem)
        if n % 64 == 0 and steps.due(done := reader.bytes_read()):  # (a tell() per row costs)
            steps.report(done, _("Read %(records)s...", records=said_records(reader, plan.count)), echo=False)
    if isinstance(reader, EadReader):  # (EAD3 is never read as EAD 2002: its namespace says which)
        print(_("Read as %(format)s, as its namespace says.", format=FORMAT_NAMES[reader.dialect]), flush=True)
    print(_("Read %(records)s; checking each.", records=said_records(reader, plan.count)), flush=True)


def check_rows(
    reader: CsvReader | EadReader, plan: Plan, writer: Writer | None = None, listing: WouldUpdate | None = None
) -> None:
    """Pass 2: every field of every row checked and, with a writer and while no problem is
    found, written (the caller rolls back when there is one: all rows or none); with a listing,
    what the rows that match a record would change of it."""
    noun = counted(reader)
    steps = Steps(plan.count, noun + "s")
    importing = writer is not None
    if plan.problem_count:
        writer = None
    for i, row in enumerate(reader.rows()):
        known = len(row.problems)  # (found while reading: reported by pass 1)
        values = clean(row)
        if len(row.problems) > known:
            writer = None
            _report(plan, row.problems[known:])
        elif writer is not None:
            writer.add(i, row, values)
        elif listing is not None and plan.match[i]:
            listing.add(plan.match[i], values)
        for kind, text in row.warnings:
            plan.warn(kind, text)
        if steps.due(i + 1):
            steps.report(i + 1, said_done(importing, i + 1, said_records(reader, plan.count)) + "...")
    if plan.problem_count > KEPT_PROBLEMS:
        print(_("... %(count)s more problems not shown.", count=format_decimal(plan.problem_count - KEPT_PROBLEMS)))
    print(plan.checked_summary(said_records(reader, plan.count)), flush=True)


def _report(plan: Plan, problems: list[str]) -> None:
    for problem in problems:
        plan.report(problem)
        if plan.problem_count <= KEPT_PROBLEMS:
            print(problem)


def describe_columns(reader: CsvReader | EadReader) -> None:
    """Say which columns have no field of their own here: none is ignored, they are kept as they are."""
    if reader.kept_as_is:
        kept = ", ".join(reader.kept_as_is)
        print(_("Columns kept as they are (no field of their own here; exported back): %(columns)s.", columns=kept))


def import_descriptions(job_id: int) -> None:
    """The "Import descriptions" actor: all rows or none."""
    with fewer_collections():
        _import_descriptions(job_id)


def _opened(job_id: int, importing: bool) -> tuple[CsvReader | EadReader, Plan, ArchivalDescription | None]:
    """The job's file opened and its plan begun (parent, match option), as import and check share them."""
    params = Job.get_existing(job_id).parameters
    upload = params.get("file") or {}
    fmt = params.get("format") or "auto"
    fmt = format_for(upload.get("filename", ""), None if fmt == "auto" else fmt)
    match_mode = params.get("match") or "skip"
    if match_mode not in MATCH_MODES:
        raise ImportFailed(_("Unknown match option %(match)r; use skip, update or new.", match=match_mode))
    parent = None
    if params.get("parent"):
        parent = ArchivalDescription.by_slug(params["parent"])
        if parent is None:
            raise ImportFailed(_("The parent description “%(slug)s” no longer exists.", slug=params["parent"]))
    reader = open_reader(upload.get("path", ""), fmt)
    print(
        said_opening(importing, upload.get("filename", ""), fmt, parent.title if parent else None, match_mode),
        flush=True,
    )
    describe_columns(reader)
    return reader, Plan(parent.id if parent else None, match_mode), parent


def _import_descriptions(job_id: int) -> None:
    reader, plan, parent = _opened(job_id, importing=True)
    plan_rows(reader, plan)
    if plan.count == 0:
        raise ImportFailed(_("The file holds no records. Nothing was imported."))
    writer = None if plan.problem_count else Writer(plan, job_id)
    if writer:
        writer.begin()
    check_rows(reader, plan, writer)
    if plan.problem_count:
        db.session.rollback()
        raise ImportFailed(plan.failure())
    assert writer is not None
    writer.finish()
    noun = counted(reader)
    report_progress(
        plan.count, plan.count, said_done(True, plan.count, said_records(reader, plan.count)) + ".", unit=noun + "s"
    )
    if parent is None and plan.first_top_level is not None:
        first = plan.first_top_level
        record_id = first if first > 0 else writer.record_id(-first - 1)
        set_record(job_id, record_id)
    db.session.commit()
    summary = _(
        "Created %(created)s, updated %(updated)s, skipped %(skipped)s descriptions",
        created=format_decimal(writer.created),
        updated=format_decimal(writer.updated),
        skipped=format_decimal(writer.skipped),
    )
    print(f"{summary}; {plan.warnings_summary()}.")
    set_info(f"{summary}{plan.warnings_note()}.")


def check_import(job_id: int) -> None:
    """The "Check import" actor (key validate_csv): an import's checks on a CSV or EAD file, with
    what it would create, update (which records, which fields, before and after: the full list is
    its result file) and skip, every problem and warning reported; nothing written."""
    reader, plan, _parent = _opened(job_id, importing=False)
    target = Path(current_app.instance_path) / "checks" / f"{secrets.token_urlsafe(18)}.csv"
    listed = would_update_file(target) if plan.match_mode == "update" else nullcontext(None)
    with listed as listing:
        try:
            with fewer_collections():
                plan_rows(reader, plan)
                check_rows(reader, plan, listing=listing)
        except ImportFailed as error:  # the file stops being readable: that is one more problem
            plan.report(str(error))
            print(error)
        if listing is not None:
            listing.finish()
    db.session.rollback()
    noun = counted(reader)
    if plan.count:  # (the bar ends full: every record the file holds was checked)
        checked = _("Checked %(records)s.", records=said_records(reader, plan.count))
        report_progress(plan.count, plan.count, checked, unit=noun + "s", echo=False)
    count = plan.problem_count
    if count:
        info = ngettext("%(count)s problem found", "%(count)s problems found", count, count=format_decimal(count))
    else:
        info = _("No problems found")
    matched = plan.count - plan.new_count
    updated, skipped = (matched, 0) if plan.match_mode == "update" else (0, matched)
    would = _(
        "Would create %(created)s, update %(updated)s, skip %(skipped)s descriptions",
        created=format_decimal(plan.new_count),
        updated=format_decimal(updated),
        skipped=format_decimal(skipped),
    )
    print(_("%(would)s; nothing was written.", would=would), flush=True)
    if target.is_file():
        set_result(job_id, str(target))
        db.session.commit()
    set_info(f"{info}{plan.warnings_note()}. {would}.")
