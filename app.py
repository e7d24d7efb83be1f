"""Application factory: wires config, extensions, blueprints, CLI and error pages."""

from __future__ import annotations

import hashlib
import logging
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

import commands
import config
import models  # noqa: F401  (the models must be known before migrations look at them)
from actors.engine.runtime import init_app as init_jobs
from actors.formats.note_text import note_blocks
from blueprints import headers as security_headers
from blueprints.account import bp as account_bp
from blueprints.account import require_new_password
from blueprints.auth import bp as auth_bp
from blueprints.auth import safe_next
from blueprints.authorities import bp as authorities_bp
from blueprints.descriptions import bp as descriptions_bp
from blueprints.formatting import format_datetime, format_duration, progress_text
from blueprints.i18n import bp as i18n_bp
from blueprints.i18n import select_locale, select_timezone
from blueprints.inputs import DatabaseInt, refuse_unstorable_text
from blueprints.jobs import bp as jobs_bp
from blueprints.notifications import bp as notifications_bp
from blueprints.schedules import bp as schedules_bp
from blueprints.users import bp as users_bp
from extensions import babel, csrf, db, login_manager, migrate
from models.description import level_label


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    instance = config.instance_path()
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.from_mapping(config.load(instance))
    if test_config:
        app.config.from_mapping(test_config)
    # A pooled connection is tried before use: after a database restart the next request gets
    # a new one instead of an error (SQLite has no server to lose). A database error never
    # carries the values of its statement: a failed job's output is shown to its owner, logs travel.
    database_server = not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": database_server, "hide_parameters": True})
    instance.mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    app.url_map.converters["int"] = DatabaseInt  # (before any route: every <int:...> is bounded)
    register_blueprints(app)
    register_commands(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    security_headers.init_app(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, the client's address, scheme and host are the ones they
    forwarded (login throttling per address needs the real one; security review F2). With 0,
    a client's own X-Forwarded-For is ignored: it could claim any address."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(config.PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    init_jobs(app)
    _tune_sqlite(app)


def _tune_sqlite(app: Flask) -> None:
    """WAL and a busy timeout let the web, the worker and output flushes share one SQLite file;
    a bigger page cache than SQLite's 2 MB keeps a big import's indexes in memory (16 MB:
    about 6 % faster on 100,000 rows, scripts/bench import)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    cache_kib = app.config["SQLITE_CACHE_MB"] * 1024

    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA cache_size=-{cache_kib}")
            cursor.close()
            # PostgreSQL's md5(), and md5 of sorted strings (PostgreSQL: md5(string_agg(x, '' ORDER
            # BY x))): the changes ledger digests records and what they hold with them.
            dbapi_connection.create_function("md5", 1, _md5, deterministic=True)
            dbapi_connection.create_aggregate("digest_set", 1, _DigestSet)


def _md5(text: str | None) -> str | None:
    return None if text is None else hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


class _DigestSet:
    """SQLite aggregate: md5 of its (non-null) strings sorted and joined."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def step(self, value: str | None) -> None:
        if value is not None:
            self.items.append(value)

    def finalize(self) -> str | None:
        return _md5("".join(sorted(self.items))) if self.items else None


def register_blueprints(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)  # first: before any view or hook reads the database
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.before_request(require_new_password)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(descriptions_bp)
    app.register_blueprint(authorities_bp)
    app.register_blueprint(users_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(schedules_bp)
    app.register_blueprint(i18n_bp)
    app.add_url_rule("/", endpoint="index", view_func=lambda: _redirect_home())


def _redirect_home():
    from flask import redirect, url_for

    return redirect(url_for("jobs.index"))


def register_commands(app: Flask) -> None:
    commands.register(app)


def register_errorhandlers(app: Flask) -> None:
    """Every error a user can cause gets a readable page, never a stack trace."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("Your form expired or was sent without its security token. Go back, reload the page and try again.")
        return render_template("error.html", code=400, title=_("Form refused"), message=message), 400

    @app.errorhandler(413)
    def too_large(error: HTTPException):
        """The limit, and the way back to the form the file was sent from (its GET shows it again)."""
        limit = app.config["MAX_CONTENT_LENGTH"] / 2**20
        message = _(
            "The file is larger than this site accepts: at most %(limit)s MB. Choose a smaller file.",
            limit=f"{limit:g}",
        )
        back = (request.path, _("Back to the form")) if request.method == "POST" else None
        return render_template("error.html", code=413, title=_("File too large"), message=message, back=back), 413

    def database_unavailable(error: DBAPIError):
        """The database is away (restarting, unreachable) or busy: 503 and try again, never a 500.
        The page must not touch the database: current_user becomes anonymous for it."""
        logging.getLogger(__name__).warning("Database unavailable: %s", error.orig)
        with suppress(SQLAlchemyError):
            db.session.rollback()
        g._login_user = login_manager.anonymous_user()
        message = _("The database cannot be reached right now, so nothing was changed. Try again in a moment.")
        if request.method == "GET":
            back = (request.full_path.rstrip("?"), _("Try again"))
        else:  # the page the form was on (the browser's Back keeps what was typed)
            back = (safe_next(urlsplit(request.referrer or "").path or None), _("Back to the form"))
        page = render_template("error.html", code=503, title=_("Database unavailable"), message=message, back=back)
        return page, 503, {"Retry-After": "5"}

    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        title, message = _error_text(error)
        return render_template("error.html", code=error.code, title=title, message=message), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        logging.getLogger(__name__).exception("Unhandled error")
        db.session.rollback()
        message = _("Something went wrong on our side. Nothing you sent was lost; please try again.")
        return render_template("error.html", code=500, title=_("Server error"), message=message), 500


# By code; an HTTPException without one (code None) finds nothing and keeps its own text.
ERROR_TITLES: dict[int | None, LazyString] = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    413: _l("File too large"),
    429: _l("Too many requests"),
}
ERROR_MESSAGES: dict[int | None, LazyString] = {
    403: _l("You are not allowed to do this."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that kind of request."),
}


def _error_text(error: HTTPException) -> tuple[str, str]:
    """Translated title and message; Werkzeug's stock English descriptions are replaced."""
    title = ERROR_TITLES.get(error.code, error.name)
    stock = error.description == type(error).description
    message = ERROR_MESSAGES.get(error.code, error.description) if stock else error.description
    return str(title), str(message)


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.globals["progress_text"] = progress_text
    app.jinja_env.filters["number"] = format_decimal  # 12,403 / 12 403: the page's number format
    app.jinja_env.filters["level"] = level_label
    app.jinja_env.filters["note_blocks"] = note_blocks

    @app.context_processor
    def language_picker() -> dict:
        from flask_babel import get_locale

        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
