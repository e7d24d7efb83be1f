"""Browse and view archival descriptions; launch and download finding aids; rights statements."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from actors.engine.launching import launch
from actors.registry import JOB_TYPES
from actors.rendering.description_areas import areas
from blueprints.descriptions.actions import job_links, undoable
from blueprints.descriptions.blueprint import bp, description_or_404, published_only, sees_drafts, visible_ancestors
from blueprints.descriptions.contents import contents_of, descendants_seen
from blueprints.descriptions.finding_aids import FindingAidUploadForm
from blueprints.inputs import current_page, db_int
from blueprints.jobs.changes import history_of
from blueprints.launched import flash_launched
from extensions import db
from models import ArchivalDescription, FindingAid, Job, JobStatus, LevelOfDescription, Repository
from models.description_parts import Related
from models.description_related import related_of
from models.finding_aid import finding_aid_dir
from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement

EDIT_RIGHTS = "edit_descriptions"


@bp.get("/")
def index():
    """Top-level descriptions; with a level or a repository chosen, every description that has it."""
    levels, repositories = _browse_filters()
    level = request.args.get("level", "")
    repository = request.args.get("repository", type=db_int)
    query = ArchivalDescription.top_level()
    if level in levels or repository in repositories:
        query = db.select(ArchivalDescription).order_by(ArchivalDescription.lft)
        if level in levels:
            query = query.where(ArchivalDescription.level_of_description == level)
        if repository in repositories:
            query = query.where(ArchivalDescription.repository_id == repository)
    pagination = db.paginate(published_only(query), page=current_page(), per_page=50, error_out=False)
    return render_template(
        "descriptions/index.html",
        pagination=pagination,
        levels=levels,
        repositories=repositories,
        level=level if level in levels else "",
        repository=repository if repository in repositories else None,
    )


def _browse_filters() -> tuple[dict[str, str], dict[int, str]]:
    """The levels ({key: name}) and the repositories ({id: name}) to browse by. A viewer's are
    those published descriptions use: one that only drafts use would tell what the drafts are."""
    levels = LevelOfDescription.names()
    repositories = db.select(Repository.id, Repository.name).order_by(Repository.name)
    if not sees_drafts():
        D = ArchivalDescription
        used = set(db.session.scalars(published_only(db.select(D.level_of_description).distinct())))
        levels = {key: name for key, name in levels.items() if key in used}
        repositories = repositories.where(Repository.id.in_(published_only(db.select(D.repository_id))))
    return levels, dict(db.session.execute(repositories).all())


def _choices(cls) -> list[tuple[str, str]]:
    return [SelectChoice(member.value, member.lazy_label) for member in cls]


class RightsStatementForm(FlaskForm):
    """Add one rights statement to a description (editors)."""

    basis = SelectField(_l("Basis"), choices=_choices(RightsBasis), validators=[InputRequired()])
    act = SelectField(_l("Act"), choices=_choices(RightsAct), validators=[InputRequired()])
    restriction = SelectField(_l("Restriction"), choices=_choices(RightsRestriction), validators=[InputRequired()])
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(_l("End date"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional()])

    def validate_end_date(self, field) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("The end date is before the start date."))


def _render_view(
    description: ArchivalDescription,
    form: FlaskForm,
    status: int = 200,
    rights_form: RightsStatementForm | None = None,
):
    children = db.paginate(contents_of(description), page=current_page(), per_page=100, error_out=False)
    pending = db.session.scalars(
        Job.visible_to(current_user)
        .where(Job.description_id == description.id, Job.status.in_(JobStatus.active()))
        .order_by(Job.id.desc())
    ).all()
    history = history_of(description.id, current_user)
    related = related_of([description], {}).get(description.id) or Related()
    level_name = LevelOfDescription.names().get(description.level_of_description) or description.level_of_description
    return (
        render_template(
            "descriptions/view.html",
            description=description,
            areas=areas(description, related, level_name),
            containers=related.containers,
            ancestors=visible_ancestors(description),
            children=children,
            descendants=descendants_seen(description),
            history=history,
            finding_aid=finding_aid_seen(description),
            upload_form=FindingAidUploadForm() if current_user.can(EDIT_RIGHTS) else None,
            pending_jobs=pending,
            form=form if may_generate_finding_aid() else None,
            job_links=job_links(description),
            undo_last=undoable(history[0][0] if history else None),
            rights=RightsStatement.of(description.id),
            rights_form=rights_form or (RightsStatementForm() if current_user.can(EDIT_RIGHTS) else None),
        ),
        status,
    )


def finding_aid_seen(description: ArchivalDescription) -> FindingAid | None:
    """Its finding aid, if the user may have it: a viewer gets only one "as the public sees it"
    (the page then offers no download that would answer 404)."""
    aid = FindingAid.for_description(description.id)
    if aid and not sees_drafts() and not aid.shows_published_only():
        return None
    return aid


def _finding_aid_options() -> FlaskForm:
    """The finding-aid options the page offers (format, model, public), from the job type."""
    page_form = JOB_TYPES["finding_aid"].page_form
    assert page_form is not None
    return page_form()


def may_generate_finding_aid() -> bool:
    return JOB_TYPES["finding_aid"].may_create(current_user)


@bp.get("/<slug>")
def view(slug: str):
    return _render_view(description_or_404(slug), _finding_aid_options())


@bp.post("/<slug>/finding-aid")
def generate_finding_aid(slug: str):
    """Launch "Generate finding aid"; another one for the same record is queued, never dropped."""
    description = description_or_404(slug)
    if not may_generate_finding_aid():  # the same question as the "Create background job" menu
        abort(403, description=_("Your role may not generate finding aids."))
    form = _finding_aid_options()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _render_view(description, form, status=400)
    form.description = description
    record, parameters = form.job_arguments()
    job, sent = launch("finding_aid", user=current_user, description=record, parameters=parameters)
    flash_launched(job, sent)
    return redirect(url_for("descriptions.view", slug=description.slug))


def _flash_form_errors(form: FlaskForm) -> None:
    """Say what was wrong with each field (the form on the page shows the same beside it)."""
    for name, errors in form.errors.items():
        if name == "format":
            flash(
                _("Choose a finding aid format: PDF or RTF (got “%(format)s”).", format=request.form.get("format", "")),
                "error",
            )
        else:
            flash(f"{form[name].label.text}: {' '.join(errors)}", "error")


@bp.get("/<slug>/finding-aid")
def download_finding_aid(slug: str):
    description = description_or_404(slug)
    aid = finding_aid_seen(description)
    path = finding_aid_dir() / aid.file_name if aid else None
    if aid is None or path is None or not path.is_file():
        abort(404, description=_("No finding aid has been generated for this description yet."))
    return send_file(path, mimetype=aid.mime_type, as_attachment=True, download_name=f"{description.slug}.{aid.format}")


@bp.post("/<slug>/rights")
def add_rights_statement(slug: str):
    description = description_or_404(slug)
    if not current_user.can(EDIT_RIGHTS):
        abort(403, description=_("You may not edit rights statements."))
    rights_form = RightsStatementForm()
    if not rights_form.validate_on_submit():
        flash(_("The rights statement was not added: please correct the fields below."), "error")
        return _render_view(description, _finding_aid_options(), status=400, rights_form=rights_form)
    data = rights_form.data
    db.session.add(
        RightsStatement(
            description_id=description.id,
            basis=RightsBasis(data["basis"]),
            act=RightsAct(data["act"]),
            restriction=RightsRestriction(data["restriction"]),
            start_date=data["start_date"],
            end_date=data["end_date"],
            note=(data["note"] or "").strip() or None,
        )
    )
    db.session.commit()
    flash(_("Rights statement added."), "success")
    return redirect(url_for("descriptions.view", slug=description.slug) + "#rights-heading")
