"""The Jobs page (All / Active tabs): its list, its one health line, and only the tools that
would do something for this user on this page (issue 27: nothing offered that answers "not
allowed" or "nothing to do")."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from actors.ledger.undoable import undone_among
from actors.registry import cancelable_by
from blueprints.inputs import db_int
from blueprints.jobs.blueprint import bp
from blueprints.jobs.bulk import allowed_actions
from blueprints.jobs.filters import JobFilter, type_choices
from blueprints.jobs.queries import SEARCH_WINDOW, KeysetPage, counts, health, jobs_for, keyset_page
from extensions import db
from models import JobStatus
from models.base import utcnow

TABS = {"all": "jobs.index", "active": "jobs.active"}


def tools(tab: str, listing: KeysetPage, active_jobs: int) -> dict[str, object]:
    """The toolbar's actions this user may take that can touch a job shown here: none on an
    empty page; on the Active tab only cancel (nothing there can be cleared or retried); no
    cancel when nothing is queued or running. Clear is one entry, beside the menus."""
    if not listing.items:
        return {"ticked_actions": [], "every_actions": [], "may_clear": False}
    useful = {"active": ("cancel",), "all": ("retry", "cancel", "clear")}[tab]
    actions = [a for a in allowed_actions(current_user) if a in useful and (a != "cancel" or active_jobs)]
    return {
        "ticked_actions": actions,
        "every_actions": [a for a in actions if a != "clear"],
        "may_clear": "clear" in actions,
    }


def list_context(tab: str) -> dict:
    """Filters, one keyset page, counts and health: what the page and its partial show."""
    filters = JobFilter.from_args(request.args, current_user)
    listing = keyset_page(
        jobs_for(current_user, tab, filters, search=False),
        current_app.config["JOBS_PER_PAGE"],
        before=request.args.get("before", type=db_int),
        after=request.args.get("after", type=db_int),
        search=filters.search_criterion(),
        window=current_app.config.get("JOBS_SEARCH_WINDOW", SEARCH_WINDOW),
    )
    glance = counts(current_user)
    return {
        "tab": tab,
        "listing": listing,
        "undone": undone_among([job.id for job in listing.items]),
        "filters": filters,
        "filter_args": filters.args(),
        "counts": glance,
        "health": health(),
        "auto_refresh": request.args.get("autorefresh") == "1",
        "statuses": list(JobStatus),
        "type_choices": type_choices(),
        "cancelable": set(cancelable_by(current_user)),
        "retention_days": current_app.config.get("JOBS_RETENTION_DAYS"),
        **tools(tab, listing, glance["queued"] + glance["running"]),
    }


def _list(tab: str):
    context = list_context(tab)
    if request.args.get("partial") == "1":
        return render_template("jobs/_table.html", **context)
    return render_template("jobs/index.html", **context)


@bp.get("/")
def index():
    return _list("all")


@bp.get("/active")
def active():
    return _list("active")


@bp.post("/failures/seen")
def mark_failures_seen():
    """The user has dealt with the failures shown: the count starts again from now (theirs
    alone: an administrator's look does not hide a failure from its owner)."""
    current_user.failures_seen_at = utcnow()
    db.session.commit()
    flash(_("The failures so far are marked as seen: only new ones are counted."), "success")
    return redirect(url_for(TABS.get(request.form.get("tab", ""), "jobs.index")))
