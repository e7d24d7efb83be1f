"""Generate report: AtoM's file list, item list and box labels for a description's sub-tree.

Rows stream from one range query over the nested set, filtered to the listed level and
the few ancestor levels a row names (its series, file or fonds): the open ancestors are a
stack as deep as the tree, so a report of any size needs little memory. The file is
written under ``instance/reports`` with a random name, first as a hidden partial file renamed
when complete (a failed or re-run job never leaves half a report to download);
``Job.result_path`` points at it and ``GET /jobs/<id>/result`` serves it.
"""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, func, select, update
from wtforms import SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired

from actors.engine.context import report_progress, set_info
from actors.forms import RecordJobForm
from actors.rendering.report_pdf import ReportRow, render_report_pdf
from actors.report_containers import box_label_rows, count_boxes, storage_location_rows
from extensions import db
from models import Job
from models.description import ArchivalDescription as D
from models.spreadsheet import guard_for_spreadsheet

COLUMNS = (D.id, D.lft, D.rgt, D.identifier, D.title, D.level_of_description, D.dates, D.extent_and_medium)
FORMATS = {"csv": _l("CSV"), "pdf": _l("PDF")}


def _named(row: Row | None) -> str:
    """An ancestor as one cell: "identifier – title"."""
    return " – ".join(part for part in (row.identifier, row.title) if part) if row is not None else ""


@dataclass(frozen=True)
class ReportKind:
    """What a report lists, and how each row reads. Titles and headers are English, like finding aids."""

    title: str  # in the file and the Info column
    label: object  # lazy, for the form
    level: str  # the level of description listed
    context_levels: tuple[str, ...]  # the ancestor a row names: the nearest at one of these levels
    nouns: tuple[str, str]  # singular, plural
    header: tuple[str, ...]
    widths: tuple[int, ...]  # PDF column widths, percent
    cells: Callable[[Row, Row | None], Sequence[str]] | None
    # Reports of physical storage list containers, not descriptions of one level.
    container_rows: Callable[[D], Iterator[ReportRow]] | None = None

    def count_text(self, count: int) -> str:
        return f"{count} {self.nouns[count != 1]}"


KINDS = {
    "file_list": ReportKind(
        "File list",
        _l("File list"),
        "file",
        ("series", "subseries"),
        ("file", "files"),
        ("Reference code", "Title", "Dates", "Extent", "Series"),
        (15, 32, 11, 17, 25),
        lambda row, series: (
            row.identifier or "",
            row.title,
            row.dates or "",
            row.extent_and_medium or "",
            _named(series),
        ),
    ),
    "item_list": ReportKind(
        "Item list",
        _l("Item list"),
        "item",
        ("file",),
        ("item", "items"),
        ("Identifier", "Title", "Dates", "File"),
        (15, 43, 11, 31),
        lambda row, file: (row.identifier or "", row.title, row.dates or "", _named(file)),
    ),
    "box_labels": ReportKind(
        "Box labels",
        _l("Box labels"),
        "",
        (),
        ("label", "labels"),
        ("Container", "Location", "Fonds", "Reference codes", "Contents"),
        (12, 16, 20, 16, 36),
        None,
        container_rows=box_label_rows,
    ),
    "storage_locations": ReportKind(
        "Storage locations",
        _l("Storage locations"),
        "",
        (),
        ("container", "containers"),
        ("Location", "Container", "Descriptions", "Reference codes", "Contents"),
        (18, 12, 10, 18, 42),
        None,
        container_rows=storage_location_rows,
    ),
}


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


def _in_tree_order(*conditions) -> Iterator[Row]:
    query = select(*COLUMNS).where(*conditions).order_by(D.lft).execution_options(yield_per=1000, stream_results=True)
    return iter(db.session.execute(query))


def report_rows(root: D, kind: ReportKind) -> Iterator[ReportRow]:
    """The rows of the report, in tree order, each with its nearest context ancestor."""
    in_context = D.level_of_description.in_(kind.context_levels)
    # The context may lie above the root (a file list of a series names that series).
    stack = list(_in_tree_order(D.lft < root.lft, D.rgt > root.rgt, in_context))
    wanted = D.level_of_description.in_((kind.level, *kind.context_levels))
    for row in _in_tree_order(D.lft.between(root.lft, root.rgt), wanted):
        while stack and stack[-1].rgt < row.lft:
            stack.pop()
        if row.level_of_description == kind.level:
            yield ReportRow(row.id, kind.cells(row, stack[-1] if stack else None))
        if row.level_of_description in kind.context_levels:
            stack.append(row)


class Counted:
    """Rows passed through, counted: what the report really listed (the tree may change after the count)."""

    def __init__(self, rows: Iterator[ReportRow]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[ReportRow]:
        for row in self.rows:
            self.count += 1
            yield row


@contextmanager
def _partial_file(dest: Path) -> Iterator[Path]:
    """A hidden path beside dest, renamed to dest only if the block succeeds."""
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        yield partial
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def write_csv(rows: Iterator[ReportRow], header: Sequence[str], dest: Path, on_row: Callable[[int], None]) -> int:
    """Header, then one line per row (spreadsheet formulas neutralized); returns the row count."""
    count = 0
    with open(dest, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([guard_for_spreadsheet(cell) for cell in row.cells])
            count += 1
            on_row(count)
    return count


def generate_report(job_id: int) -> None:
    """The "Generate report" actor."""

    job = db.session.get(Job, job_id)
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
        total = db.session.scalar(
            select(func.count()).where(D.lft.between(root.lft, root.rgt), D.level_of_description == kind.level)
        )
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
    with _partial_file(target) as partial:
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
    db.session.execute(update(Job).where(Job.id == job_id).values(result_path=str(target)))
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
