"""Generate finding aid: a PDF or RTF of a description and its whole sub-tree."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from actors.engine.context import report_progress, set_info
from actors.jobs.forms import JobForm, RecordJobForm
from actors.rendering.scope import Scope
from extensions import db
from models import ArchivalDescription, Job
from models.finding_aid import finding_aid_dir, replace_finding_aid

FORMATS = ("pdf", "rtf")


class FindingAidOptions(JobForm):
    """The options, as the description page offers them (the record is the page's)."""

    format = SelectField(
        _l("Format"), choices=[SelectChoice(f, f.upper()) for f in FORMATS], default="pdf", validators=[InputRequired()]
    )
    model = SelectField(
        _l("Model"),
        choices=[SelectChoice("full", _l("Full details")), SelectChoice("summary", _l("Inventory summary"))],
        default="full",
        validators=[DataRequired()],  # left out (the contract's POST sends only format): full details
    )
    public = BooleanField(_l("Only what the public sees (published descriptions)"), default=False)


class FindingAidForm(RecordJobForm, FindingAidOptions):
    """From the "Create background job" menu: which description, and the options."""


def generate_finding_aid(job_id: int) -> None:
    """Render into a new randomly named file, then point the description at it.

    Rendering to a fresh file and switching the pointer last means a failed or
    re-delivered run never leaves a half-written finding aid in place.
    """
    from actors.rendering.finding_aid import (
        render_finding_aid,  # WeasyPrint: imported where it renders, not by every web process
    )

    job = Job.get_existing(job_id)
    fmt = job.parameters.get("format", "pdf")
    if fmt not in FORMATS:
        raise ValueError(f"Unknown finding aid format {fmt!r}; use pdf or rtf.")
    root = db.session.get(ArchivalDescription, job.description_id) if job.description_id else None
    if root is None:
        raise LookupError("The description of this job no longer exists.")
    scope = Scope(public_only=bool(job.parameters.get("public")), summary=job.parameters.get("model") == "summary")
    kind = "inventory summary" if scope.summary else "finding aid"
    audience = ", published descriptions only" if scope.public_only else ""
    print(
        f'Generating a {fmt.upper()} {kind} for "{root.title}" ({scope.count(root)} descriptions{audience}).',
        flush=True,
    )

    directory = finding_aid_dir()
    directory.mkdir(parents=True, exist_ok=True)
    file_name = f"{secrets.token_urlsafe(24)}.{fmt}"
    target = directory / file_name
    try:
        pages = render_finding_aid(
            root.id,
            fmt,
            target,
            lambda done, total: report_progress(done, total, f"Rendering {done} of {total} descriptions..."),
            scope,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    replace_finding_aid(root.id, fmt, file_name, job_id=job_id)
    size_kib = target.stat().st_size / 1024
    pages_text = f", {pages} pages" if pages else ""
    print(f"Finding aid written: {fmt.upper()}, {size_kib:.0f} KiB{pages_text}.", flush=True)
    set_info(f"Finding aid generated ({fmt.upper()}{pages_text}).")
