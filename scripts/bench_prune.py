"""`flask jobs prune` over a big history on PostgreSQL: 1,000,000 finished jobs archived to the
history CSV and deleted, in a process of its own (its seconds and peak RSS are the prune's)."""

from __future__ import annotations

import multiprocessing
import resource
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench_common import PeakSampler, bench_env, make_app, private_schema

TARGET_SECONDS = 60.0
TARGET_RSS_MB = 150.0


def _prune_child(env: dict[str, str], archive: str, queue) -> None:
    from actors.engine.clearing import pruning

    app = make_app(env)
    with app.app_context():
        started = time.perf_counter()
        done = pruning.prune(pruning.Selection(timedelta(0)), Path(archive))
        seconds = time.perf_counter() - started
    queue.put((done.archived, done.pruned, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))


def run(quick: bool = False) -> list[dict]:
    from bench_jobs_page import app_db_dispose

    count = 100_000 if quick else 1_000_000
    with private_schema() as url, tempfile.TemporaryDirectory(prefix="aj-bench-prune-") as folder:
        env = bench_env(url)
        app = make_app(env)
        with app.app_context():
            from commands.demo_data import insert_historical_jobs
            from extensions import db

            db.create_all()
            insert_historical_jobs(count, 50)
        app_db_dispose(app)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        archive = Path(folder) / "jobs.csv"
        child = context.Process(target=_prune_child, args=(env, str(archive), queue))
        child.start()
        with PeakSampler(child.pid) as sampler:
            archived, pruned, seconds, peak_self = queue.get()
        child.join()
        size = archive.stat().st_size
    peak_mb = max(peak_self, sampler.peak) / 2**20
    return [
        {
            "bench": "prune",
            "figure": f"prune {count:,} jobs (archive {size / 2**20:.0f} MB CSV, then delete)",
            "value": round(seconds, 1),
            "unit": "s",
            "target": f"<= {TARGET_SECONDS:.0f} s",
            "ok": archived == pruned == count and seconds <= TARGET_SECONDS,
        },
        {
            "bench": "prune",
            "figure": "prune peak RSS (its process)",
            "value": round(peak_mb, 1),
            "unit": "MB",
            "target": f"<= {TARGET_RSS_MB:.0f} MB",
            "ok": peak_mb <= TARGET_RSS_MB,
        },
    ]
