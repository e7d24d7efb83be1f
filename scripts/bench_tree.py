"""Time the tree jobs on a fonds with N descendants, on SQLite and PostgreSQL.

    .venv/bin/python scripts/bench_tree.py [N=100000] [--statements K=1] [--sqlite-only | --postgres-only]

Builds the fonds with commands.demo_data.insert_demo_fonds(N + 1), flags every third
item as having a digital object, gives the fonds K rights statements, then runs
each job's own perform function on a Job row (what a worker runs, minus the broker)
and prints the wall time of each, commit included. PostgreSQL: 127.0.0.1:5432, db
``test``, a private schema dropped at the end (BENCH_DATABASE_URL overrides).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


def _edit_one_statement() -> None:
    """Change the fonds' first rights statement: the next overwrite replaces N copies."""
    from sqlalchemy import func, select, update

    from extensions import db
    from models.rights import RightsStatement as R

    first = db.session.scalar(select(func.min(R.id)))
    db.session.execute(update(R).where(R.id == first).values(note="bench, revised"))
    db.session.commit()


# (label, job type, parameters, what to do first): run in this order on the same tree.
STEPS = (
    (
        "publication: all -> published (include descendants)",
        "publication_status",
        {"status": "published", "include_descendants": True},
        None,
    ),
    (
        "publication: all -> draft (every row changes)",
        "publication_status",
        {"status": "draft", "include_descendants": True},
        None,
    ),
    (
        "rights: overwrite, all descendants (first copy: K x N rows)",
        "inherit_rights",
        {"mode": "overwrite", "scope": "all"},
        None,
    ),
    ("rights: combine, all (every copy already there)", "inherit_rights", {"mode": "combine", "scope": "all"}, None),
    ("rights: overwrite again, nothing changed", "inherit_rights", {"mode": "overwrite", "scope": "all"}, None),
    (
        "rights: overwrite after one statement changed (N out, N in)",
        "inherit_rights",
        {"mode": "overwrite", "scope": "all"},
        _edit_one_statement,
    ),
    (
        "rights: combine, only with digital objects",
        "inherit_rights",
        {"mode": "combine", "scope": "digital_objects"},
        None,
    ),
    ("descendant dates", "descendant_dates", {}, None),
)


def make_app(url: str, instance: Path):
    os.environ["ARCHIVE_JOBS_INSTANCE"] = str(instance)
    from app import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "JOBS_BROKER": "stub"})


# (label, job type, form values): the forms' previews, timed as the form's request asks them.
PREVIEWS = (
    ("preview: publication status, whole fonds", "publication_status",
     {"status": "published", "include_descendants": "y"}),
    ("preview: inherit rights, overwrite", "inherit_rights", {"mode": "overwrite", "scope": "all"}),
    ("preview: move a series to the top level", "move_description", {"top_level": "y"}),
    ("preview: descendant dates", "descendant_dates", {}),
)  # fmt: skip


def time_preview(type_key: str, root_id: int, values: dict) -> tuple[float, str]:
    """Validate the form and say its preview, as GET /jobs/new/<type>/preview.json does."""
    from flask import current_app
    from werkzeug.datastructures import MultiDict

    from actors.registry import JOB_TYPES
    from extensions import db
    from models import ArchivalDescription as D

    root = db.session.get(D, root_id)
    record = root.children()[0].slug if type_key == "move_description" else root.slug
    with current_app.test_request_context():
        started = time.perf_counter()
        form = JOB_TYPES[type_key].form(formdata=MultiDict({"record": record, **values}), meta={"csrf": False})
        assert form.validate(), form.errors
        text = form.preview() or ""
        elapsed = time.perf_counter() - started
    db.session.remove()
    return elapsed, text


def prepare(total: int, statements: int) -> int:
    """The fonds, its digital objects and rights statements; returns the fonds id."""
    from sqlalchemy import update

    from commands.demo_data import insert_demo_fonds
    from extensions import db
    from models import ArchivalDescription as D
    from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement

    started = time.perf_counter()
    root = D.by_slug(insert_demo_fonds(total + 1))
    db.session.execute(update(D).where(D.depth == 3, D.id % 3 == 0).values(has_digital_object=True))
    acts = list(RightsAct)
    for n in range(statements):
        db.session.add(
            RightsStatement(
                description_id=root.id,
                basis=RightsBasis.COPYRIGHT,
                act=acts[n % len(acts)],
                restriction=RightsRestriction.ALLOW,
                start_date=date(1950, 1, 1),
                note="bench",
            )
        )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    print(f"  built {total + 1:,} descriptions in {time.perf_counter() - started:.1f} s", flush=True)
    return root.id


def run_step(type_key: str, description_id: int, parameters: dict) -> tuple[float, str]:
    """Run a job type's perform on a fresh Job row; (seconds, the job's last output line)."""
    from actors.registry import JOB_TYPES
    from extensions import db
    from models import Job, JobStatus

    job = Job(type=type_key, status=JobStatus.RUNNING, description_id=description_id, parameters=parameters)
    db.session.add(job)
    db.session.commit()
    output = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(output):
        JOB_TYPES[type_key].perform(job.id)
        db.session.commit()
    elapsed = time.perf_counter() - started
    db.session.remove()
    return elapsed, output.getvalue().strip().splitlines()[-1]


def bench(name: str, url: str, total: int, statements: int) -> list[tuple[str, float]]:
    """Time every step on a fresh tree; returns (label, seconds) and prints them as it goes."""
    timings: list[tuple[str, float]] = []
    print(f"{name}: N = {total:,} descendants, K = {statements} rights statements on the fonds", flush=True)
    with tempfile.TemporaryDirectory() as instance:
        app = make_app(url, Path(instance))
        with app.app_context():
            from extensions import db

            db.create_all()
            root_id = prepare(total, statements)
            for label, type_key, values in PREVIEWS:
                seconds, text = time_preview(type_key, root_id, values)
                timings.append((label, seconds))
                print(f"  {seconds:6.2f} s  {label}  [{text}]", flush=True)
            for label, type_key, parameters, before in STEPS:
                if before:
                    before()
                seconds, last = run_step(type_key, root_id, parameters)
                timings.append((label, seconds))
                print(f"  {seconds:6.2f} s  {label}  [{last}]", flush=True)
            db.session.remove()
            db.engine.dispose()
    return timings


def run_both(total: int, statements: int, sqlite: bool = True, postgres: bool = True) -> dict[str, list]:
    """The same steps on SQLite (a temporary file) and PostgreSQL (a private schema)."""
    from bench_common import private_schema

    results: dict[str, list] = {}
    if sqlite:
        with tempfile.TemporaryDirectory() as directory:
            results["SQLite"] = bench("SQLite", f"sqlite:///{directory}/bench.db", total, statements)
    if postgres:
        with private_schema() as url:
            results["PostgreSQL"] = bench("PostgreSQL", url, total, statements)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=1, help="rights statements on the fonds (K)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--sqlite-only", action="store_true")
    group.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    run_both(args.n, args.statements, sqlite=not args.postgres_only, postgres=not args.sqlite_only)


if __name__ == "__main__":
    main()
