"""The e-mail of a notice, sent by the worker through SMTP (Flask-Mailman): in its owner's
language, plain text and HTML, with the job's number, type, record title, result and link.

An SMTP server away is retried with growing pauses (the message sent again, delayed) up to
MAIL_MAX_ATTEMPTS; the job it reports ended long before, whatever happens here.
"""

from __future__ import annotations

import logging
import smtplib
from typing import Any

import dramatiq
from dramatiq import Actor, Broker
from flask import Flask, current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mailman import EmailMultiAlternatives, Mail

from actors.engine.broker import queue_name
from actors.registry import label_for
from extensions import db
from models import Notification, User
from models.base import utcnow

logger = logging.getLogger(__name__)
QUEUE = "notifications"
mail = Mail()


def declare_actor(app: Flask, broker: Broker) -> Actor:
    """The actor that sends one notice's e-mail; it runs in an app context of its own (the job
    tracking middleware only sets one up for jobs)."""
    mail.init_app(app)

    def send_notice_mail(notice_id: int, attempt: int = 1) -> None:
        with app.app_context():
            try:
                deliver(notice_id)
            except (OSError, smtplib.SMTPException) as error:
                _again_later(notice_id, attempt, error)
            finally:
                db.session.remove()

    declare = dramatiq.actor(actor_name="send_notice_mail", queue_name=queue_name(app, QUEUE), broker=broker)
    return declare(send_notice_mail)


def deliver(notice_id: int) -> bool:
    """Send the notice's e-mail unless it was sent already; whether it was sent now."""
    notice = db.session.get(Notification, notice_id)
    user = db.session.get(User, notice.user_id) if notice else None
    if notice is None or notice.mailed_at is not None or user is None or not user.email:
        return False
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = _message(notice, user)
    message.send()
    notice.mailed_at = utcnow()
    db.session.commit()
    return True


def _message(notice: Notification, user: User) -> EmailMultiAlternatives:
    site = current_app.config["SITE_URL"].rstrip("/")
    shown: dict[str, Any] = {
        "notice": notice,
        "user": user,
        "type_label": label_for(notice.job_type),
        "link": f"{site}/jobs/{notice.job_number}",
        "notifications_link": f"{site}/notifications",
    }
    subject = _("Job %(number)s: %(outcome)s (%(type)s)", number=notice.job_number, outcome=notice.kind.label,
                type=shown["type_label"])  # fmt: skip
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_template("notifications/mail.txt", **shown),
        from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
        to=[user.email],
        connection=mail.get_connection(),
    )
    message.attach_alternative(render_template("notifications/mail.html", **shown), "text/html")
    return message


def _again_later(notice_id: int, attempt: int, error: BaseException) -> None:
    """The SMTP server is away: the same e-mail again after a pause twice as long as the last."""
    config = current_app.config
    if attempt >= config["MAIL_MAX_ATTEMPTS"]:
        logger.error("The e-mail of notice %s was not sent after %s attempts (%s).", notice_id, attempt, error)
        return
    delay = min(config["MAIL_RETRY_SECONDS"] * 2 ** (attempt - 1), 3600)
    logger.warning("The e-mail of notice %s could not be sent (%s); again in %.0f s.", notice_id, error, delay)
    current_app.extensions["archive_jobs"].notice_mail.send_with_options(
        args=(notice_id, attempt + 1), delay=int(delay * 1000)
    )
