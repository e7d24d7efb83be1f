"""My notifications: the ends of my jobs, newest first; seeing them marks them read."""

from __future__ import annotations

from flask import Blueprint, flash, has_request_context, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from actors.registry import label_for
from extensions import db
from models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
SHOWN = 100  # the newest ones; older notices stay, unlisted (the Jobs page has the whole history)


@bp.get("")
@login_required
def index():
    notices = Notification.newest(current_user.id, SHOWN)
    unread = {notice.id for notice in notices if notice.read_at is None}
    if unread:  # seen now: read from here on (this page still marks them as new)
        Notification.mark_read(current_user.id, unread)
        db.session.commit()
    return render_template("notifications/index.html", notices=notices, unread=unread, label_for=label_for)


@bp.post("/read")
@login_required
def mark_all_read():
    marked = Notification.mark_read(current_user.id)
    db.session.commit()
    if marked:
        flash(ngettext("%(num)d notice marked read.", "%(num)d notices marked read.", marked), "success")
    else:
        flash(_("No unread notices."), "info")
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread_notices() -> dict:
    """The header's count of unread notices (pages without a user show none)."""
    if not has_request_context() or not current_user.is_authenticated:  # (an e-mail has no reader)
        return {"unread_notices": 0}
    return {"unread_notices": Notification.unread_count(current_user.id)}
