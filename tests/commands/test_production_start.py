"""The web process as the Procfile and the systemd unit start it (security review, issue 24 M5):
refused settings end gunicorn itself, with the message and a non-zero status, instead of its
workers failing for ever behind a master that keeps the port."""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DEADLINE = 60  # seconds: a bound for a hung start, not a speed requirement


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def procfile_command(port: int) -> list[str]:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    words = shlex.split(line.removeprefix("web:").replace("$PORT", str(port)))
    return [str(VENV_BIN / words[0]), *words[1:]]


def systemd_command(port: int) -> list[str]:
    unit = (ROOT / "deploy" / "archive-jobs-web.service").read_text()
    line = next(line for line in unit.splitlines() if line.startswith("ExecStart="))
    line = line.removeprefix("ExecStart=").replace("/srv/archive-jobs/.venv/bin/", f"{VENV_BIN}/")
    line = line.replace("/srv/archive-jobs", str(ROOT)).replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    return shlex.split(line)


def start(command: list[str], tmp_path: Path, secret_key: str) -> tuple[subprocess.Popen, Path]:
    """The web process in production on a SQLite file, its output in a log file."""
    env = {
        **os.environ,
        "ARCHIVE_JOBS_ENV": "production",
        "SECRET_KEY": secret_key,
        "ARCHIVE_JOBS_INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
        "JOBS_BROKER": "stub",
        "XDG_RUNTIME_DIR": str(tmp_path),  # (gunicorn's control socket: this test's own)
    }
    log = tmp_path / "web.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return process, log


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


STARTS = pytest.mark.parametrize("command", [procfile_command, systemd_command], ids=["Procfile", "systemd"])


@STARTS
@pytest.mark.parametrize("weak", ["weak", "0" * 64, "change-me-to-a-long-random-string"])
def test_gunicorn_exits_with_the_message_on_a_weak_secret_key(tmp_path, command, weak):
    process, log = start(command(free_port()), tmp_path, weak)
    try:
        status = process.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"gunicorn still runs after {DEADLINE} s with a refused SECRET_KEY:\n{log.read_text()[-2000:]}")
    finally:
        stop(process)
    output = log.read_text()
    assert status != 0
    assert "Archive Jobs will not start: SECRET_KEY is too easy to guess" in output
    assert "Booting worker" not in output  # refused in the master, before any fork


def test_gunicorn_serves_with_a_random_secret_key(tmp_path):
    """(As the Procfile starts it; the unit's command is the same but for the port and workers.)"""
    port = free_port()
    process, log = start(procfile_command(port), tmp_path, secrets.token_hex(32))
    try:

        def login_page() -> bool:
            assert process.poll() is None, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(login_page, timeout=DEADLINE, what="gunicorn to serve /login")
    finally:
        stop(process)
