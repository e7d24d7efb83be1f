"""The descriptions blueprint object and the record lookup its views share."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import Select, select

from extensions import db
from models import ArchivalDescription, PublicationStatus
from models.user import SEE_DRAFTS

bp = Blueprint("descriptions", __name__, url_prefix="/descriptions")


@bp.before_request
@login_required
def require_login() -> None:
    """Signed-in users only; viewers see published descriptions only (see_drafts)."""


def sees_drafts() -> bool:
    return current_user.can(SEE_DRAFTS)


def published_only(query: Select) -> Select:
    """The query narrowed to what the current user may see: published records, for a viewer."""
    if sees_drafts():
        return query
    return query.where(ArchivalDescription.publication_status == PublicationStatus.PUBLISHED)


def visible_ancestors(description: ArchivalDescription) -> list[ArchivalDescription]:
    """The breadcrumb: a viewer's leaves out draft ancestors (their titles are not theirs to read)."""
    ancestors = description.ancestors()
    if sees_drafts():
        return ancestors
    return [a for a in ancestors if a.publication_status == PublicationStatus.PUBLISHED]


def visible_description(slug: str) -> ArchivalDescription | None:
    """The description of that slug if the current user may see it: a draft is, for a viewer,
    no more there than a slug nobody uses."""
    return db.session.scalar(published_only(select(ArchivalDescription).where(ArchivalDescription.slug == slug)))


def description_or_404(slug: str) -> ArchivalDescription:
    description = visible_description(slug)
    if description is None:
        abort(404, description=_("There is no archival description “%(slug)s”.", slug=slug))
    return description
