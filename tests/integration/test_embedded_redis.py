"""The embedded Redis of `scripts/serve` says where it listens, then keeps quiet unless something
is wrong (it printed "1 changes in 60 seconds. Saving..." into the console every minute)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import redis

from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_the_embedded_redis_is_quiet_while_it_saves():
    instance = Path(tempfile.mkdtemp(prefix="aj-r-"))  # short: a unix socket path has a limit
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "BROKER_URL")}
    env["ARCHIVE_JOBS_INSTANCE"] = str(instance)
    log = instance / "console.log"
    with log.open("w") as console:
        server = subprocess.Popen(
            [sys.executable, "-m", "commands.embedded_redis"], cwd=ROOT, env=env, stdout=console, stderr=console
        )
    try:
        socket = instance / "redis.sock"
        wait_for(socket.exists, timeout=20, what="the embedded Redis socket")
        client = redis.Redis(unix_socket_path=str(socket))
        client.set("key", "value")
        client.bgsave()  # what its "save 60 1" does every minute
        wait_for(lambda: client.info("persistence")["rdb_changes_since_last_save"] == 0, timeout=20,
                 what="the background save")  # fmt: skip
        lines = [line for line in log.read_text().splitlines() if line.strip()]  # (before its goodbye)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert lines[0].startswith("Embedded Redis on unix://")
    assert not any("saving" in line.lower() or "DB saved" in line for line in lines), lines
