"""Servers of a test's own, on spare ports, that the test can really stop and restart: a
redis-server and a PostgreSQL cluster in a temporary folder."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from commands.embedded_redis import redis_server_binary
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def start_worker(
    tmp_path: Path, name: str, database_url: str, redis_url: str, namespace: str, threads: int = 1, **settings: str
) -> subprocess.Popen:
    """A `flask jobs worker` process (one, with ``threads``) on these services, logging to
    ``tmp_path / f"{name}.log"``; heartbeats every second."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "JOBS_NAMESPACE": namespace,
        "ARCHIVE_JOBS_INSTANCE": str(tmp_path / "instance"),
        "SECRET_KEY": "test",
        "FLASK_APP": "app",
        "WORKER_HEARTBEAT_SECONDS": "1",
        **settings,
    }
    with (tmp_path / f"{name}.log").open("w") as log:
        command = [sys.executable, "-m", "flask", "jobs", "worker", "--processes", "1", "--threads", str(threads)]
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class PrivateRedis:
    """A redis-server of our own; ``persistent``: with an append-only file, as in production."""

    def __init__(self, directory: Path, persistent: bool = False) -> None:
        self.port, self.directory, self.process = free_port(), directory, None
        self.persistent = persistent

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        self.process = subprocess.Popen(
            [str(redis_server_binary()), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             *persistence, "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: accepts(self.port), timeout=20, what="redis-server to accept connections")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def _postgres_binary(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if found is None:
        pytest.skip(f"PostgreSQL's {name} is not installed (a private cluster needs it)")
    return found


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temporary folder, trust auth, a spare port).
    As root, its commands run as the ``postgres`` user (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="aj-pg-"))
        self.data, self.port = self.directory / "data", free_port()
        self._as = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: cannot start a private PostgreSQL")
            shutil.chown(self.directory, "postgres")
            self._as = ["runuser", "-u", "postgres", "--"]
        self._run(_postgres_binary("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._run(_postgres_binary("pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Fast shutdown: every connection is cut, as in a restart for an upgrade."""
        self._run(_postgres_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def remove(self) -> None:
        if accepts(self.port):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class PausableProxy:
    """A TCP proxy of the test's own in front of a server: ``pause()`` holds every byte either
    way (the connections stay open, as on a network partition) until ``resume()``."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port, self.port = upstream_port, free_port()
        self.flowing = threading.Event()
        self.flowing.set()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._sockets: list[socket.socket] = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def pause(self) -> None:
        self.flowing.clear()

    def resume(self) -> None:
        self.flowing.set()

    def close(self) -> None:
        self.flowing.set()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                self.flowing.wait()
                target.sendall(chunk)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)
