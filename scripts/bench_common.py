"""What every benchmark shares: a private PostgreSQL schema, a private Redis namespace,
the app on them, timing helpers and the resident memory of a process tree."""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

POSTGRES_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def private_schema() -> contextlib.AbstractContextManager[str]:
    """A fresh schema in the benchmark database, dropped afterwards; yields its URL."""
    from tests.pg_schema import private_schema as schema  # (shared with the tests that use it too)

    return schema(POSTGRES_URL, "aj_bench")


def bench_env(database_url: str, namespace: str | None = None) -> dict[str, str]:
    """Environment for the app and its worker processes on the private services."""
    instance = tempfile.mkdtemp(prefix="aj-bench-instance-")
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "JOBS_NAMESPACE": namespace or f"aj-bench-{uuid.uuid4().hex[:8]}",
        "ARCHIVE_JOBS_INSTANCE": instance,
        "SECRET_KEY": "bench",
        "LOGIN_MAX_FAILURES": "1000",
    }


def make_app(env: dict[str, str], **config):
    os.environ.update(env)
    from app import create_app

    return create_app({"WTF_CSRF_ENABLED": False, **config})


def timed(function: Callable[[], object], runs: int, warmup: int = 2) -> dict[str, float]:
    """Median and p95 wall time of function() in ms, after warm-up runs."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"p50_ms": statistics.median(samples), "p95_ms": samples[max(0, round(0.95 * len(samples)) - 1)]}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def process_tree(pid: int) -> list[int]:
    """The process and its living descendants."""
    return _tree(pid)


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending += [int(child) for child in children.read().split()]
            found.append(current)
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) a process used so far; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pids: list[int], stat_fields: slice) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += sum(int(field) for field in fields[stat_fields])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def cpu_by_group(worker_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by who does the work in a throughput run: the
    worker supervisor's tree, PostgreSQL's and Redis's, and this process (the producers).

    Trees count children that have already exited (a recycled worker, a closed PostgreSQL
    backend): their time moves into their parent's cutime/cstime when it reaps them. This
    process counts alone: its children include the workers."""
    named: dict[str, list[int]] = {"postgres": [], "redis": []}
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    head, tail = stat.read().rsplit(")", 1)
                name, parent = head.split("(", 1)[1], int(tail.split()[1])
            except (OSError, ValueError):
                continue
            if name == "postgres":
                named["postgres"].append(int(entry))
                parents[int(entry)] = parent
            elif name.startswith("redis-server"):
                named["redis"].append(int(entry))
    roots = {
        "workers": [worker_pid],
        "redis": named["redis"],
        "postgres": [pid for pid in named["postgres"] if parents[pid] not in parents],
    }  # the postmaster
    with_children = slice(11, 15)  # utime, stime, cutime, cstime
    usage = {
        name: _cpu_seconds([member for root in pids for member in _tree(root)], with_children)
        for name, pids in roots.items()
    }
    usage["producers"] = _cpu_seconds([os.getpid()], slice(11, 13))  # utime, stime
    return usage


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (from /proc)."""
    total = 0
    for member in _tree(pid):
        try:
            with open(f"/proc/{member}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


class PeakSampler:
    """Samples a process tree's RSS every 20 ms in a thread; .peak is the highest seen."""

    def __init__(self, pid: int) -> None:
        import threading

        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, tree_rss_bytes(self.pid))

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
