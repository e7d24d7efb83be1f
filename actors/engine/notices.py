"""Telling a job's owner it ended: a notice in the app, written by ``lifecycle`` in the same
statement batch as the status it reports, and an e-mail the worker sends after the commit
(``actors.engine.mail``), so a broker or SMTP server away never holds up or fails the job.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import ColumnElement, bindparam, event
from sqlalchemy.exc import SQLAlchemyError

from actors.engine.driver import FastStatement, direct_autocommit
from extensions import db
from models import Job, Notification
from models.base import utcnow

logger = logging.getLogger(__name__)
_PENDING = "notices_to_mail"  # (in Session.info: ids of notices to e-mail once committed)
_RUN_ENDED = FastStatement(
    Notification.endings(bindparam("now", type_=Notification.created_at.type), Job.id == bindparam("job_id"))
)


def ended(*criteria: ColumnElement[bool]) -> None:
    """Notices for the jobs matching ``criteria``, which just ended (or were re-queued), in the
    caller's transaction; those their owners want by e-mail are sent once it commits."""
    ids = Notification.record_endings(*criteria)
    if ids and mail_configured(current_app):
        db.session.info.setdefault(_PENDING, []).extend(Notification.wanting_mail(ids))


def ended_run(job_id: int) -> None:
    """A run's outcome was just written (in autocommit, on the driver): its notice, one more
    statement there (every job ends through here: no session transaction). A failure here is
    logged, never the job's: its outcome is saved already."""
    try:
        with direct_autocommit() as connection:
            notice = connection.run(_RUN_ENDED, {"job_id": job_id, "now": utcnow()})
        if notice is not None and mail_configured(current_app):
            wanted = Notification.wanting_mail([notice[0]])
            db.session.rollback()  # (a read: end its transaction)
            _send(wanted)  # (committed already)
    except SQLAlchemyError as error:
        db.session.rollback()
        logger.error("Job %s ended, but its owner's notice could not be saved (%s).", job_id, error)


def mail_configured(app: Flask) -> bool:
    return bool(app.config.get("MAIL_SERVER"))


def init_app(app: Flask) -> None:
    """Send the notices' e-mails after each commit (never before: a rolled-back notice is not sent)."""
    if not event.contains(Session, "after_commit", _send_pending):
        event.listen(Session, "after_commit", _send_pending)
        event.listen(Session, "after_soft_rollback", _forget_pending)


def _send_pending(session: Session) -> None:
    ids = session.info.pop(_PENDING, None)
    if ids:
        _send(ids)


def _send(ids: list[int]) -> None:
    """Queue the e-mails of these committed notices."""
    actor = current_app.extensions["archive_jobs"].notice_mail
    for notice_id in ids:
        try:
            actor.send(notice_id)
        except Exception as error:  # (the broker away: the notice is in the app all the same)
            logger.warning("The e-mail of notice %s could not be queued (%s).", notice_id, error)


def _forget_pending(session: Session, _previous) -> None:
    session.info.pop(_PENDING, None)
