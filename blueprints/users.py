"""Users: the administrators' page to set roles and lift login throttling."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields import SelectChoice

from blueprints.inputs import current_page
from extensions import db
from models import LoginFailure, Role, User
from models.login_failure import ThrottlePolicy

bp = Blueprint("users", __name__, url_prefix="/users")
ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


@bp.before_request
@login_required
def require_admin() -> None:
    """Only administrators manage users."""
    if not current_user.is_admin:
        abort(403, description=_("Only administrators can manage users."))


@bp.get("/")
def index():
    users = db.paginate(db.select(User).order_by(User.username), page=current_page(), per_page=50, error_out=False)
    forms = {user.id: RoleForm(role=user.role.value, prefix=f"u{user.id}") for user in users.items}
    policy = ThrottlePolicy.from_config(current_app.config)
    failures = LoginFailure.counts([user.username for user in users.items], policy)
    return render_template("users/index.html", users=users, forms=forms, failures=failures)


@bp.post("/<int:user_id>/unlock")
def unlock(user_id: int):
    """Lift the login throttling of an account (its recent failures, from every address)."""
    user = db.session.get(User, user_id) or abort(404, description=_("There is no user %(id)d.", id=user_id))
    LoginFailure.forget(user.username)
    flash(_("%(name)s can log in again without waiting.", name=user.username), "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/role")
def set_role(user_id: int):
    user = db.session.get(User, user_id) or abort(404, description=_("There is no user %(id)d.", id=user_id))
    form = RoleForm(prefix=f"u{user.id}")
    if not form.validate_on_submit():
        flash(_("Choose one of the roles offered."), "error")
    elif user.id == current_user.id and form.role.data != Role.ADMINISTRATOR.value:
        flash(_("You cannot take away your own administrator role; ask another administrator."), "error")
    else:
        user.role = Role(form.role.data)
        db.session.commit()
        flash(_("%(name)s is now %(role)s.", name=user.username, role=str(user.role.label).lower()), "success")
    return redirect(url_for("users.index"))
