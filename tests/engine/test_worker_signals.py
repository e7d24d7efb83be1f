"""Stopping worker processes: a SIGTERM is never missed, and a stuck process never holds up a stop."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from actors.engine.worker.supervisor import stop_processes

ROOT = Path(__file__).resolve().parents[2]

# The kernel may hand a process's SIGTERM to any thread; here the main thread blocks it,
# so another thread always takes it (what happened at random while a job spawned helpers).
MAIN_WAITS_FOR_SIGTERM = textwrap.dedent("""
    import signal, threading, time
    from actors.engine.worker.process import wait_until_set
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    print("ready", flush=True)
    wait_until_set(stop)
    print("stopped", flush=True)
""")


def test_a_sigterm_taken_by_another_thread_still_stops_the_worker(tmp_path):
    script = tmp_path / "waits.py"
    script.write_text(MAIN_WAITS_FOR_SIGTERM)
    process = subprocess.Popen(
        [sys.executable, str(script)], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0, "the SIGTERM was never handled"
        assert process.stdout.read() == "stopped\n"
    finally:
        process.kill()


def _ignores_sigterm(ready) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(120)


def _stops_on_sigterm(ready) -> None:
    ready.set()
    time.sleep(120)


def test_a_worker_process_that_does_not_stop_is_killed_at_the_deadline():
    context = multiprocessing.get_context("fork")
    stuck_ready, clean_ready = context.Event(), context.Event()
    stuck = context.Process(target=_ignores_sigterm, args=(stuck_ready,))
    clean = context.Process(target=_stops_on_sigterm, args=(clean_ready,))
    for process, ready in ((stuck, stuck_ready), (clean, clean_ready)):
        process.start()
        assert ready.wait(timeout=10)
    stop_processes([stuck, clean], timeout=1)
    # The one that ignored SIGTERM was killed once the deadline passed; the other stopped on SIGTERM.
    assert (stuck.exitcode, clean.exitcode) == (-signal.SIGKILL, -signal.SIGTERM)
