"""Export descriptions: one or more sub-trees as AtoM CSV or EAD 2002, in a zip.

The zip is written (streamed: rows go straight from the database cursor into the
compressed member) under the instance folder with a random name, first as ``.part`` and
renamed when complete, so a failed or re-run export never leaves half a file to download.
``Job.result_path`` points at it; ``GET /jobs/<id>/result`` serves it to who may see the job.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row
from wtforms import SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from actors.engine.context import report_progress, set_info, set_result
from actors.formats import FORMAT_NAMES
from actors.formats.atom_csv.writer import CsvExport
from actors.formats.ead.writer import EadExport
from actors.formats.writing import parse_slugs, subtree_rows
from actors.jobs.forms import CHOOSE_ONE, JobForm, RecordField, _record_from_query, not_found
from extensions import db
from models import ArchivalDescription, Job
from models.tree import lock_tree


def _resolve_records(form: ExportForm, field: StringField) -> None:
    slugs = parse_slugs(field.data or "")
    found = ArchivalDescription.places_of(slugs)
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise not_found(", ".join(missing))
    if not slugs:
        raise ValidationError(CHOOSE_ONE)
    form.description = ArchivalDescription.by_slug(slugs[0])
    form.slugs = slugs


class ExportForm(JobForm):
    PARAMETER_FIELDS: ClassVar[dict[str, str]] = {"slugs": "record"}  # (the job keeps its picks as "slugs")

    record = RecordField(
        _l("Descriptions"),
        default=_record_from_query,  # (a description page's Export links here with its record)
        validators=[InputRequired(message=CHOOSE_ONE), _resolve_records],
        description=_l(
            "Type part of a title and choose from the suggestions, once per description; each with its sub-tree."
        ),
        many=True,
    )
    format = SelectField(
        _l("Format"),
        choices=[SelectChoice(key, label) for key, label in FORMAT_NAMES.items()],
        default="csv",
        validators=[InputRequired()],
    )
    slugs: Sequence[str] = ()  # set by _resolve_records; immutable: a class default is shared by every form

    def job_arguments(self) -> tuple[ArchivalDescription | None, dict[str, Any]]:
        description, parameters = super().job_arguments()
        parameters["slugs"] = list(self.slugs)
        return description, parameters


def export_dir() -> Path:
    return Path(current_app.instance_path) / "exports"


def export_roots(slugs: list[str]) -> list[ArchivalDescription]:
    """The records to export, in the order asked; one inside another is exported once, with it."""
    places = ArchivalDescription.places_of(slugs)
    gone = [slug for slug in slugs if slug not in places]
    if gone:
        raise LookupError(_("The description “%(slug)s” no longer exists.", slug=gone[0]))
    nested = _nested(places.values())
    kept = [slug for slug in slugs if places[slug].id not in nested]
    records = ArchivalDescription.by_slugs(kept)
    return [records[slug] for slug in kept]


def _nested(places: Iterable[Row]) -> set[int]:
    """Ids of the places inside another one: in ``lft`` order, inside the last one not itself
    inside one (nested sets do not overlap), so tens of thousands are not compared pairwise."""
    nested: set[int] = set()
    outer = None
    for place in sorted(places, key=lambda p: p.lft):
        if outer is not None and outer.lft < place.lft and place.rgt < outer.rgt:
            nested.add(place.id)
        else:
            outer = place
    return nested


def export_descriptions(job_id: int) -> None:
    """The "Export descriptions" actor."""

    job = Job.get_existing(job_id)
    fmt = job.parameters.get("format", "csv")
    if fmt not in FORMAT_NAMES:
        raise ValueError(
            _("Unknown export format %(format)r; use %(known)s.", format=fmt, known=", ".join(FORMAT_NAMES))
        )
    slugs = job.parameters.get("slugs") or ([job.description.slug] if job.description else [])
    if db.engine.dialect.name == "postgresql":  # no move renumbers the tree while we read it
        lock_tree(0)  # (shared; on SQLite it would block every writer for the whole export)
    roots = export_roots(slugs)
    if not roots:
        raise LookupError(_("There is nothing to export: no description was chosen."))
    total = sum(root.descendant_count + 1 for root in roots)
    slugs_text = ", ".join(r.slug for r in roots)
    print(
        ngettext(
            "Exporting %(total)s description (%(slugs)s) as %(format)s.",
            "Exporting %(total)s descriptions (%(slugs)s) as %(format)s.",
            total,
            total=format_decimal(total),
            slugs=slugs_text,
            format=FORMAT_NAMES[fmt],
        ),
        flush=True,
    )

    directory = export_dir()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{secrets.token_urlsafe(18)}.zip"
    partial = target.with_suffix(".part")
    done, step = 0, max(1, total // 100)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, root_group in _members(roots, fmt):
                with archive.open(name, "w", force_zip64=True) as member:
                    stream = io.TextIOWrapper(member, encoding="utf-8", newline="")
                    writer = CsvExport(stream, root_group) if fmt == "csv" else EadExport(stream, fmt)
                    for root in root_group:
                        for _written in writer.write_tree(db.session.execute(subtree_rows(root)), root.id):
                            done += 1
                            if done % step == 0:
                                report_progress(done, total, _exported(done, total) + "...")
                    stream.flush()
                    stream.detach()
        partial.rename(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    set_result(job_id, str(target))
    db.session.commit()
    report_progress(total, total, _exported(total, total) + ".")
    size = format_decimal(round(target.stat().st_size / 1024))
    print(_("Zip written (%(size)s KiB): download it from /jobs/%(job)s/result.", size=size, job=job_id))
    set_info(
        ngettext(
            "Exported %(total)s description (%(format)s, zip).",
            "Exported %(total)s descriptions (%(format)s, zip).",
            total,
            total=format_decimal(total),
            format=FORMAT_NAMES[fmt],
        )
    )


def _exported(done: int, total: int) -> str:
    return ngettext(
        "Exported %(done)s of %(total)s description",
        "Exported %(done)s of %(total)s descriptions",
        total,
        done=format_decimal(done),
        total=format_decimal(total),
    )


def _members(roots: list[ArchivalDescription], fmt: str) -> list[tuple[str, list[ArchivalDescription]]]:
    """CSV: one file with every tree (parentId links them); EAD (2002 or 3): one finding aid per tree."""
    if fmt == "csv":
        return [(f"{roots[0].slug}.csv", roots)]
    return [(f"{root.slug}.xml", [root]) for root in roots]
