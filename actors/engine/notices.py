"""Telling a job's owner it ended: a notice in the app, written by ``lifecycle`` atomically with
the status it reports (a run's own outcome: in the same statement on PostgreSQL, the same short
transaction elsewhere), and an e-mail the worker sends after the commit (``actors.engine.mail``),
so a broker or SMTP server away never holds up or fails the job.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import ColumnElement, Update, bindparam, event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.util import ClauseAdapter

from actors.engine.driver import FastStatement, direct_autocommit
from extensions import db
from models import Job, Notification
from models.base import utcnow

logger = logging.getLogger(__name__)
_PENDING = "notices_to_mail"  # (in Session.info: ids of notices to e-mail once committed)
_NOW = bindparam("now", type_=Notification.created_at.type)
_RUN_ENDED = Notification.endings(_NOW, Job.id == bindparam("job_id"))


def ended(*criteria: ColumnElement[bool]) -> None:
    """Notices for the jobs matching ``criteria``, which just ended (or were re-queued), in the
    caller's transaction (a cancel, a kill, the reaper's verdict); those their owners want by
    e-mail are sent once it commits."""
    ids = Notification.record_endings(*criteria)
    if ids and mail_configured(current_app):
        db.session.info.setdefault(_PENDING, []).extend(Notification.wanting_mail(ids))


def run_ended(outcome: Update, params: dict[str, Any]) -> bool:
    """Write a run's ending (``outcome``: job_row's UPDATE fenced by its attempt) and its owner's
    notice as one atomic write, committed; whether the row was still this attempt's. Then queue
    the notice's e-mail. Two separate writes once lost the notice (and its e-mail) of a worker
    that died between them."""
    params = {**params, "now": utcnow()}
    if db.engine.dialect.name == "postgresql":
        with direct_autocommit() as connection:  # one statement, one round trip: the fast path
            row = connection.run(_with_notice(outcome), params)
    else:  # (SQLite: no data-modifying WITH; its transaction is local and cheap)
        row = None
        with db.engine.begin() as on_connection:
            updated = on_connection.execute(outcome.returning(Job.id), params).first()
            if updated is not None:
                notice = on_connection.execute(_RUN_ENDED, {"job_id": params["job_id"], "now": params["now"]})
                row = (updated[0], notice.scalar())
    if row is None:
        return False
    if row[1] is not None and mail_configured(current_app):
        _mail(row[1])
    return True


def _mail(notice_id: int) -> None:
    """Queue a committed notice's e-mail if its owner wants one; a failure is logged, never the
    job's (its outcome and notice are saved already)."""
    try:
        wanted = Notification.wanting_mail([notice_id])
        db.session.rollback()  # (a read: end its transaction)
    except SQLAlchemyError as error:
        db.session.rollback()
        logger.error("Notice %s was saved, but whether to e-mail it could not be read (%s).", notice_id, error)
        return
    _send(wanted)


@lru_cache(maxsize=64)
def _with_notice(outcome: Update) -> FastStatement:
    """PostgreSQL: ``WITH ended AS (UPDATE jobs ... RETURNING ...), notice AS (INSERT INTO
    notifications SELECT ... FROM ended ...) SELECT ended.id, notice.id``: the notice reads the
    row as the UPDATE left it (its new status and info), never the row before it."""
    jobs = Job.__table__
    ended = outcome.returning(*(column for column in jobs.c if column.name != "output")).cte("ended")
    notice = ClauseAdapter(ended).traverse(Notification.endings(_NOW))
    source = notice.select
    assert source is not None
    assert jobs not in source.get_final_froms()  # (every column it reads was returned: no join of jobs)
    return FastStatement(select(ended.c.id, select(notice.cte("notice").c.id).scalar_subquery()))


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
