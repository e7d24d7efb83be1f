"""Runs N worker processes (`flask jobs worker`): replaces any that exits, hands over
from a recycling worker to its replacement without a gap, restarts all on SIGHUP."""

from __future__ import annotations

import faulthandler
import importlib
import logging
import multiprocessing
import signal
import sys
import threading
import time
from multiprocessing.process import BaseProcess

from flask import Flask

from actors.engine.worker.process import EXIT_NO_BROKER, EXIT_RECYCLE, Handover, run_worker

logger = logging.getLogger(__name__)
CRASH_LIMIT = 5  # restarts within CRASH_WINDOW seconds before the supervisor gives up
CRASH_WINDOW = 60
STOP_TIMEOUT = 60  # how long a worker process may take to stop before it is killed
STOP_MARGIN_SECONDS = 30  # beyond its grace period: to interrupt jobs and record their outcome


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def load_app(factory: str) -> Flask:
    """Build the app from "module:function" in a spawned process (what the CLI was started with)."""
    module, _, function = factory.partition(":")
    return getattr(importlib.import_module(module), function or "create_app")()


def _child(factory: str, threads: int, handover: Handover) -> None:
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # `kill -USR1 PID`: every thread's stack to the log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("weasyprint", "fontTools"):  # page-by-page progress: noise in the worker's log
        logging.getLogger(chatty).setLevel(logging.WARNING)
    sys.exit(run_worker(load_app(factory), threads, _stop_on_signals(), handover))


class Supervisor:
    """Keeps N worker processes running: replaces one that exits, restarts all on SIGHUP,
    stops all on SIGTERM/SIGINT, and gives up (exit 1) when the broker is unreachable or
    workers keep crashing — so systemd's restart policy can take over.

    A worker that recycles says so first (see Handover) and goes on working until its
    replacement consumes: recycling never leaves a slot without a worker."""

    def __init__(self, factory: str, processes: int, threads: int, stop_timeout: float = STOP_TIMEOUT) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.factory, self.threads, self.stop_timeout = factory, threads, stop_timeout
        self.stop = _stop_on_signals()
        self.reload = threading.Event()
        signal.signal(signal.SIGHUP, lambda *_: self.reload.set())
        self.crashes: list[float] = []
        self.failed = False
        self.leaving: list[tuple[BaseProcess, BaseProcess]] = []  # (recycling, replacement)
        self.handovers: dict[BaseProcess, Handover] = {}  # the supervisor's side of each child's events
        self.children = [self._start() for _ in range(processes)]

    def _start(self) -> BaseProcess:
        handover = Handover.create(self.context)
        child = self.context.Process(
            target=_child, args=(self.factory, self.threads, handover), name="archive-jobs-worker"
        )
        child.start()
        self.handovers[child] = handover
        return child

    def _replace_recycling(self) -> None:
        """Start a replacement for each recycling worker; release it once the replacement consumes."""
        for index, child in enumerate(self.children):
            if child.is_alive() and self.handovers[child].recycling.is_set():
                self.children[index] = self._start()
                self.leaving.append((child, self.children[index]))
        for old, new in list(self.leaving):
            if self.handovers[new].ready.is_set() or not new.is_alive():
                self.handovers[old].released.set()
            if not old.is_alive():
                old.join()
                self.leaving.remove((old, new))
                self.handovers.pop(old, None)

    def _replace_exited(self) -> None:
        for index, child in enumerate(self.children):
            if child.is_alive():
                continue
            if child.exitcode == EXIT_NO_BROKER:
                logger.critical("The job queue is unreachable; stopping all workers.")
                self.failed = True
                return self.stop.set()
            if child.exitcode != EXIT_RECYCLE:
                now = time.monotonic()
                self.crashes = [t for t in self.crashes if now - t < CRASH_WINDOW] + [now]
                logger.error("Worker process %s exited with %s.", child.pid, child.exitcode)
                if len(self.crashes) > CRASH_LIMIT:
                    logger.critical(
                        "Workers keep failing (%d exits in %d s); giving up.", len(self.crashes), CRASH_WINDOW
                    )
                    self.failed = True
                    return self.stop.set()
            self.handovers.pop(child, None)
            self.children[index] = self._start()

    def _stop_children(self) -> None:
        stop_processes(self.children + [old for old, _new in self.leaving], self.stop_timeout)
        self.leaving = []
        self.handovers.clear()

    def run(self) -> int:
        while not self.stop.wait(0.5):
            if self.reload.is_set():
                self.reload.clear()
                logger.info("SIGHUP: restarting %d worker process(es).", len(self.children))
                self._stop_children()
                self.children = [self._start() for _ in self.children]
            self._replace_recycling()
            self._replace_exited()
        self._stop_children()
        return 1 if self.failed else 0


def stop_processes(processes: list[BaseProcess], timeout: float) -> None:
    """SIGTERM each (a worker then stops cleanly); SIGKILL any still there at the deadline, so a
    stuck worker never holds up a deploy. The next worker's reaper settles a killed one's jobs."""
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            logger.error("Worker process %s did not stop within %.0f s; killing it.", process.pid, timeout)
            process.kill()
            process.join()


def serve(factory: str, processes: int, threads: int, stop_timeout: float = STOP_TIMEOUT) -> int:
    """Run and supervise ``processes`` worker processes, each building its app from
    ``factory`` ("module:function"), until SIGTERM/SIGINT."""
    return Supervisor(factory, processes, threads, stop_timeout).run()
