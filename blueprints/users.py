"""Users: the administrators' page: create accounts, set roles, deactivate, reset passwords, lift login throttling."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from blueprints.account import MIN_PASSWORD
from blueprints.inputs import current_page
from extensions import db
from models import LoginFailure, Role, User
from models.login_failure import ThrottlePolicy
from models.user import USERNAME_MAX, UsernameRefused, check_new_username, create_user

bp = Blueprint("users", __name__, url_prefix="/users")
ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in Role]


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class NewUserForm(FlaskForm):
    # (DataRequired: checked after _strip, so spaces alone are no name)
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=USERNAME_MAX)],
        filters=[_strip],
        description=_l("Letters (with or without accents), digits, dots, hyphens and underscores."),
    )
    # (the address is contact information only, not checked further: no mail is sent)
    email = EmailField(
        _l("Email"),
        validators=[Optional(), Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("An address like name@example.org.")),
                    Length(max=255)],
        filters=[_strip],
    )  # fmt: skip
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.EDITOR.value)
    password = PasswordField(
        _l("Temporary password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD, message=_l("At least %(min)d characters."))],
        description=_l("Give it to the person: they choose their own at their first login."),
    )

    def validate_username(self, field) -> None:
        try:
            check_new_username(field.data)
        except UsernameRefused as refused:
            raise ValidationError(str(refused)) from None


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


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = NewUserForm()
    if form.validate_on_submit():
        user = create_user(
            form.username.data, form.password.data, form.email.data or None, role=Role(form.role.data), temporary=True
        )
        flash(_("%(name)s is created; they choose their own password at their first login.", name=user.username),
              "success")  # fmt: skip
        return redirect(url_for("users.index"))
    return render_template("users/new.html", form=form), 400 if form.is_submitted() else 200


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404, description=_("There is no user %(id)d.", id=user_id))


@bp.post("/<int:user_id>/active")
def set_active(user_id: int):
    """Deactivate (logins refused, every session ended; the jobs stay) or reactivate."""
    user = _user_or_404(user_id)
    if request.form.get("active") == "1":
        user.active = True
        flash(_("%(name)s can log in again.", name=user.username), "success")
    elif user.id == current_user.id:
        flash(_("You cannot deactivate your own account; ask another administrator."), "error")
    else:
        user.deactivate()
        flash(_("%(name)s is deactivated; their sessions have ended.", name=user.username), "success")
    db.session.commit()
    return redirect(url_for("users.index"))


@bp.route("/<int:user_id>/reset-password", methods=["GET", "POST"])
def reset_password(user_id: int):
    """GET: the confirmation. POST: a temporary password, shown once here (never stored or mailed
    in clear); every session of the account ends."""
    user = _user_or_404(user_id)
    if request.method == "GET":
        return render_template("users/reset_confirm.html", user=user)
    temporary = secrets.token_urlsafe(12)
    user.set_password(temporary, temporary=True)
    db.session.commit()
    page = make_response(render_template("users/temporary_password.html", user=user, temporary=temporary))
    # Not kept by the browser or a proxy: Back or the history must not show it again (L7).
    page.headers["Cache-Control"] = "no-store"
    return page


@bp.post("/<int:user_id>/unlock")
def unlock(user_id: int):
    """Lift the login throttling of an account (its recent failures, from every address)."""
    user = _user_or_404(user_id)
    LoginFailure.forget(user.username)
    flash(_("%(name)s can log in again without waiting.", name=user.username), "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/role")
def set_role(user_id: int):
    user = _user_or_404(user_id)
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
