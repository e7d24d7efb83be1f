"""Generate report: AtoM's file list, item list and box labels for a description's sub-tree.

The rows and the CSV are actors.rendering.report_rows'; the PDF, report_pdf's. The file is
written under ``instance/reports`` with a random name, first as a hidden partial file renamed
when complete (a failed or re-run job never leaves half a report to download);
``Job.result_path`` points at it and ``GET /jobs/<id>/result`` serves it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from actors.engine.context import report_progress, set_info, set_result
from actors.jobs.forms import RecordJobForm
from actors.rendering.report_containers import count_boxes
from actors.rendering.report_pdf import render_report_pdf
from actors.rendering.report_rows import KINDS, Counted, partial_file, report_rows, write_csv
from extensions import db
from models import Job
from models.description import ArchivalDescription as D

FORMATS = {"csv": _l("CSV"), "pdf": _l("PDF")}


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


def report_dir() -> Path:
    return Path(current_app.instance_path) / "reports"


def generate_report(job_id: int) -> None:
    """The "Generate report" actor."""

    job = Job.get_existing(job_id)
    kind, fmt = KINDS.get(job.parameters.get("kind", "")), job.parameters.get("format", "csv")
    if kind is None:
        raise ValueError(f"Unknown report {job.parameters.get('kind')!r}; use {', '.join(KINDS)}.")
    if fmt not in FORMATS:
        raise ValueError(f"{kind.title} cannot be made as {fmt!r}; use csv or pdf.")
    root = db.session.get(D, job.description_id) if job.description_id else None
    if root is None:
        raise LookupError("The description of this job no longer exists.")
    if kind.container_rows:
        total = count_boxes(root)
    else:
        total = db.session.execute(
            select(func.count()).where(D.lft.between(root.lft, root.rgt), D.level_of_description == kind.level)
        ).scalar_one()
    print(f"{kind.title} of “{root.title}”: {kind.count_text(total)}, as {fmt.upper()}.", flush=True)
    step = max(1, total // 20)

    def progress(done: int, every: int = 1) -> None:
        if done % every == 0 and done < total:
            report_progress(done, total, f"Listed {done} of {total} descriptions...")

    directory = report_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{secrets.token_urlsafe(18)}.{fmt}"
    rows = kind.container_rows(root) if kind.container_rows else report_rows(root, kind)
    pages = None
    with partial_file(target) as partial:
        if fmt == "csv":
            listed = write_csv(rows, kind.header, partial, lambda done: progress(done, step))
        else:
            counted = Counted(rows)
            subtitle = f"{root.identifier or ''} {root.title} — {kind.count_text(total)}".strip()
            pages = render_report_pdf(
                counted,
                partial,
                title=f"{kind.title}: {root.title}",
                subtitle=subtitle,
                header=kind.header,
                widths=kind.widths,
                on_chunk=progress,
            )
            listed = counted.count
    set_result(job_id, str(target))
    db.session.commit()
    report_progress(listed, max(listed, total), f"Listed {listed} of {max(listed, total)} descriptions.")
    pages_text = f", {pages} page{'s' if pages != 1 else ''}" if pages is not None else ""
    size_kib = target.stat().st_size / 1024
    # (no server path: the output is read by people; the file is the job's result)
    print(
        f"Report written ({fmt.upper()}{pages_text}, {size_kib:.0f} KiB): download it from /jobs/{job_id}/result.",
        flush=True,
    )
    set_info(f"{kind.title}: {kind.count_text(listed)} ({fmt.upper()}{pages_text}).")
