"""`scripts/bench load`: 50 logged-in users over 1,000,000 jobs on PostgreSQL, while jobs run.

Each user keeps the Jobs page open with auto refresh (its table every 5 s, as static/jobs.js
fetches it) and one of their job's details pages (its status every 2 s, as static/job.js),
through gunicorn as the Procfile runs it, beside a worker running a finding aid launched
every second. Latencies are measured by the clients (on the same machine: conservative).
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from bench_common import PROJECT, bench_env, make_app, private_schema

USERS, TARGET_P95_MS = 50, 200.0
PASSWORD = "bench-password"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass
class Samples:
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, ms: float, ok: bool) -> None:
        with self.lock:
            self.by_kind.setdefault(kind, []).append(ms)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the web server did not listen on {port}")


def _setup(app, count: int) -> tuple[dict[str, int], str]:
    """The history, the users' passwords, one job of each user to watch, a fonds to render."""
    from sqlalchemy import func

    from commands.demo_data import insert_demo_fonds, insert_historical_jobs
    from extensions import db
    from models import Job, User

    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        insert_historical_jobs(count, USERS)
        print(f"   {count:,} jobs inserted in {time.perf_counter() - started:.0f} s", flush=True)
        watched = {}
        for user in db.session.scalars(db.select(User).where(User.username.like("demo-user-%"))):
            user.set_password(PASSWORD)
            watched[user.username] = db.session.scalar(db.select(func.max(Job.id)).where(Job.user_id == user.id))
        slug = insert_demo_fonds(40, title="Load test fonds")
        db.session.commit()
    return watched, slug


def _user(base: str, username: str, job_id: int, arrive: float, until: float, samples: Samples) -> None:
    time.sleep(random.uniform(0, arrive))  # users arrive over the first seconds, not in one instant
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(kind: str, path: str, data: bytes | None = None) -> str:
        started = time.perf_counter()
        body, ok = "", False
        try:
            with opener.open(base + path, data=data, timeout=30) as response:
                body, ok = response.read().decode(), response.status < 400
        except (urllib.error.URLError, OSError):
            ok = False
        samples.add(kind, (time.perf_counter() - started) * 1000, ok)
        return body

    page = get("login", "/login")
    token = next(group for group in TOKEN.search(page).groups() if group)
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    get("login", "/login", urllib.parse.urlencode(form).encode())
    get("jobs page", "/jobs/?autorefresh=1")
    get("details page", f"/jobs/{job_id}")
    next_table = next_status = time.monotonic()
    while (now := time.monotonic()) < until:
        if now >= next_table:
            get("jobs table (5 s)", "/jobs/?autorefresh=1&partial=1")
            next_table += 5
        if now >= next_status:
            get("job status (2 s)", f"/jobs/{job_id}/status.json?offset=0")
            next_status += 2
        time.sleep(max(0.0, min(next_table, next_status) - time.monotonic()))


def _launcher(app, slug: str, until: float, launched: list[int]) -> None:
    """A finding aid every second: jobs run (and the worker writes) throughout."""
    from actors.engine.launching import launch
    from models import ArchivalDescription

    with app.app_context():
        description = ArchivalDescription.by_slug(slug)
        while time.monotonic() < until:
            job, _ = launch("finding_aid", description=description, parameters={"format": "pdf"})
            launched.append(job.id)
            time.sleep(1)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(quick: bool = False) -> list[dict]:
    count, seconds, arrive = (100_000, 30, 10) if quick else (1_000_000, 90, 20)
    with private_schema() as url:
        env = {**bench_env(url), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "FLASK_APP": "app"}
        app = make_app(env)
        watched, slug = _setup(app, count)
        port = _free_port()
        child_env = {**os.environ, **env}
        gunicorn = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"]
        web = subprocess.Popen([*gunicorn, "app:create_app()"], cwd=PROJECT, env=child_env, stderr=subprocess.DEVNULL)
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "jobs", "worker", "--processes", "1", "--threads", "2"],
            cwd=PROJECT, env=child_env, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _wait_for_port(port)
            samples, launched = Samples(), []
            until = time.monotonic() + seconds
            threads = [
                threading.Thread(target=_user, args=(f"http://127.0.0.1:{port}", name, job_id, arrive, until, samples))
                for name, job_id in sorted(watched.items())
            ]
            threads.append(threading.Thread(target=_launcher, args=(app, slug, until, launched)))
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            completed = _completed(app, launched)
        finally:
            for process in (web, worker):
                process.terminate()
                process.wait(timeout=60)
            with app.app_context():
                from extensions import db

                db.session.remove()
                db.engine.dispose()
    return _results(samples, count, seconds, len(launched), completed)


def _completed(app, job_ids: list[int]) -> int:
    from extensions import db
    from models import Job, JobStatus

    with app.app_context():
        return db.session.scalar(
            db.select(db.func.count()).where(Job.id.in_(job_ids), Job.status == JobStatus.COMPLETED)
        )


def _results(samples: Samples, count: int, seconds: int, launched: int, completed: int) -> list[dict]:
    polled = [ms for kind, values in samples.by_kind.items() if kind != "login" for ms in values]
    errors = sum(samples.errors.values())
    print(f"   {USERS} users, {seconds} s, {count:,} jobs; {launched} finding aids launched, {completed} completed")
    print(f"   {'requests':<20} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for kind, values in sorted(samples.by_kind.items()):
        print(
            f"   {kind:<20} {len(values):>6} {statistics.median(values):>8.1f} {_percentile(values, 0.95):>8.1f}"
            f" {_percentile(values, 0.99):>8.1f} {samples.errors.get(kind, 0):>7}"
        )
    p95 = _percentile(polled, 0.95)
    base = {"bench": "load", "unit": "ms"}
    return [
        {**base, "figure": f"{USERS} users polling, {count:,} jobs: p50", "value": round(statistics.median(polled), 1)},
        {**base, "figure": f"{USERS} users polling, {count:,} jobs: p95", "value": round(p95, 1),
         "target": f"<= {TARGET_P95_MS:.0f} ms", "ok": p95 <= TARGET_P95_MS},
        {**base, "figure": f"{USERS} users polling, {count:,} jobs: p99", "value": round(_percentile(polled, 0.99), 1)},
        {"bench": "load", "figure": f"errors in {len(polled) + len(samples.by_kind.get('login', []))} requests",
         "value": errors, "unit": "", "target": "0", "ok": errors == 0},
        {"bench": "load", "figure": "finding aids launched / completed meanwhile", "value": completed,
         "unit": f"of {launched}"},
    ]  # fmt: skip
