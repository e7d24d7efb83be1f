"""Replace a generated finding aid by an uploaded PDF, or delete it (editors)."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms.validators import ValidationError

from blueprints.descriptions.blueprint import bp, description_or_404
from models.finding_aid import delete_finding_aid, finding_aid_dir, replace_finding_aid

EDIT = "edit_descriptions"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _is_pdf(form, field) -> None:
    """A real PDF (its signature, not just its name), not empty, not too big."""
    upload = field.data
    head = upload.stream.read(5)
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if head != b"%PDF-":
        raise ValidationError(_("This is not a PDF file: a finding aid upload must be a PDF."))
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than %(mb)d MB.", mb=MAX_UPLOAD_BYTES // (1024 * 1024)))


class FindingAidUploadForm(FlaskForm):
    file = FileField(_l("Finding aid PDF"), validators=[FileRequired(_l("Choose a PDF file.")), _is_pdf])


def _editor_only() -> None:
    if not current_user.can(EDIT):
        abort(403, description=_("You may not change finding aids."))


@bp.post("/<slug>/finding-aid/upload")
def upload_finding_aid(slug: str):
    description = description_or_404(slug)
    _editor_only()
    form = FindingAidUploadForm()
    if form.validate_on_submit():
        directory = finding_aid_dir()
        directory.mkdir(parents=True, exist_ok=True)
        file_name = f"{secrets.token_urlsafe(24)}.pdf"
        form.file.data.save(directory / file_name)
        replace_finding_aid(description.id, "pdf", file_name, uploaded_by=current_user.username)
        flash(_("The uploaded PDF is now the finding aid of this description."), "success")
    else:
        flash(" ".join(str(error) for error in form.file.errors or form.errors.get("csrf_token", [])), "error")
    return redirect(url_for("descriptions.view", slug=description.slug) + "#finding-aid-heading")


@bp.post("/<slug>/finding-aid/delete")
def remove_finding_aid(slug: str):
    description = description_or_404(slug)
    _editor_only()
    if delete_finding_aid(description.id):
        flash(_("The finding aid was deleted."), "success")
    else:
        flash(_("This description has no finding aid to delete."), "info")
    return redirect(url_for("descriptions.view", slug=description.slug) + "#finding-aid-heading")
