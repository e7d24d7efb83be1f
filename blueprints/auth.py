"""Login and logout."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from extensions import db, login_manager
from models import LoginFailure, User
from models.login_failure import ThrottlePolicy

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return User.load_session_user(session_id)


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
    address = request.remote_addr or "unknown"  # the client's, behind TRUSTED_PROXIES (ProxyFix)
    # The try is claimed before the password is looked at (parallel guesses count: L11).
    attempt = LoginFailure.claim(username, address, ThrottlePolicy.from_config(current_app.config))
    if attempt.wait:
        # The password is not even looked at: a guess sent too early tells nothing.
        flash(
            ngettext(
                "Too many failed logins for this account from your address. Wait %(num)d second and try again.",
                "Too many failed logins for this account from your address. Wait %(num)d seconds and try again.",
                attempt.wait,
            ),
            "error",
        )
        return render_template("auth/login.html", form=form), 429, {"Retry-After": str(attempt.wait)}
    user = User.by_username(username)
    # The same hashing work whether the account exists or not (security review F8: 15-30 ms
    # for an unknown name against 170-220 ms for a known one told which names exist).
    password_ok = user.check_password(form.password.data) if user else _check_against_nobody(form.password.data)
    if user is not None and password_ok and user.active:
        attempt.succeeded()
        session.pop("csrf_token", None)  # a new CSRF token for the signed-in session (F9)
        login_user(user)
        return redirect(safe_next(request.args.get("next")))
    attempt.failed()
    flash(_("Unknown username or wrong password."), "error")
    return render_template("auth/login.html", form=form)


_NOBODY_HASHES: dict[str, str] = {}  # hash method -> a hash of a password no account has


def _check_against_nobody(password: str) -> bool:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _NOBODY_HASHES:
        _NOBODY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_NOBODY_HASHES[method], password)
    return False


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """A POST (CSRF-checked by CSRFProtect) so no link or image can log you out. It ends the
    user's sessions everywhere: a copy of the cookie is worth nothing after it."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
