"""Authority records (creators and name access points): a simple page per record with the
descriptions it is linked to."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import Select, or_, select

from blueprints.descriptions.blueprint import published_only, sees_drafts
from blueprints.inputs import current_page
from extensions import db
from models import ArchivalDescription, AuthorityRecord, DescriptionName, Event

bp = Blueprint("authorities", __name__, url_prefix="/authorities")


@bp.before_request
@login_required
def require_login() -> None:
    """Signed-in users only; a viewer reaches a record only through the published descriptions
    linked to it, and sees only those."""


@bp.get("/<slug>")
def view(slug: str):
    record = db.session.scalar(select(AuthorityRecord).where(AuthorityRecord.slug == slug))
    if record is not None:
        linked = published_only(_linked_to(record))
        descriptions = db.paginate(linked, page=current_page(), per_page=50, error_out=False)
        if descriptions.total or sees_drafts():
            return render_template("authorities/view.html", record=record, descriptions=descriptions)
    # (a record linked to no description a viewer may see is not there for it: its name and
    # history would tell what the drafts are about)
    abort(404, description=_("There is no authority record “%(slug)s”.", slug=slug))


def _linked_to(record: AuthorityRecord) -> Select:
    """The descriptions naming the record as a creator (an event) or as a name access point."""
    D = ArchivalDescription
    linked = or_(
        D.id.in_(select(Event.description_id).where(Event.authority_id == record.id)),
        D.id.in_(select(DescriptionName.description_id).where(DescriptionName.authority_id == record.id)),
    )
    return select(D).where(linked).order_by(D.lft)
