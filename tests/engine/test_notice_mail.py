"""Notices by e-mail through a real SMTP server (aiosmtpd, started by the test): a job ending in
Error mails its owner once, in their language, text and HTML, with its number, type, record,
result and link; an SMTP server away is tried again until it is back, the job unaffected; no
MAIL_SERVER, no mail."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from actors.engine.launching import launch
from extensions import db
from models import ArchivalDescription, JobStatus, Notification
from models.user import NotifyOn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = free_port()
SITE = "https://archives.example.org"
MAIL = pytest.mark.app_config(
    MAIL_SERVER="127.0.0.1", MAIL_PORT=PORT, MAIL_RETRY_SECONDS=0.05, MAIL_TIMEOUT=2, SITE_URL=SITE
)
pytestmark = pytest.mark.test_jobs


class Inbox:
    """aiosmtpd's handler: the messages it received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    """A real SMTP server on PORT; ``start()`` (again) after ``stop()``."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=PORT)
    inbox.start, inbox.stop = controller.start, controller.stop  # type: ignore[attr-defined]
    yield inbox
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


@pytest.fixture
def french_alice(users, db):
    alice = users["alice"]
    alice.email, alice.locale = "alice@example.org", "fr"
    db.session.commit()
    return alice


def parts(message: EmailMessage) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


@MAIL
def test_a_failed_job_mails_its_owner_once_in_her_language(smtp, french_alice, fonds, run_jobs, poll, worker):
    smtp.start()
    record = ArchivalDescription.by_slug(fonds)
    job, _sent = launch("test_fail", user=french_alice, description=record)
    run_jobs()
    poll(lambda: smtp.messages, timeout=20, what="the e-mail")
    message = smtp.messages[0]
    assert message["To"] == "alice@example.org"
    assert f"{job.id}" in message["Subject"]
    assert "Erreur" in message["Subject"]
    text, html = parts(message)
    for body in (text, html):
        assert f" {job.id} " in body  # its number (#1, n° 1)
        assert "Test: fail" in body
        assert record.title in body
        assert "boom" in body  # the result line
        assert f"{SITE}/jobs/{job.id}" in body
        assert "Erreur" in body  # (French)
    poll(_mailed, timeout=10, what="the notice marked mailed")
    assert len(smtp.messages) == 1


def _mailed() -> bool:
    db.session.expire_all()
    return db.session.scalar(select(Notification.mailed_at)) is not None


@MAIL
def test_smtp_away_the_job_completes_and_the_mail_arrives_once_it_is_back(
    smtp, french_alice, run_jobs, poll, reload, db
):
    french_alice.notify_on = NotifyOn.ALL
    db.session.commit()
    job, _sent = launch("test_count", user=french_alice)
    run_jobs()
    assert reload(job.id).status == JobStatus.COMPLETED  # the server is away: the job does not care
    assert db.session.scalar(select(Notification.mailed_at)) is None
    smtp.start()
    poll(lambda: smtp.messages, timeout=20, what="the e-mail, retried")
    assert f"{SITE}/jobs/{job.id}" in parts(smtp.messages[0])[0]
    poll(_mailed, timeout=10, what="the notice marked mailed")
    assert len(smtp.messages) == 1


@pytest.mark.app_config(MAIL_SERVER=None, MAIL_PORT=PORT)
def test_without_mail_server_only_the_in_app_notice(smtp, french_alice, run_jobs, db, worker):
    smtp.start()
    job, _sent = launch("test_fail", user=french_alice)
    run_jobs()
    worker.broker.join("notifications", timeout=10_000)
    worker.join()
    assert db.session.scalar(select(Notification.job_number)) == job.id
    assert smtp.messages == []  # (a server listens on MAIL_PORT: nothing was sent to it)


@MAIL
def test_a_short_completion_is_not_mailed_under_the_default_preference(smtp, french_alice, run_jobs, db, worker):
    smtp.start()
    launch("test_count", user=french_alice)
    run_jobs()
    worker.broker.join("notifications", timeout=10_000)
    worker.join()
    assert db.session.scalar(select(Notification.kind)) is not None
    assert smtp.messages == []
