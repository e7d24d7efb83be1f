"""One thread per process that saves every running job's changed output periodically."""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actors.engine.output.capture import JobOutput

logger = logging.getLogger(__name__)


class _Flusher(threading.Thread):
    """Wakes every tick and flushes the outputs that changed since their last flush interval."""

    TICK_SECONDS = 0.05

    def __init__(self) -> None:
        super().__init__(name="job-output-flusher", daemon=True)
        self.outputs: set[JobOutput] = set()
        self.lock = threading.Lock()

    def watch(self, output: JobOutput) -> None:
        with self.lock:
            self.outputs.add(output)

    def unwatch(self, output: JobOutput) -> None:
        with self.lock:
            self.outputs.discard(output)

    def run(self) -> None:
        while True:
            time.sleep(self.TICK_SECONDS)
            now = time.monotonic()
            with self.lock:
                due = [o for o in self.outputs if o.dirty and now - o.last_flush >= o.flush_seconds]
            for output in due:
                try:
                    output.flush()
                except Exception:  # never let one job's flush stop the others'
                    logger.exception("Could not flush job output")


_lock = threading.Lock()
_thread: _Flusher | None = None


def _running() -> _Flusher:
    """The process's flusher, started on first use (and again after a fork)."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = _Flusher()
            _thread.start()
        return _thread


def watch(output: JobOutput) -> None:
    _running().watch(output)


def unwatch(output: JobOutput) -> None:
    _running().unwatch(output)
