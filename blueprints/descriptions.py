"""Browse and view archival descriptions; launch and download finding aids."""
from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from actors.finding_aid import FindingAidOptions, finding_aid_dir
from actors.jobs import launch
from blueprints.jobs.views import flash_launched
from extensions import db
from models import ArchivalDescription, FindingAid, Job, JobStatus

bp = Blueprint("descriptions", __name__, url_prefix="/descriptions")


@bp.before_request
@login_required
def require_login() -> None:
    """Descriptions include drafts: staff only."""


def _description_or_404(slug: str) -> ArchivalDescription:
    description = ArchivalDescription.by_slug(slug)
    if description is None:
        abort(404, description=f"There is no archival description {slug!r}.")
    return description


@bp.get("/")
def index():
    pagination = db.paginate(ArchivalDescription.top_level(), per_page=50, error_out=False)
    return render_template("descriptions/index.html", pagination=pagination)


def _render_view(description: ArchivalDescription, form: FindingAidOptions, status: int = 200):
    children = db.paginate(
        db.select(ArchivalDescription).where(ArchivalDescription.parent_id == description.id).order_by(
            ArchivalDescription.lft
        ),
        per_page=100,
        error_out=False,
    )
    pending = db.session.scalars(
        Job.visible_to(current_user)
        .where(Job.description_id == description.id, Job.status.in_(JobStatus.active()))
        .order_by(Job.id.desc())
    ).all()
    return (
        render_template(
            "descriptions/view.html",
            description=description,
            ancestors=description.ancestors(),
            children=children,
            finding_aid=FindingAid.for_description(description.id),
            pending_jobs=pending,
            form=form,
        ),
        status,
    )


@bp.get("/<slug>")
def view(slug: str):
    return _render_view(_description_or_404(slug), FindingAidOptions())


@bp.post("/<slug>/finding-aid")
def generate_finding_aid(slug: str):
    """Launch "Generate finding aid"; another one for the same record is queued, never dropped."""
    description = _description_or_404(slug)
    form = FindingAidOptions()
    if not form.validate_on_submit():
        flash(f"Choose a finding aid format: PDF or RTF (got “{request.form.get('format', '')}”).", "error")
        return _render_view(description, form, status=400)
    form.description = description
    record, parameters = form.job_arguments()
    job, sent = launch("finding_aid", user=current_user, description=record, parameters=parameters)
    flash_launched(job, sent)
    return redirect(url_for("descriptions.view", slug=description.slug))


@bp.get("/<slug>/finding-aid")
def download_finding_aid(slug: str):
    description = _description_or_404(slug)
    aid = FindingAid.for_description(description.id)
    path = finding_aid_dir() / aid.file_name if aid else None
    if path is None or not Path(path).is_file():
        abort(404, description="No finding aid has been generated for this description yet.")
    return send_file(
        path, mimetype=aid.mime_type, as_attachment=True, download_name=f"{description.slug}.{aid.format}"
    )
