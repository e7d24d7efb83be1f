"""The message after launching a job, shared by every page that launches one."""

from __future__ import annotations

from flask import flash, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from actors.registry import label_for
from models import Job


def flash_launched(job: Job, sent: bool) -> None:
    """The message after launching a job, honest about a queue that is down."""
    link = Markup('<a href="{}">{}</a> ({})').format(
        url_for("jobs.detail", job_id=job.id), _("job %(id)s", id=job.id), str(label_for(job.type))
    )
    if sent:
        flash(Markup(_("Launched %(job)s. Follow it on the Jobs page.", job=link)), "success")
    else:
        flash(
            Markup(
                _(
                    "Saved %(job)s, but the job queue is not reachable right now: it will start as soon as the queue "
                    "is back.",
                    job=link,
                )
            ),
            "warning",
        )
