"""Generate report: AtoM's file list, item list, box labels and storage locations for a
description's sub-tree. Box labels as PDF come on a sheet of labels (label_sheets), or as the
table they used to be (the container list).

The rows and the CSV are actors.rendering.report_rows'; the PDF, report_pdf's. The file is
written under ``instance/reports`` with a random name, first as a hidden partial file renamed
when complete (a failed or re-run job never leaves half a report to download);
``Job.result_path`` points at it and ``GET /jobs/<id>/result`` serves it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from flask import current_app, has_request_context, request
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from actors.engine.context import report_progress, set_info, set_result
from actors.jobs.forms import RecordJobForm
from actors.rendering.label_sheets import SHEETS, render_label_sheets, sheet_for
from actors.rendering.report_containers import box_labels, count_boxes
from actors.rendering.report_pdf import render_report_pdf
from actors.rendering.report_rows import KINDS, Counted, ReportKind, partial_file, report_rows, write_csv
from extensions import db
from models import Job
from models.description import ArchivalDescription as D

FORMATS = {"csv": _l("CSV"), "pdf": _l("PDF")}
TABLE = "table"  # box labels as the table they were: the container list


def _default_sheet() -> str:
    """The label sheet sold where the browser says its reader lives (en-US: Letter), else A4."""
    for tag, _quality in request.accept_languages if has_request_context() else ():
        try:
            territory = Locale.parse(tag, sep="-").territory
        except (ValueError, UnknownLocaleError):
            continue
        if territory:
            return sheet_for(territory)
    return sheet_for(None)


class ReportForm(RecordJobForm):
    kind = SelectField(
        _l("Report"),
        choices=[SelectChoice(key, kind.label) for key, kind in KINDS.items()],
        default="file_list",
        validators=[InputRequired()],
    )
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice(key, label) for key, label in FORMATS.items()],
        default="csv",
        validators=[InputRequired()],
        description=_l("Every report is available as CSV or PDF."),
    )
    sheet = SelectField(
        _l("Box labels as PDF"),
        choices=[
            *(SelectChoice(key, sheet.label) for key, sheet in SHEETS.items()),
            SelectChoice(TABLE, _l("A table of the boxes (container list)")),
        ],
        default=_default_sheet,
        validators=[DataRequired()],  # left out (an API call of an older client): the default
        description=_l("A sheet of self-adhesive labels, one per box, to print at actual size; or one table."),
    )


def report_dir() -> Path:
    return Path(current_app.instance_path) / "reports"


def _root(job: Job) -> D:
    root = db.session.get(D, job.description_id) if job.description_id else None
    if root is None:
        raise LookupError(_("The description of this job no longer exists."))
    return root


def _total(kind: ReportKind, root: D) -> int:
    if kind.container_rows:
        return count_boxes(root)
    return db.session.execute(
        select(func.count()).where(D.lft.between(root.lft, root.rgt), D.level_of_description == kind.level)
    ).scalar_one()


def _write_pdf(
    kind: ReportKind, root: D, sheet: str, dest: Path, total: int, on_chunk: Callable[[int], None]
) -> tuple[int, int]:
    """(pages, rows listed): label sheets for box labels unless the table is asked for, else a table."""
    title = f"{kind.title}: {root.title}"
    if kind.sheets and sheet != TABLE:
        labels = Counted(box_labels(root))
        pages = render_label_sheets(labels, dest, sheet=SHEETS.get(sheet, SHEETS[sheet_for(None)]), title=title,
                                    on_chunk=on_chunk)  # fmt: skip
        return pages, labels.count
    rows = Counted(kind.container_rows(root) if kind.container_rows else report_rows(root, kind))
    subtitle = f"{root.identifier or ''} {root.title} — {kind.count_text(total)}".strip()
    pages = render_report_pdf(
        rows, dest, title=title, subtitle=subtitle, header=kind.header, widths=kind.widths, on_chunk=on_chunk
    )
    return pages, rows.count


def generate_report(job_id: int) -> None:
    """The "Generate report" actor."""

    job = Job.get_existing(job_id)
    kind, fmt = KINDS.get(job.parameters.get("kind", "")), job.parameters.get("format", "csv")
    if kind is None:
        raise ValueError(
            _("Unknown report %(kind)r; use %(known)s.", kind=job.parameters.get("kind"), known=", ".join(KINDS))
        )
    if fmt not in FORMATS:
        raise ValueError(_("%(report)s cannot be made as %(format)r; use csv or pdf.", report=kind.label, format=fmt))
    root = _root(job)
    total = _total(kind, root)
    counted = _counted(kind, total)
    print(_("%(report)s of “%(title)s”: %(count)s, as %(format)s.", report=kind.label, title=root.title,
            count=counted, format=fmt.upper()), flush=True)  # fmt: skip
    step = max(1, total // 20)

    def progress(done: int, every: int = 1) -> None:
        if done % every == 0 and done < total:
            report_progress(done, total, _listed(done, total) + "...")

    directory = report_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{secrets.token_urlsafe(18)}.{fmt}"
    pages = None
    with partial_file(target) as partial:
        if fmt == "csv":
            rows = kind.container_rows(root) if kind.container_rows else report_rows(root, kind)
            listed = write_csv(rows, kind.header, partial, lambda done: progress(done, step))
        else:
            pages, listed = _write_pdf(kind, root, job.parameters.get("sheet", ""), partial, total, progress)
    set_result(job_id, str(target))
    db.session.commit()
    report_progress(listed, max(listed, total), _listed(listed, max(listed, total)) + ".")
    pages_text = ngettext(", %(num)s page", ", %(num)s pages", pages) if pages is not None else ""
    size = format_decimal(round(target.stat().st_size / 1024))
    # (no server path: the output is read by people; the file is the job's result)
    print(
        _("Report written (%(format)s%(pages)s, %(size)s KiB): download it from /jobs/%(job)s/result.",
          format=fmt.upper(), pages=pages_text, size=size, job=job_id),
        flush=True,
    )  # fmt: skip
    set_info(
        _("%(report)s: %(count)s (%(format)s%(pages)s).", report=kind.label, count=_counted(kind, listed),
          format=fmt.upper(), pages=pages_text)
    )  # fmt: skip


def _listed(done: int, total: int) -> str:
    return ngettext(
        "Listed %(done)s of %(total)s description",
        "Listed %(done)s of %(total)s descriptions",
        total,
        done=format_decimal(done),
        total=format_decimal(total),
    )


def _counted(kind: ReportKind, count: int) -> str:
    """ "12 files", in the job's language (the report itself keeps AtoM's English words)."""
    number = format_decimal(count)
    if kind.level == "file":
        return ngettext("%(count)s file", "%(count)s files", count, count=number)
    if kind.level == "item":
        return ngettext("%(count)s item", "%(count)s items", count, count=number)
    if kind.sheets:
        return ngettext("%(count)s label", "%(count)s labels", count, count=number)
    return ngettext("%(count)s container", "%(count)s containers", count, count=number)
