"""One worker process: a Dramatiq worker on the app's broker, with its heartbeat.

It recycles itself after WORKER_MAX_JOBS jobs or WORKER_MAX_MEMORY_MB of memory
(long-lived workers grow; AtoM's admins restart theirs by hand); actors.engine.worker.supervisor
runs N of them and starts a replacement before a recycling one stops.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import dramatiq
from flask import Flask
from sqlalchemy import func, select, update

from actors.engine.broker import ping, queue_name
from actors.engine.launching import dispatch_unsent
from actors.engine.runtime import runtime
from actors.engine.worker.reaper import reap_lost_jobs
from actors.engine.worker.scheduler import run_due_schedules
from extensions import db
from models import Job, WorkerProcess
from models.base import utcnow

logger = logging.getLogger(__name__)
EXIT_RECYCLE = 3
EXIT_NO_BROKER = 4
HANDOVER_SECONDS = 60  # a recycling worker stops then even if its replacement never came up
WAKE_SECONDS = 0.5
CHECKPOINT_SECONDS = 2  # the end of the grace period, when running jobs are asked to stop at a checkpoint


def wait_until_set(event: threading.Event, *others: threading.Event) -> None:
    """Block until one of the events is set, waking regularly. Python runs signal handlers
    only in the main thread, and only when it runs: a SIGTERM the kernel hands to another
    thread (say, one spawning a process) would never wake an untimed wait."""
    while not event.wait(WAKE_SECONDS) and not any(other.is_set() for other in others):
        pass


@dataclass
class Handover:
    """Events a worker process shares with its supervisor, so that recycling leaves no gap:
    the worker says it is recycling and goes on working; the supervisor starts a replacement
    and releases the old worker once the replacement consumes."""

    recycling: Any  # set by the worker
    ready: Any  # set by the worker once it consumes
    released: Any  # set by the supervisor

    @classmethod
    def create(cls, context: Any = threading) -> Handover:
        return cls(context.Event(), context.Event(), context.Event())


def wait_for_broker(app: Flask, timeout: float) -> None:
    """The embedded Redis may still be starting beside us: poll the broker until the deadline,
    then exit with EXIT_NO_BROKER so the supervisor stops instead of restarting in a loop."""
    broker = runtime(app).broker
    where = app.config["BROKER_URL"] or app.config["REDIS_URL"]
    deadline = time.monotonic() + timeout
    while True:
        try:
            ping(app, broker)
            return
        except Exception as error:
            if time.monotonic() >= deadline:
                logger.critical("Cannot reach the job queue at %s: %s", where, error)
                sys.exit(EXIT_NO_BROKER)
            logger.info("Waiting for the job queue at %s ...", where)
            time.sleep(0.5)


def resident_memory_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Heartbeat(threading.Thread):
    """Says this worker is alive, sends jobs the web could not send, reaps lost workers' jobs,
    launches due schedules, and recycles the worker when it has done enough or grown too big."""

    def __init__(self, app: Flask, worker_id: str, handover: Handover | None = None) -> None:
        super().__init__(name="archive-jobs-heartbeat", daemon=True)
        self.app, self.worker_id, self.handover = app, worker_id, handover
        self.interval = app.config["WORKER_HEARTBEAT_SECONDS"]
        self.stopping = threading.Event()
        self.replaced = threading.Event()  # recycling, and the replacement consumes: take no more jobs
        self.recycle_reason: str | None = None
        self.recycling_since = 0.0

    def beat(self) -> None:
        config, tracking = self.app.config, runtime(self.app).tracking
        with self.app.app_context():
            done = db.session.scalar(
                select(func.count())
                .select_from(Job)
                .where(Job.worker_id == self.worker_id, Job.finished_at.isnot(None))
            )
            rss = resident_memory_bytes()
            running, now = tracking.running_job_ids(), utcnow()
            current = ",".join(map(str, running))[:255] or None
            db.session.execute(
                update(WorkerProcess)
                .where(WorkerProcess.id == self.worker_id)
                .values(last_seen_at=now, jobs_done=done, rss_bytes=rss, current_jobs=current)
            )
            if running:  # (not a status: the reaper's clue that they still run here)
                db.session.execute(
                    update(Job).where(Job.id.in_(running), Job.worker_id == self.worker_id).values(alive_at=now)
                )
            db.session.commit()
            if sent := dispatch_unsent():
                logger.info("Sent %d job(s) that were waiting for the queue.", sent)
            requeued, failed = reap_lost_jobs(self.interval * 3, runtime(self.app).job_types)
            if requeued or failed:
                logger.warning("Jobs of lost workers or stalled: %d re-queued, %d marked Error.", requeued, failed)
            run_due_schedules()
        if self.recycle_reason is None:
            if config["WORKER_MAX_JOBS"] and done >= config["WORKER_MAX_JOBS"]:
                self.recycle(f"{done} jobs done")
            elif config["WORKER_MAX_MEMORY_MB"] and rss >= config["WORKER_MAX_MEMORY_MB"] * 1024 * 1024:
                self.recycle(f"{rss // (1024 * 1024)} MB resident")
        self._stop_once_replaced()

    def recycle(self, reason: str) -> None:
        logger.info("Recycling worker %s (%s).", self.worker_id, reason)
        self.recycle_reason, self.recycling_since = reason, time.monotonic()
        if self.handover:
            self.handover.recycling.set()  # the supervisor starts a replacement; we go on meanwhile

    def _stop_once_replaced(self) -> None:
        if self.recycle_reason is None:
            return
        if (
            self.handover is None
            or self.handover.released.is_set()
            or time.monotonic() - self.recycling_since >= HANDOVER_SECONDS
        ):
            self.replaced.set()

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.beat()
            except Exception:  # a missed beat must not kill the worker; the next one retries
                logger.exception("Heartbeat failed")


def run_worker(app: Flask, threads: int, stop: threading.Event, handover: Handover | None = None) -> int:
    """Consume jobs with ``threads`` threads until ``stop`` is set (SIGTERM) or the worker has
    recycled; returns the exit code."""
    jobs = runtime(app)
    wait_for_broker(app, app.config["WORKER_BROKER_WAIT_SECONDS"])
    worker_id = str(uuid.uuid4())
    with app.app_context():
        db.session.add(WorkerProcess(id=worker_id, hostname=socket.gethostname(), pid=os.getpid(), threads=threads))
        db.session.commit()
    jobs.tracking.worker_id = worker_id
    jobs.broker.emit_after("process_boot")  # starts the time-limit watchdog, as Dramatiq's CLI does
    queues = {queue_name(app, queue) for queue in app.config["WORKER_QUEUES"]} or None  # None: every queue
    worker = dramatiq.Worker(
        jobs.broker, queues=queues, worker_threads=threads, worker_timeout=app.config["WORKER_POLL_MS"]
    )
    heartbeat = Heartbeat(app, worker_id, handover)
    worker.start()
    heartbeat.beat()
    heartbeat.start()
    if handover:
        handover.ready.set()
    logger.info("Worker %s (pid %d) consuming with %d thread(s).", worker_id, os.getpid(), threads)
    try:
        wait_until_set(stop, heartbeat.replaced)
    finally:
        # Recycling, running jobs may finish (a SIGTERM still cuts it short); heartbeats go on meanwhile.
        hurry = None if stop.is_set() else stop
        drain(worker, app.config["WORKER_SHUTDOWN_SECONDS"], jobs.tracking.stopping, hurry)
        heartbeat.stopping.set()
        worker.stop()  # interrupts jobs that reached no checkpoint: they are re-queued or marked Error
        with app.app_context():
            db.session.execute(update(WorkerProcess).where(WorkerProcess.id == worker_id).values(stopped_at=utcnow()))
            db.session.commit()
        logger.info("Worker %s stopped.", worker_id)
    return EXIT_RECYCLE if heartbeat.recycle_reason else 0


def drain(
    worker: dramatiq.Worker, grace_seconds: float, stopping: threading.Event, hurry: threading.Event | None = None
) -> None:
    """Start no new job and give the running ones ``grace_seconds``: to finish, then, for the
    last part (at most CHECKPOINT_SECONDS), to stop at their next checkpoint. With ``hurry`` (a
    recycling worker: its replacement already consumes) there is no deadline until it is set.

    Each worker thread is paused: it finishes the message in hand, then takes no other
    (what is left in memory goes back to the queue at stop), so a worker that stops or
    recycles never starts a job only to interrupt it. A job stopped at a checkpoint ends
    where its code chose; only one that reaches none is interrupted by Dramatiq's stop,
    an exception raised into whatever the thread is doing."""
    for thread in worker.workers:
        thread.pause()

    def all_paused(seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not all(thread.paused_event.is_set() for thread in worker.workers):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True

    while hurry is not None and not hurry.is_set():
        if all_paused(WAKE_SECONDS):
            return
    to_checkpoint = min(CHECKPOINT_SECONDS, grace_seconds / 2)  # within the grace: honcho kills at 5 s
    if not all_paused(grace_seconds - to_checkpoint):
        stopping.set()
        all_paused(to_checkpoint)
