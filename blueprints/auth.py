"""Login and logout."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from extensions import db, login_manager
from models import LoginFailure, User

bp = Blueprint("auth", __name__)
IP_LIMIT_FACTOR = 10


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def safe_next(target: str | None) -> str:
    """Only redirect inside this site after login."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("jobs.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    username = form.username.data.strip()
    window = timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    ip = request.remote_addr or "unknown"
    for_user, from_address = LoginFailure.recent(username, ip, window)
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    # Per account, and a looser limit per address (a whole office may share one).
    if for_user >= limit or from_address >= limit * IP_LIMIT_FACTOR:
        flash(
            _(
                "Too many failed logins for this account or from your address. Try again in %(minutes)d minutes.",
                minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"],
            ),
            "error",
        )
        return render_template("auth/login.html", form=form), 429
    user = User.by_username(username)
    if user is not None and user.active and user.check_password(form.password.data):
        LoginFailure.forget(username)
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    LoginFailure.record(username, ip, window)
    flash(_("Unknown username or wrong password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """A POST (CSRF-checked by CSRFProtect) so no link or image can log you out."""
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
