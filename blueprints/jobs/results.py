"""Download a job's result file (e.g. an export's zip): only for users who may see the job."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.jobs.blueprint import bp
from models import Job

MIME_TYPES = {".zip": "application/zip", ".csv": "text/csv", ".xml": "application/xml", ".pdf": "application/pdf"}


@bp.get("/<int:job_id>/result")
def result(job_id: int):
    """404 — never 403 — for a job the user may not see, so job ids reveal nothing."""
    job = Job.get_visible(job_id, current_user)
    if job is None:
        abort(404, description=_("There is no job %(id)s that you can see.", id=job_id))
    if not job.result_path:
        abort(404, description=_("Job %(id)s has no result file.", id=job_id))
    path = Path(job.result_path).resolve()
    if not path.is_relative_to(Path(current_app.instance_path).resolve()) or not path.is_file():
        abort(404, description=_("The result file of job %(id)s is no longer there.", id=job_id))
    return send_file(
        path,
        mimetype=MIME_TYPES.get(path.suffix, "application/octet-stream"),
        as_attachment=True,
        download_name=f"job-{job.id}-{job.type}{path.suffix}",
    )
