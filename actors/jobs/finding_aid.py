"""Generate finding aid: a PDF or RTF of a description and its whole sub-tree."""

from __future__ import annotations

import secrets

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
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
        raise ValueError(_("Unknown finding aid format %(format)r; use pdf or rtf.", format=fmt))
    root = db.session.get(ArchivalDescription, job.description_id) if job.description_id else None
    if root is None:
        raise LookupError(_("The description of this job no longer exists."))
    scope = Scope(public_only=bool(job.parameters.get("public")), summary=job.parameters.get("model") == "summary")
    print(_starting(root.title, fmt, scope.count(root), scope), flush=True)

    directory = finding_aid_dir()
    directory.mkdir(parents=True, exist_ok=True)
    file_name = f"{secrets.token_urlsafe(24)}.{fmt}"
    target = directory / file_name
    try:
        pages = render_finding_aid(
            root.id,
            fmt,
            target,
            lambda done, total: report_progress(done, total, _rendering(done, total)),
            scope,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    replace_finding_aid(root.id, fmt, file_name, job_id=job_id)
    size = format_decimal(round(target.stat().st_size / 1024))
    pages_text = ngettext(", %(num)s page", ", %(num)s pages", pages) if pages else ""
    print(_("Finding aid written: %(format)s, %(size)s KiB%(pages)s.", format=fmt.upper(), size=size, pages=pages_text))
    set_info(_("Finding aid generated (%(format)s%(pages)s).", format=fmt.upper(), pages=pages_text))


def _starting(title: str, fmt: str, count: int, scope: Scope) -> str:
    """The first line, in the job's language (the contract keeps the English)."""
    kind = _("inventory summary") if scope.summary else _("finding aid")
    values = {"format": fmt.upper(), "kind": kind, "title": title, "count": format_decimal(count)}
    if scope.public_only:
        return ngettext(
            "Generating a %(format)s %(kind)s for “%(title)s” (%(count)s description, published descriptions only).",
            "Generating a %(format)s %(kind)s for “%(title)s” (%(count)s descriptions, published descriptions only).",
            count,
            **values,
        )
    return ngettext(
        "Generating a %(format)s %(kind)s for “%(title)s” (%(count)s description).",
        "Generating a %(format)s %(kind)s for “%(title)s” (%(count)s descriptions).",
        count,
        **values,
    )


def _rendering(done: int, total: int) -> str:
    """The contract's progress line: "Rendering 120 of 843 descriptions..." (in English)."""
    return ngettext(
        "Rendering %(done)s of %(total)s description...",
        "Rendering %(done)s of %(total)s descriptions...",
        total,
        done=format_decimal(done),
        total=format_decimal(total),
    )
