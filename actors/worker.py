"""The worker process: a Dramatiq worker on the app's broker, plus heartbeats and the outbox."""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
import uuid
from typing import Callable

import dramatiq
from flask import Flask
from sqlalchemy import func, select, update

from actors.jobs import dispatch_unsent, reap_lost_jobs
from extensions import db
from models import Job, WorkerProcess
from models.base import utcnow

logger = logging.getLogger(__name__)


def wait_for_broker(app: Flask, timeout: float = 60) -> None:
    """The embedded Redis may still be starting beside us: poll it until the deadline."""
    broker = app.extensions["archive_jobs"].broker
    client = getattr(broker, "client", None)
    if client is None:
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.ping()
            return
        except Exception as error:
            if time.monotonic() >= deadline:
                raise RuntimeError(f"Redis at {app.config['REDIS_URL']} is not reachable: {error}") from error
            logger.info("Waiting for Redis at %s ...", app.config["REDIS_URL"])
            time.sleep(0.5)


class Heartbeat(threading.Thread):
    """Records that this worker is alive and sends jobs the web could not send (the outbox)."""

    def __init__(self, app: Flask, worker_id: str, interval: float) -> None:
        super().__init__(name="archive-jobs-heartbeat", daemon=True)
        self.app, self.worker_id, self.interval = app, worker_id, interval
        self.stopping = threading.Event()

    def beat(self) -> None:
        with self.app.app_context():
            done = db.session.scalar(
                select(func.count()).select_from(Job).where(Job.worker_id == self.worker_id, Job.finished_at.isnot(None))
            )
            db.session.execute(
                update(WorkerProcess)
                .where(WorkerProcess.id == self.worker_id)
                .values(last_seen_at=utcnow(), jobs_done=done)
            )
            db.session.commit()
            sent = dispatch_unsent()
            if sent:
                logger.info("Sent %d job(s) that were waiting for the queue.", sent)
            reaped = reap_lost_jobs(silent_seconds=self.interval * 3)
            if reaped:
                logger.warning("Marked %d job(s) of lost workers as Error.", reaped)

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.beat()
            except Exception:  # a missed beat must not kill the worker; the next one retries
                logger.exception("Heartbeat failed")


def run_worker(app: Flask, threads: int, stop: threading.Event) -> None:
    """Consume jobs with ``threads`` threads until ``stop`` is set."""
    runtime = app.extensions["archive_jobs"]
    worker_id = str(uuid.uuid4())
    with app.app_context():
        db.session.add(
            WorkerProcess(id=worker_id, hostname=socket.gethostname(), pid=os.getpid(), threads=threads)
        )
        db.session.commit()
    runtime.tracking.worker_id = worker_id
    wait_for_broker(app)
    worker = dramatiq.Worker(runtime.broker, worker_threads=threads, worker_timeout=1000)
    heartbeat = Heartbeat(app, worker_id, app.config["WORKER_HEARTBEAT_SECONDS"])
    worker.start()
    heartbeat.beat()
    heartbeat.start()
    logger.info("Worker %s (pid %d) consuming with %d thread(s).", worker_id, os.getpid(), threads)
    try:
        stop.wait()
    finally:
        heartbeat.stopping.set()
        worker.stop()
        with app.app_context():
            db.session.execute(
                update(WorkerProcess).where(WorkerProcess.id == worker_id).values(stopped_at=utcnow())
            )
            db.session.commit()
        logger.info("Worker %s stopped.", worker_id)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def _child(create_app: Callable[[], Flask], threads: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_worker(create_app(), threads, _stop_on_signals())


def serve(create_app: Callable[[], Flask], processes: int, threads: int) -> None:
    """Run one worker in this process, or ``processes`` child processes that each run one."""
    if processes <= 1:
        _child(create_app, threads)
        return
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=_child, args=(create_app, threads)) for _ in range(processes)]
    for child in children:
        child.start()
    stop = _stop_on_signals()
    while not stop.is_set() and any(child.is_alive() for child in children):
        stop.wait(1)
    for child in children:
        if child.is_alive():
            child.terminate()  # SIGTERM: each child stops its worker cleanly
    for child in children:
        child.join()
