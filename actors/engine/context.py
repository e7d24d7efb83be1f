"""What a job's own code calls while it runs: progress, checkpoints, its Info line.

"The current job" is one context variable, set by the middleware around each run; the
output capture reads it too. Imports nothing of the project but the model, so every job
type (and plugin) can use it without pulling in the engine."""

from __future__ import annotations

import threading
import time
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Protocol

from dramatiq.middleware import Shutdown
from flask_babel import gettext as _

from models import Job


class BadInput(ValueError):
    """What the user gave cannot be used (a file, a parameter): the job ends Error with this
    message, located, in Info and in the output, and no traceback (it is not a bug)."""


class JobOutputSink(Protocol):
    """What the context needs of a job's output (``actors.engine.output.capture.JobOutput``)."""

    def write(self, text: str) -> int: ...

    def set_progress(self, done: int, total: int, line: str = "", unit: str = "descriptions") -> None: ...


class AttemptSuperseded(RuntimeError):
    """This run no longer owns its job (the reaper re-queued it and another attempt runs it):
    what it wrote is rolled back with the transaction it was writing in."""


class JobCanceled(Exception):
    """Raised at a checkpoint when a user asked to cancel the running job."""

    def __init__(self, canceled_by: str | None) -> None:  # (raised in the job: in its language)
        super().__init__(_("Canceled by %(user)s.", user=canceled_by) if canceled_by else _("Canceled."))
        self.canceled_by = canceled_by


@dataclass
class RunningJob:
    """The job running in this context (one worker thread)."""

    job_id: int
    job_type: str
    output: JobOutputSink
    stopping: threading.Event  # set by a stopping worker: end at the next checkpoint
    info: str | None = None
    attempt: int = 1  # the claimed attempt: the run's writes are fenced by it
    last_checkpoint: float = field(default_factory=time.monotonic)


_current: ContextVar[RunningJob | None] = ContextVar("archive_jobs_current_job", default=None)


def current() -> RunningJob | None:
    return _current.get()


def enter(running: RunningJob) -> Token[RunningJob | None]:
    return _current.set(running)


def leave(token: Token[RunningJob | None]) -> None:
    _current.reset(token)


def report_progress(done: int, total: int, text: str, unit: str = "descriptions", *, echo: bool = True) -> None:
    """Print a progress line into the job's output, record done/total (counting unit: descriptions,
    rows, components or bytes, as the pages show it), and checkpoint. ``echo=False``: the bar and
    the Info move, the console is left to the few lines the job prints (an import's every 10 %)."""
    if echo:
        print(text, flush=True)
    running = _current.get()
    if running is not None:
        running.output.set_progress(done, total, text, unit)
    checkpoint()


def checkpoint(min_interval: float = 0.5) -> None:
    """Raise JobCanceled if someone asked to cancel this job, Shutdown if the worker is
    stopping: the job ends here, at a point its code chose. Cheap to call often."""
    running = _current.get()
    if running is None:
        return
    if running.stopping.is_set():
        raise Shutdown("The worker is stopping.")
    if time.monotonic() - running.last_checkpoint < min_interval:
        return
    running.last_checkpoint = time.monotonic()
    canceled, canceled_by = Job.cancel_request(running.job_id)
    if canceled:
        raise JobCanceled(canceled_by)


def set_info(text: str) -> None:
    """The short message shown in the Info column when the job completes."""
    running = _current.get()
    if running is not None:
        running.info = text


def set_result(job_id: int, path: str) -> None:
    """Point the job at the file it leaves to download, in the job's own transaction (commit it)."""
    _set_own_row(job_id, result_path=path)


def set_record(job_id: int, description_id: int) -> None:
    """Make the job about this description (an import: the top record it created), in the job's
    own transaction, so the record and the job's link to it are committed together."""
    _set_own_row(job_id, description_id=description_id)


def _set_own_row(job_id: int, **values: object) -> None:
    """Fenced by the attempt this run claimed; called outside a run (a test, a script), unfenced."""
    running = _current.get()
    attempt = running.attempt if running is not None and running.job_id == job_id else None
    if not Job.set_during_run(job_id, attempt, **values):
        raise AttemptSuperseded(f"Job {job_id} is no longer this run's (attempt {attempt}): its work is rolled back.")
