"""Language and time zone: chosen per user, else the browser's Accept-Language."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask import (
    Blueprint,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from blueprints.auth import safe_next
from extensions import db

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The user's saved choice, else this browser session's, else Accept-Language, else English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI and the worker speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(list(languages)) or "en"


def select_timezone() -> str:
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return current_app.config["SITE_TIMEZONE"]


@bp.post("/language")
def set_language():
    """The language picker in the navigation bar; remembered on the account when logged in."""
    chosen = request.form.get("locale", "")
    if chosen in current_app.config["LANGUAGES"]:
        session["locale"] = chosen
        if current_user.is_authenticated:
            current_user.locale = chosen
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))


def _time_zones() -> list[str]:
    return sorted(available_timezones())


@bp.route("/preferences/time-zone", methods=["GET", "POST"])
@login_required
def time_zone():
    """Each user sees dates in their own time zone (the site's by default)."""
    if request.method == "POST":
        chosen = request.form.get("timezone", "")
        if chosen and chosen not in available_timezones():
            flash(_("Unknown time zone “%(zone)s”.", zone=chosen), "error")
        else:
            current_user.timezone = chosen or None
            db.session.commit()
            flash(_("Dates are now shown in %(zone)s.", zone=chosen or current_app.config["SITE_TIMEZONE"]), "success")
            return redirect(url_for("i18n.time_zone"))
    return render_template(
        "i18n/time_zone.html",
        zones=_time_zones(),
        current=current_user.timezone,
        site_zone=current_app.config["SITE_TIMEZONE"],
    )
