"""Bulk retry / cancel / clear of every job matching the Jobs page's filters.

GET shows how many jobs the action will touch and a form; POST (with CSRF) does it.
The set is always within what the user may see (their own jobs; admins: all), and
the POST touches no job newer than the confirmed one (`upto`), so jobs launched
meanwhile are never swept up by a confirmation given before they existed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import Select, exists, func, or_
from sqlalchemy.orm import aliased

from actors.engine import clearing, launching, lifecycle
from actors.registry import cancelable_by, retryable_by
from blueprints.inputs import db_int
from blueprints.jobs.blueprint import bp
from blueprints.jobs.filters import JobFilter
from blueprints.jobs.queries import jobs_for
from extensions import db
from models import Job, JobStatus, User

TICKED_LIMIT = 500  # rows a user can tick on pages of JOBS_PER_PAGE: far more than enough
PREVIEW_SIZE = 5  # jobs a confirmation names before "and N more" (its buttons stay on a phone's screen)
# Retry sends one message per job: more than this per confirmation is done in several goes.
BULK_RETRY_LIMIT = 1000


@dataclass(frozen=True)
class BulkAction:
    verb: str  # button and title (templates/jobs/bulk.html words each action's sentences whole)
    done: Callable[[int], str]  # the message once done, for a count
    explains: str


ACTIONS = {
    "retry": BulkAction(
        _l("Retry"),
        lambda n: ngettext("Retried %(num)d job.", "Retried %(num)d jobs.", n),
        _l(
            "Each job that ended in Error or was Canceled, and was not retried yet, is launched again as a new job "
            "linked to it."
        ),
    ),
    "cancel": BulkAction(
        _l("Cancel"),
        lambda n: ngettext("Canceled %(num)d job.", "Canceled %(num)d jobs.", n),
        _l("Queued jobs are canceled at once and never run; running jobs stop at their next checkpoint."),
    ),
    "clear": BulkAction(
        _l("Clear"),
        lambda n: ngettext("Cleared %(num)d inactive job.", "Cleared %(num)d inactive jobs.", n),
        _l(
            "Completed, failed and canceled jobs go; queued and running ones stay. "
            "Export the history CSV first to keep a record."
        ),
    ),
}


def allowed_actions(user: User) -> list[str]:
    """The bulk actions this user's role allows: the single-job question for some type."""
    may = {"retry": bool(retryable_by(user)), "cancel": bool(cancelable_by(user)), "clear": True}
    return [action for action in ACTIONS if may[action]]


def eligible(action: str, query: Select) -> Select:
    """The jobs of query that action applies to, with the single-job rules."""
    if action == "cancel":
        return query.where(
            Job.type.in_(cancelable_by(current_user)),
            (Job.status == JobStatus.QUEUED) | ((Job.status == JobStatus.RUNNING) & Job.cancel_requested_at.is_(None)),
        )
    if action == "retry":
        retried = aliased(Job)
        return query.where(
            Job.status.in_((JobStatus.ERROR, JobStatus.CANCELED)),
            Job.type.in_(retryable_by(current_user)),  # not a type no longer installed, or not this user's
            ~exists().where(retried.retry_of_id == Job.id),
        )
    return query.where(Job.status.in_(JobStatus.inactive()), Job.clearable())  # (as clearing deletes: named = gone)


def _selection(action: str) -> tuple[JobFilter, str, Select]:
    if action not in ACTIONS:
        abort(404, description=_("There is no bulk action “%(action)s”.", action=action))
    if action not in allowed_actions(current_user):
        abort(403, description=_("Your role does not allow this action on jobs."))
    filters = JobFilter.from_args(request.args, current_user)
    tab = "active" if request.args.get("tab") == "active" else "all"
    query = eligible(action, jobs_for(current_user, tab, filters))
    if "ids" in request.args:  # the ticked rows only (still within what the user may see and act on)
        ticked = request.args.getlist("ids", type=db_int)  # (values db_int refuses are left out)
        query = query.where(Job.id.in_(ticked[:TICKED_LIMIT]))
    return filters, tab, query


def confirmation(query: Select) -> dict[str, Any]:
    """What a confirmation page states of the jobs an action will touch: how many, the newest id
    and the latest end among them (its POST touches none newer, nor one that ended since:
    ``upto``, ``ended_upto``) and the first PREVIEW_SIZE of them, newest first."""
    count, upto, ended = db.session.execute(
        query.with_only_columns(func.count(), func.max(Job.id), func.max(Job.finished_at))
    ).one()
    preview = db.session.scalars(query.order_by(Job.id.desc()).limit(PREVIEW_SIZE)).unique().all()
    return {
        "count": count,
        "upto": upto,
        "ended_upto": ended.isoformat() if ended else "",
        "preview": preview,
        "whose": whose(count, _others(query)) if current_user.is_admin else "",
    }


def _others(query: Select) -> list[tuple[str | None, int]]:
    """(username, how many) of the jobs of query that are not the current user's, most first
    (None: launched from the command line, or by a deleted user)."""
    others = or_(Job.user_id.is_(None), Job.user_id != current_user.id)
    rows = db.session.execute(
        query.with_only_columns(User.username, func.count())
        .select_from(Job)
        .outerjoin(User, User.id == Job.user_id)
        .where(others)
        .group_by(User.username)
        .order_by(func.count().desc(), User.username)
    )
    return [(username, n) for username, n in rows]


def whose(count: int, others: list[tuple[str | None, int]]) -> str:
    """ "1 of them connie's, 2 of them bob's": an administrator's action names the jobs that are
    not hers, whoever's they are ("" when all are hers)."""
    pieces = []
    for username, n in others:
        if username is None:
            piece = (
                ngettext("from the command line", "all of them from the command line", n)
                if n == count
                else ngettext("%(num)d of them from the command line", "%(num)d of them from the command line", n)
            )
        elif n == count:
            piece = ngettext("%(user)s's", "all of them %(user)s's", n, user=username)
        else:
            piece = ngettext("%(num)d of them %(user)s's", "%(num)d of them %(user)s's", n, user=username)
        pieces.append(piece)
    return ", ".join(pieces)


def as_confirmed(query: Select) -> Select | None:
    """query narrowed to the jobs the confirmation named (None: the form did not say which): none
    newer than ``upto``, and none that ended after the page was shown (a job running then,
    finished since, was not named)."""
    upto = request.form.get("upto", type=db_int)
    if upto is None:
        return None
    query = query.where(Job.id <= upto)
    try:
        ended = datetime.fromisoformat(request.form.get("ended_upto", ""))
    except ValueError:  # no job of the confirmation had ended (or an old page): only those still running
        return query.where(Job.finished_at.is_(None))
    return query.where(or_(Job.finished_at.is_(None), Job.finished_at <= ended))


@bp.get("/bulk/<action>")
def bulk_confirm(action: str):
    filters, tab, query = _selection(action)
    return render_template(
        "jobs/bulk.html",
        **confirmation(query),
        action=action,
        spec=ACTIONS[action],
        tab=tab,
        filters=filters,
        filter_args=filters.args(),
        ticked_arg={"ids": request.args.getlist("ids")} if "ids" in request.args else {},
        retry_limit=current_app.config.get("JOBS_BULK_RETRY_LIMIT", BULK_RETRY_LIMIT),
    )


@bp.post("/bulk/<action>")
def bulk_apply(action: str):
    filters, tab, query = _selection(action)
    confirmed = as_confirmed(query)
    if confirmed is None:
        flash(_("Nothing was changed: the confirmation did not say which jobs."), "info")
    else:
        query = confirmed
        count = {"cancel": _cancel, "retry": _retry, "clear": clearing.delete_jobs}[action](query)
        flash(
            ACTIONS[action].done(count) if count else _("No job matched: nothing was changed."),
            "success" if count else "info",
        )
    back = "jobs.active" if tab == "active" else "jobs.index"
    # mypy matches a **dict[str, str] against url_for's own _external: bool too (python/mypy#5382);
    # args() holds only filter names, none of url_for's options.
    return redirect(url_for(back, **filters.args()))  # type: ignore[arg-type]


def _cancel(query: Select) -> int:
    """As the single cancel: queued -> Canceled now, running -> cancel requested."""
    return sum(lifecycle.cancel(query.with_only_columns(Job.id), current_user.username))


def _retry(query: Select) -> int:
    """One new job per original through launch (row, commit, message), oldest first."""
    limit = current_app.config.get("JOBS_BULK_RETRY_LIMIT", BULK_RETRY_LIMIT)
    originals = list(db.session.scalars(query.order_by(Job.id).limit(limit)).unique())
    unsent = 0
    for job in originals:
        _, sent = launching.retry(job, current_user)
        unsent += not sent
    if unsent:
        flash(
            _(
                "%(count)s of the new jobs are saved but the queue is not reachable: they start when it is back.",
                count=unsent,
            ),
            "warning",
        )
    return len(originals)
