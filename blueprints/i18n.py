"""Language and time zone: chosen per user, else the browser's Accept-Language."""
from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, redirect, request, session
from flask_login import current_user

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
