"""My account: change my own password (and, after a reset, before anything else); my settings."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField
from wtforms.fields import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from extensions import db
from models import LoginFailure
from models.login_failure import ThrottlePolicy
from models.user import NotifyOn

bp = Blueprint("account", __name__, url_prefix="/account")
MIN_PASSWORD = 8
# Where a user with a temporary password may still go: this page, logging out, the assets.
ALLOWED_BEFORE_CHANGE = {"account.password", "auth.logout", "static", "i18n.set_language"}


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    new = PasswordField(
        _l("New password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD, message=_l("At least %(min)d characters."))],
    )
    repeat = PasswordField(
        _l("New password, again"), validators=[InputRequired(), EqualTo("new", message=_l("The two do not match."))]
    )

    def validate_new(self, field) -> None:
        """A new password, not the current one again (after a reset: not the temporary one,
        which the administrator knows; security review, issue 24 L7)."""
        if field.data == self.current.data:
            raise ValidationError(_("Choose a password other than your current one."))


class SettingsForm(FlaskForm):
    notify_on = RadioField(
        _l("E-mail me when my jobs end"),
        choices=[
            SelectChoice(NotifyOn.ALL.value, _l("Always")),
            SelectChoice(
                NotifyOn.ERRORS.value,
                _l("On errors, cancels by someone else, and completions after more than a minute"),
            ),
            SelectChoice(NotifyOn.NONE.value, _l("Never (notifications in the app only)")),
        ],
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    """My settings: which of my jobs' endings e-mail me (`flask users notify` sets it too)."""
    user = current_user._get_current_object()
    form = SettingsForm(notify_on=user.notify_on.value)
    if form.validate_on_submit():
        user.notify_on = NotifyOn(form.notify_on.data)
        db.session.commit()
        flash(_("Your settings are saved."), "success")
        return redirect(url_for("account.settings"))
    status = 400 if form.is_submitted() else 200
    mail_on = bool(current_app.config.get("MAIL_SERVER"))
    return render_template("account/settings.html", form=form, mail_on=mail_on), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # (the user itself: login_user keeps it)
        # A guess at the current password counts like a failed login: the same growing waits
        # per account and address (security review, issue 24 L6: 40 guesses in 4 s went through).
        address = request.remote_addr or "unknown"
        attempt = LoginFailure.claim(user.username, address, ThrottlePolicy.from_config(current_app.config))
        if attempt.wait:
            flash(
                ngettext(
                    "Too many wrong passwords for this account from your address. Wait %(num)d second and try again.",
                    "Too many wrong passwords for this account from your address. Wait %(num)d seconds and try again.",
                    attempt.wait,
                ),
                "error",
            )
            return render_template("account/password.html", form=form), 429, {"Retry-After": str(attempt.wait)}
        if not user.check_password(form.current.data):
            attempt.failed()
            form.current.errors.append(_("This is not your current password."))
        else:
            attempt.succeeded()
            user.set_password(form.new.data)  # (ends every session of the account, this one too)
            db.session.commit()
            login_user(user)  # ...so this one starts again, with the new session version
            flash(_("Your password is changed; your other sessions have ended."), "success")
            return redirect(url_for("jobs.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("account/password.html", form=form), status


def require_new_password():
    """before_request: a temporary password leads to this page first."""
    if request.endpoint in ALLOWED_BEFORE_CHANGE:  # (first: a static file needs no user loaded)
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        if current_user.new_account:  # (its first login: nothing was reset)
            flash(_("Welcome! Choose your own password to finish setting up your account."), "info")
        else:
            flash(_("Your password was reset: choose a new one to go on."), "info")
        return redirect(url_for("account.password"))
    return None
