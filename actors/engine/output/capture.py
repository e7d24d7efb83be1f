"""Capture what a job prints (stdout and log records), per worker thread.

``sys.stdout`` is replaced once per process by a router that sends each write
to the ``JobOutput`` of the current job (``actors.engine.context``), or to the real
stdout where no job runs. So several jobs printing at once in a multi-threaded
worker never mix their output.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from actors.engine import context
from actors.engine.output import flusher
from models.job import TRUNCATION_MARKER

# (text, progress: done, total, the line, the unit counted)
FlushCallback = Callable[[str, "tuple[int, int, str, str] | None"], None]


class JobOutput:
    """One job's console output.

    The database keeps the beginning and the end (each half of ``cap``) with a marker
    between — AtoM keeps only the beginning and loses the end, which is where the error
    usually is. Once the text outgrows that, the whole of it goes to a log file (up to a
    hard limit) so it can still be downloaded whole; until then the database holds all of
    it and the download serves that, so most jobs never create, open or close a file. A
    background flusher saves it every ``flush_seconds`` while it changes, so a running
    job's page shows output so far even when the job is quiet.
    """

    def __init__(
        self,
        path: str | Path | None,
        cap: int,
        hard_limit: int,
        flush_seconds: float,
        on_flush: FlushCallback,
        earlier: str = "",
    ) -> None:
        """``earlier``: output of previous attempts, kept on screen; in the log file already if
        there is one (else it goes there first, should this attempt need the file)."""
        self.half = max(1, cap // 2)
        self.hard_limit = hard_limit
        self.flush_seconds = flush_seconds
        self.on_flush = on_flush
        self.head = ""
        self.tail = ""
        self.skipped = 0
        self.file_chars = 0
        self.progress: tuple[int, int, str, str] | None = None  # done, total, the latest progress line, unit
        self.dirty = False
        self.last_flush = time.monotonic()
        self._lock = threading.RLock()
        self._path = path  # (opened only if the output outgrows the database)
        self._file: TextIO | None = None
        self._earlier_chars = len(earlier)
        self._keep(earlier)
        flusher.watch(self)

    def write(self, text: str) -> int:
        with self._lock:
            if (
                self._file is None
                and self._path is not None
                and (self.skipped or len(self.head) + len(self.tail) + len(text) > 2 * self.half)
            ):
                self._open_file()  # the database drops some from now on: the file keeps it all
            self._append_to_file(text)
            self._keep(text)
        return len(text)

    def _open_file(self) -> None:
        """Start (or go on with) the log file: this attempt's text so far, after the earlier
        attempts' when no file of theirs holds it already.

        Nothing was dropped since this attempt began, so head and tail hold its text whole;
        unless the earlier attempts' text was cut on arrival, before this attempt wrote
        anything (then their file has it whole)."""
        assert self._path is not None
        path = Path(self._path)
        try:
            self._file = path.open("a", encoding="utf-8")
        except FileNotFoundError:  # the first file in a new instance folder
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file = path.open("a", encoding="utf-8")
        fresh = self._file.tell() == 0
        if self.skipped:
            earlier, mine = self.text(), ""
        else:
            so_far = self.head + self.tail
            earlier, mine = so_far[: self._earlier_chars], so_far[self._earlier_chars :]
        if fresh:
            self._file.write(earlier)
        self._append_to_file(mine)

    def _keep(self, text: str) -> None:
        """Add text to the head until it is full, then to the rolling tail."""
        with self._lock:
            rest = text
            room = self.half - len(self.head)
            if room > 0:
                self.head += rest[:room]
                rest = rest[room:]
            if rest:
                combined = self.tail + rest
                overflow = len(combined) - self.half
                if overflow > 0:
                    self.skipped += overflow
                    combined = combined[overflow:]
                self.tail = combined
            self.dirty = self.dirty or bool(text)

    def _append_to_file(self, text: str) -> None:
        if self._file is None or self.file_chars >= self.hard_limit:
            return
        allowed = text[: self.hard_limit - self.file_chars]
        self._file.write(allowed)
        self.file_chars += len(allowed)
        if self.file_chars >= self.hard_limit:
            self._file.write(f"\n[output stopped at the hard limit of {self.hard_limit} characters]\n")

    def set_progress(self, done: int, total: int, line: str = "", unit: str = "descriptions") -> None:
        """Where the job is, and its latest progress line (the Jobs page's Info while it runs)."""
        with self._lock:
            self.progress = (done, total, line, unit)
            self.dirty = True

    def text(self) -> str:
        """What the database keeps: head, marker when something was dropped, tail."""
        with self._lock:
            if self.skipped:
                return self.head + TRUNCATION_MARKER.format(skipped=self.skipped) + self.tail
            return self.head + self.tail

    def flush(self) -> None:
        """Save what changed since the last flush (called by the flusher thread)."""
        with self._lock:
            if not self.dirty:
                return
            self.dirty = False
            self.last_flush = time.monotonic()
            if self._file is not None:
                self._file.flush()
            text, progress = self.text(), self.progress
        self.on_flush(text, progress)

    def close(self) -> None:
        """Stop flushing; the tracker saves the final text itself."""
        flusher.unwatch(self)
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def _target() -> context.JobOutputSink | None:
    running = context.current()
    return None if running is None else running.output


class _Router(io.TextIOBase):
    """A stdout stand-in: writes go to the current job's output, if any."""

    def __init__(self, fallback: TextIO) -> None:
        self.fallback = fallback

    def write(self, text: str) -> int:
        target = _target()
        if target is not None:
            return target.write(text)
        return self.fallback.write(text)

    def flush(self) -> None:
        if _target() is None:
            self.fallback.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


class _JobLogHandler(logging.Handler):
    """Copies log records emitted on a job's thread into that job's output."""

    # Dramatiq logs each failure with its traceback; the tracker writes it once itself.
    IGNORED_PREFIXES = ("dramatiq",)
    # Rendering libraries warn about fonts and CSS: noise to an archivist, kept from ERROR up.
    QUIET_PREFIXES = ("weasyprint", "fontTools")

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        target = _target()
        if target is None or record.name.startswith(self.IGNORED_PREFIXES):
            return
        if record.levelno < logging.ERROR and record.name.startswith(self.QUIET_PREFIXES):
            return
        try:
            target.write(self.format(record) + "\n")
        except Exception:  # a broken log line must never fail the job
            self.handleError(record)


_install_lock = threading.Lock()
_router: _Router | None = None
_log_handler = _JobLogHandler()


def start() -> None:
    """Route stdout and log records to the current job's output from now on: install the
    router (again, if something replaced sys.stdout) and the log handler."""
    global _router
    if _router is not None and sys.stdout is _router and _log_handler in logging.getLogger().handlers:
        return  # the common case, without the lock
    with _install_lock:
        if _router is None or sys.stdout is not _router:
            _router = _Router(sys.stdout)
            sys.stdout = _router
        root = logging.getLogger()
        if _log_handler not in root.handlers:
            root.addHandler(_log_handler)
