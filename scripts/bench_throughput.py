"""Throughput and launch latency of tracked jobs vs raw Dramatiq, same Redis, same worker
processes and threads, on PostgreSQL (private schema) and Redis (private namespace)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path

from bench_common import (
    POSTGRES_URL,
    bench_env,
    cpu_by_group,
    cpu_seconds,
    percentile,
    private_schema,
    process_tree,
)

PROCESSES, THREADS = 2, 2
PRODUCERS = 4  # launching threads, for both sides
TARGET_RATIO = 0.5
TARGET_P50_MS, TARGET_P99_MS = 20.0, 100.0
TUNED_TIMEOUT_MS = 20  # what we suggest for the idle consumer's back-off


@contextmanager
def workers(mode: str, env: dict[str, str], timeout_ms: int | None = None) -> Iterator[subprocess.Popen]:
    extra = {"BENCH_WORKER_TIMEOUT_MS": str(timeout_ms)} if timeout_ms else {}
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("bench_worker.py")), mode, str(PROCESSES), str(THREADS)],
        env={**os.environ, **env, **extra},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_until(predicate: Callable[[], bool], timeout: float = 120, interval: float = 0.005) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark workers did not finish in time")
        time.sleep(interval)


class Tracked:
    """launch() bench_noop jobs on the app; done = Completed rows."""

    def __init__(self, env: dict[str, str]) -> None:
        from bench_worker import create_bench_app

        os.environ.update(env)
        self.app = create_bench_app()
        self.context = self.app.app_context()
        self.context.push()
        from extensions import db

        db.create_all()

    def completed(self) -> int:
        from extensions import db
        from models import Job, JobStatus

        db.session.rollback()
        return db.session.scalar(db.select(db.func.count()).select_from(Job).where(Job.status == JobStatus.COMPLETED))

    def launch(self):
        from actors.engine.launching import launch

        job, sent = launch("bench_noop")
        assert sent, "Redis refused the message"
        return job.id

    def launch_many(self, count: int) -> None:
        with self.app.app_context():  # a session of this thread's own
            for _ in range(count):
                self.launch()

    def started_after(self, job_id: int, launched_at: float) -> float | None:
        """ms from launch to Running (started_at is written by the worker; same host clock)."""

        from extensions import db
        from models import Job

        db.session.rollback()
        started = db.session.scalar(db.select(Job.started_at).where(Job.id == job_id))
        return None if started is None else (started.replace(tzinfo=UTC).timestamp() - launched_at) * 1000

    def close(self) -> None:
        from extensions import db

        db.session.remove()
        db.engine.dispose()
        self.context.pop()


class Raw:
    def __init__(self, env: dict[str, str]) -> None:
        os.environ.update(env)
        from bench_worker import raw_broker, raw_keys

        self.broker, self.actor = raw_broker()
        self.done_key, self.started_key = raw_keys()
        self.sent = 0
        self.lock = threading.Lock()

    def completed(self) -> int:
        return int(self.broker.client.get(self.done_key) or 0)

    def launch(self) -> int:
        with self.lock:
            self.sent += 1
            n = self.sent
        self.actor.send(n)
        return n

    def launch_many(self, count: int) -> None:
        for _ in range(count):
            self.launch()

    def started_after(self, n: int, launched_at: float) -> float | None:
        value = self.broker.client.hget(self.started_key, n)
        return None if value is None else (float(value) - launched_at) * 1000

    def close(self) -> None:
        self.broker.client.delete(self.done_key, self.started_key)
        self.broker.flush_all()


def _settle(worker_pid: int, idle_share: float = 0.1, window: float = 0.25, timeout: float = 30) -> None:
    """Wait until the worker processes idle (under idle_share of a core): one worker consuming
    says nothing of the others, whose start-up CPU would be charged to the run's jobs."""
    deadline = time.monotonic() + timeout
    used = cpu_by_group(worker_pid)["workers"]
    while time.monotonic() < deadline:
        time.sleep(window)
        now = cpu_by_group(worker_pid)["workers"]
        if now - used < idle_share * window:
            return
        used = now


def _rate(side, count: int, worker_pid: int) -> tuple[float, dict[str, float], int]:
    """Launch count jobs from PRODUCERS threads (as concurrent web requests would) and wait for all.

    Returns jobs/s, the CPU ms per job each group of processes spent meanwhile (the profile:
    on two shared cores, CPU per job is what bounds throughput; PostgreSQL's is this run's
    backends only) and how many processes the workers started meanwhile (a recycling
    worker's replacement: its start-up CPU counts too)."""
    side.launch()  # warm-up: workers are up and consuming
    wait_until(lambda: side.completed() >= 1)
    _settle(worker_pid)
    processes_before = set(process_tree(worker_pid))
    postgres = PostgresOfOurs(
        os.environ["JOBS_NAMESPACE"], os.environ["DATABASE_URL"].rpartition("search_path%3D")[2].partition("&")[0]
    )
    postgres.start()
    cpu_before = cpu_by_group(worker_pid)
    started = time.perf_counter()
    with ThreadPoolExecutor(PRODUCERS) as pool:
        list(pool.map(lambda share: side.launch_many(share), [count // PRODUCERS] * PRODUCERS))
    # Polled every 50 ms: the poll (a COUNT on the jobs table for tracked jobs) takes CPU from the
    # workers on two cores and its CPU is in the profile; at most 1 % on the rate.
    wait_until(lambda: side.completed() >= count + 1, interval=0.05)
    rate = count / (time.perf_counter() - started)
    cpu_after = cpu_by_group(worker_pid)
    used = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    used["postgres"] = postgres.used()
    used["producers"] -= postgres.own_cpu
    return (
        rate,
        {name: seconds * 1000 / count for name, seconds in used.items()},
        len(set(process_tree(worker_pid)) - processes_before),
    )


def _latencies(side, count: int, _worker_pid: int) -> list[float]:
    side.launch()
    wait_until(lambda: side.completed() >= 1)
    samples = []
    for n in range(count):
        time.sleep(0.3)  # idle worker: its consumer has backed off as it would in real life
        launched_at = time.time()
        key = side.launch()
        wait_until(lambda n=n: side.completed() >= n + 2)
        samples.append(side.started_after(key, launched_at))
    return samples


class PostgresOfOurs(threading.Thread):
    """Samples (every ``interval`` s) the CPU of the PostgreSQL processes working for this run:
    the backends of its connections (their application_name) and autovacuum on its schema.
    The other users of a shared server are left out, which counting every process under the
    postmaster (cpu_by_group) cannot do; a backend that exits is counted to its last sample."""

    def __init__(self, application_name: str, schema: str, interval: float = 0.2) -> None:
        super().__init__(name="bench-postgres-sampler", daemon=True)
        import sqlalchemy as sa

        self.engine = sa.create_engine(
            POSTGRES_URL,
            isolation_level="AUTOCOMMIT",
            poolclass=sa.pool.NullPool,
            connect_args={"application_name": "aj-bench-sampler"},
        )
        self.query = sa.text(
            "SELECT pid FROM pg_stat_activity WHERE application_name = :name"
            " OR (backend_type = 'autovacuum worker' AND query LIKE :vacuum)"
        ).bindparams(name=application_name, vacuum=f"%{schema}%")
        self.interval, self.stopping = interval, threading.Event()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.own_cpu = 0.0  # this thread's CPU, to take off the producers' figure
        self.connection = self.engine.connect()
        self.sample(baseline=True)

    def sample(self, baseline: bool = False) -> None:
        started = time.thread_time()
        for (pid,) in self.connection.execute(self.query):
            used = cpu_seconds(pid)
            if used is None:
                continue
            self.first.setdefault(pid, used if baseline else 0.0)
            self.last[pid] = used
        self.own_cpu += time.thread_time() - started

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def used(self) -> float:
        """CPU seconds since the baseline sample, up to a final one taken now."""
        self.stopping.set()
        self.join()
        self.sample()
        self.connection.close()
        self.engine.dispose()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def _measure(measure: Callable, count: int, timeout_ms: int | None = None) -> dict:
    with private_schema() as url:
        env = bench_env(url)
        env["DATABASE_URL"] = f"{url}&application_name={env['JOBS_NAMESPACE']}"  # for PostgresOfOurs
        out = {}
        for mode, side_class in (("tracked", Tracked), ("raw", Raw)):
            side = side_class(env)
            try:
                with workers(mode, env, timeout_ms) as process:
                    out[mode] = measure(side, count, process.pid)
            finally:
                side.close()
        return out


def run_throughput(quick: bool = False) -> list[dict]:
    count = 400 if quick else 2000
    (tracked, tracked_cpu, tracked_starts), (raw, raw_cpu, raw_starts) = _measure(_rate, count).values()
    ratio = tracked / raw
    rows = [
        {
            "bench": "throughput",
            "figure": f"no-op jobs/s, {count} jobs, {PROCESSES} proc x {THREADS} thr",
            "value": round(tracked, 1),
            "unit": "jobs/s",
            "baseline": round(raw, 1),
            "ratio": round(ratio, 2),
            "baseline_text": f"raw {raw:.0f}/s ratio {ratio:.2f} (>=0.5)",
            "ok": ratio >= TARGET_RATIO,
        }
    ]
    for name in tracked_cpu:
        rows.append(
            {
                "bench": "throughput",
                "figure": f"CPU per job: {name}",
                "value": round(tracked_cpu[name], 2),
                "unit": "ms",
                "baseline": round(raw_cpu[name], 2),
                "baseline_text": f"raw {raw_cpu[name]:.2f} ms",
            }
        )
    total, raw_total = sum(tracked_cpu.values()), sum(raw_cpu.values())
    rows.append(
        {
            "bench": "throughput",
            "figure": "CPU per job: all",
            "value": round(total, 2),
            "unit": "ms",
            "baseline": round(raw_total, 2),
            "baseline_text": f"raw {raw_total:.2f} ms (ratio {raw_total / total:.2f})",
        }
    )
    rows.append(
        {
            "bench": "throughput",
            "figure": "worker processes started (recycling)",
            "value": tracked_starts,
            "unit": "",
            "baseline": raw_starts,
            "baseline_text": f"raw {raw_starts} (never recycles)",
        }
    )
    return rows


def run_latency(quick: bool = False) -> list[dict]:
    count = 15 if quick else 60
    rows = []
    from config import instance_path, load

    now = f"worker_timeout {load(instance_path())['WORKER_POLL_MS']} ms (WORKER_POLL_MS, now)"
    for timeout_ms, label in ((None, now), (TUNED_TIMEOUT_MS, f"worker_timeout {TUNED_TIMEOUT_MS} ms")):
        samples = _measure(_latencies, count, timeout_ms)
        tracked, raw = samples["tracked"], samples["raw"]
        p50, p99 = percentile(tracked, 0.5), percentile(tracked, 0.99)
        rows.append(
            {
                "bench": "latency",
                "figure": f"launch->Running p50, {label}",
                "value": round(p50, 1),
                "unit": "ms",
                "baseline": round(percentile(raw, 0.5), 1),
                "baseline_text": f"raw {percentile(raw, 0.5):.1f} ms (<=20)",
                "ok": p50 <= TARGET_P50_MS,
            }
        )
        rows.append(
            {
                "bench": "latency",
                "figure": f"launch->Running p99, {label}",
                "value": round(p99, 1),
                "unit": "ms",
                "baseline": round(percentile(raw, 0.99), 1),
                "baseline_text": f"raw {percentile(raw, 0.99):.1f} ms (<=100)",
                "ok": p99 <= TARGET_P99_MS,
            }
        )
    return rows
