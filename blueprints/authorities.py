"""Authority records (creators and name access points): a simple page per record with the
descriptions it is linked to."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import or_, select

from blueprints.descriptions.blueprint import published_only
from blueprints.inputs import current_page
from extensions import db
from models import ArchivalDescription, AuthorityRecord, DescriptionName, Event

bp = Blueprint("authorities", __name__, url_prefix="/authorities")


@bp.before_request
@login_required
def require_login() -> None:
    """Signed-in users only; a viewer sees the published descriptions it is linked to."""


@bp.get("/<slug>")
def view(slug: str):
    record = db.session.scalar(select(AuthorityRecord).where(AuthorityRecord.slug == slug))
    if record is None:
        abort(404, description=_("There is no authority record “%(slug)s”.", slug=slug))
    D = ArchivalDescription
    linked = or_(
        D.id.in_(select(Event.description_id).where(Event.authority_id == record.id)),
        D.id.in_(select(DescriptionName.description_id).where(DescriptionName.authority_id == record.id)),
    )
    query = published_only(select(D).where(linked).order_by(D.lft))
    descriptions = db.paginate(query, page=current_page(), per_page=50, error_out=False)
    return render_template("authorities/view.html", record=record, descriptions=descriptions)
