"""Worker processes for the throughput/latency benchmarks (run as a subprocess).

    python scripts/bench_worker.py tracked|raw PROCESSES THREADS

tracked: the real `flask jobs worker` supervisor and tracking middleware, with one extra
job type, bench_noop, that prints a line (so the job has output). raw: plain Dramatiq
workers on the same broker settings and namespace, a no-op actor that counts in Redis.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_common  # noqa: F401  (puts the project on sys.path)

from actors.engine.worker.process import wait_until_set
from actors.engine.worker.supervisor import STOP_TIMEOUT, serve, stop_processes


def raw_keys() -> tuple[str, str]:
    """Redis keys (in the private namespace) where raw no-ops count themselves and note their start."""
    namespace = os.environ["JOBS_NAMESPACE"]
    return f"{namespace}:bench-raw-done", f"{namespace}:bench-raw-started"


def _noop(job_id: int) -> None:
    print(f"bench job {job_id}")


def create_bench_app():
    """create_app with the bench_noop type declared (each spawned worker calls this)."""
    from actors.registry import JOB_TYPES, JobType
    from app import create_app

    JOB_TYPES.setdefault(
        "bench_noop", JobType("bench_noop", "Benchmark: no-op", _noop, hidden=True, run_concurrently=True)
    )  # measure tracking, not the one-at-a-time rule
    _poll_override()
    return create_app()


def _poll_override() -> None:
    """BENCH_WORKER_TIMEOUT_MS: the idle consumer's longest back-off (Dramatiq worker_timeout),
    to measure what tuning it would give without editing actors/worker.py."""
    import dramatiq

    value = os.environ.get("BENCH_WORKER_TIMEOUT_MS")
    if not value or getattr(dramatiq.Worker, "_bench_patched", False):
        return
    original = dramatiq.Worker.__init__

    def patched(self, broker, **kwargs):
        kwargs["worker_timeout"] = int(value)
        original(self, broker, **kwargs)

    dramatiq.Worker.__init__ = patched
    dramatiq.Worker._bench_patched = True


def raw_broker():
    """The same RedisBroker the app builds (actors.engine.broker.make_broker), without tracking."""
    import dramatiq
    import redis
    from dramatiq.brokers.redis import RedisBroker

    from actors.engine.broker import _middleware

    client = redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2, socket_timeout=10)
    broker = RedisBroker(client=client, namespace=os.environ["JOBS_NAMESPACE"] + "-raw", middleware=_middleware())
    dramatiq.set_broker(broker)

    @dramatiq.actor(actor_name="raw_noop", queue_name="jobs", broker=broker)
    def raw_noop(n: int) -> None:
        done, started = raw_keys()
        client.hset(started, n, repr(time.time()))
        client.incr(done)

    return broker, raw_noop


def _raw_child(threads: int) -> None:
    import dramatiq

    _poll_override()
    broker, _ = raw_broker()
    broker.emit_after("process_boot")
    from config import instance_path, load

    # The idle consumer's back-off of a tracked worker (WORKER_POLL_MS; it was 1000 here, left
    # from before that setting, which let raw consumers sleep up to 1 s on an empty queue).
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=load(instance_path())["WORKER_POLL_MS"])
    worker.start()
    _wait_for_sigterm()
    worker.stop()


def _wait_for_sigterm() -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    wait_until_set(stop)


def main() -> int:
    mode, processes, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if mode == "tracked":
        return serve("bench_worker:create_bench_app", processes, threads)
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=_raw_child, args=(threads,)) for _ in range(processes)]
    for child in children:
        child.start()
    _wait_for_sigterm()
    stop_processes(children, STOP_TIMEOUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
