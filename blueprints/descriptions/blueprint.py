"""The descriptions blueprint object and the record lookup its views share."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import login_required

from models import ArchivalDescription

bp = Blueprint("descriptions", __name__, url_prefix="/descriptions")


@bp.before_request
@login_required
def require_login() -> None:
    """Descriptions include drafts: staff only."""


def description_or_404(slug: str) -> ArchivalDescription:
    description = ArchivalDescription.by_slug(slug)
    if description is None:
        abort(404, description=_("There is no archival description “%(slug)s”.", slug=slug))
    return description
