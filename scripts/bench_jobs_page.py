"""Jobs page with a big history on PostgreSQL: server time of first pages, filters, search,
a deep keyset page, and the CSV export of every row (rows/s, peak RSS of the web process)."""

from __future__ import annotations

import multiprocessing
import resource
import time

from bench_common import PeakSampler, bench_env, make_app, private_schema, timed

TARGET_PAGE_MS = 30.0
TARGET_CSV_ROWS_PER_S = 100_000
TARGET_CSV_RSS_MB = 150.0
PASSWORD = "bench-password"


def _client(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"login as {username} failed"
    return client


def _setup(app, count: int, users: int) -> float:
    from commands.demo_data import insert_historical_jobs
    from extensions import db
    from models import User
    from models.user import create_user

    with app.app_context():
        db.create_all()
        create_user("bench-admin", PASSWORD, admin=True)
        started = time.perf_counter()
        insert_historical_jobs(count, users)
        seconds = time.perf_counter() - started
        user = db.session.scalar(db.select(User).where(User.username == "demo-user-7"))
        user.set_password(PASSWORD)
        db.session.commit()
    return seconds


def _export_child(env: dict[str, str], queue) -> None:
    """The web process of the CSV export: its own peak RSS is what we report."""
    app = make_app(env)
    client = _client(app, "bench-admin")
    started = time.perf_counter()
    response = client.get("/jobs/export.csv", buffered=False)
    rows, size = -1, 0
    for piece in response.response:
        rows += piece.count(b"\n")
        size += len(piece)
    seconds = time.perf_counter() - started
    response.close()
    queue.put((rows, seconds, size, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))


def run(quick: bool = False) -> list[dict]:
    count = 100_000 if quick else 1_000_000
    runs = 10 if quick else 30
    results: list[dict] = []
    with private_schema() as url:
        env = bench_env(url)
        app = make_app(env)
        insert_seconds = _setup(app, count, 50)
        results.append(
            {
                "bench": "jobs-page",
                "figure": f"flask demo jobs --count {count} --users 50",
                "value": round(insert_seconds, 1),
                "unit": "s",
            }
        )
        with app.app_context():
            from extensions import db
            from models import Job

            middle = db.session.scalar(db.select(db.func.max(Job.id))) // 2
        views = {
            "All": "/jobs/",
            "Active": "/jobs/active",
            "status=error": "/jobs/?status=error",
            "error+date range": "/jobs/?status=error&from=2000-01-01&to=2100-01-01",
            "deep page (before=middle)": f"/jobs/?before={middle}",
            "search common ('historical error')": "/jobs/?q=historical+error",
            "search rare ('zzzz', window-bound)": "/jobs/?q=zzzz",
        }
        for who, label in (("bench-admin", "admin"), ("demo-user-7", "user")):
            client = _client(app, who)
            for name, path in views.items():
                timing = timed(lambda client=client, path=path: _ok(client.get(path)), runs)
                results.append(
                    {
                        "bench": "jobs-page",
                        "figure": f"{label}: {name}",
                        "value": round(timing["p50_ms"], 1),
                        "p95": round(timing["p95_ms"], 1),
                        "unit": "ms",
                        "target": f"<= {TARGET_PAGE_MS:.0f} ms",
                        "ok": timing["p50_ms"] <= TARGET_PAGE_MS,
                    }
                )
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_export_child, args=(env, queue))
        child.start()
        with PeakSampler(child.pid) as sampler:
            rows, seconds, size, peak_self = queue.get()
        child.join()
        app_db_dispose(app)
    rate = rows / seconds
    peak_mb = max(peak_self, sampler.peak) / 2**20
    results += [
        {
            "bench": "jobs-page",
            "figure": f"CSV export of {rows} rows",
            "value": round(rate),
            "unit": "rows/s",
            "target": f">= {TARGET_CSV_ROWS_PER_S}",
            "ok": rate >= TARGET_CSV_ROWS_PER_S,
            "seconds": round(seconds, 2),
            "bytes": size,
        },
        {
            "bench": "jobs-page",
            "figure": "CSV export peak RSS (web process)",
            "value": round(peak_mb, 1),
            "unit": "MB",
            "target": f"<= {TARGET_CSV_RSS_MB:.0f} MB",
            "ok": peak_mb <= TARGET_CSV_RSS_MB,
        },
    ]
    return results


def _ok(response) -> None:
    assert response.status_code == 200, response.status_code
    response.get_data()


def app_db_dispose(app) -> None:
    """Close pooled connections so the schema can be dropped."""
    from extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
