"""Import benchmark: rows/s and peak memory of "Import descriptions" on an AtoM CSV.

    .venv/bin/python scripts/bench_import.py [--rows 10000 100000] [--db sqlite postgresql] [--json FILE]
    .venv/bin/python scripts/bench_import.py --ead 8000      # an EAD finding aid of N components (~4.6 MB)

Each (database, size) runs in a fresh process, and its peak RSS is read as the import ends,
before the Undo that follows it: it belongs to that import alone. The actor runs in-process
inside its own transaction (as in a worker thread, minus the broker), on a database already
holding a 1,000-description fonds. CPU seconds are this process's (SQLite's work included) and,
on PostgreSQL when it runs on this machine, its server processes': an import cannot go faster
than the server's share of it.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import bench_env, cpu_seconds, make_app, private_schema

from actors.formats.atom_csv.columns import ISAD_HEADER
from commands.demo_data import tree_shape

LEVELS = ("Fonds", "Series", "File", "Item")


def write_csv(path: Path, rows: int) -> None:
    """The tree in file (tree) order with every column of AtoM's ISAD CSV filled, as a real
    migration from AtoM would be: two events per row (a few dozen creators shared across the
    file), notes, access points from small vocabularies, a box per twenty rows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ISAD_HEADER)
        open_ids: list[int] = []
        for n, depth in enumerate(tree_shape(rows), start=1):
            del open_ids[depth:]
            year = 1850 + n % 100
            text = f"Text of record {n}. " * 4
            values = {column: f"{column} of record {n}" for column in ISAD_HEADER}
            values.update(
                legacyId=n,
                parentId=open_ids[-1] if open_ids else "",
                qubitParentSlug="",
                identifier=f"B-{n:07d}",
                title=f"{LEVELS[depth]} {n % 997} of the board",
                levelOfDescription=LEVELS[depth],
                repository="Port Ellis Archives",
                scopeAndContent=text,
                arrangement=text,
                language="en|fr",
                script="Latn",
                languageOfDescription="en",
                scriptOfDescription="Latn",
                publicationNote=f"Cited {n}.|Cited again {n}.",
                generalNote=f"Note {n}.",
                archivistNote=f"By A. {n}.",
                digitalObjectPath="",
                digitalObjectURI=f"https://example.org/{n}.jpg",
                subjectAccessPoints=f"Subject {n % 50}|Subject {(n + 7) % 50}",
                placeAccessPoints=f"Place {n % 20}",
                nameAccessPoints=f"Person {n % 40}",
                genreAccessPoints=f"Genre {n % 10}",
                publicationStatus="Published",
                physicalObjectName=str(n // 20),
                physicalObjectLocation="Shelf A",
                physicalObjectType="Box",
                alternativeIdentifiers=f"OLD-{n}",
                alternativeIdentifierLabels="Former",
                eventDates=f"{year}-{year + 5}|{year + 6}",
                eventTypes="Creation|Accumulation",
                eventStartDates=f"{year}|{year + 6}",
                eventEndDates=f"{year + 5}|{year + 6}",
                eventActors=f"Creator {n % 30}|Person {n % 40}",
                eventActorHistories=f"History of creator {n % 30}.|NULL",
                culture="en",
            )
            writer.writerow([values[column] for column in ISAD_HEADER])
            open_ids.append(n)


def run_one(database: str, rows: int) -> dict:
    """In this process: import a generated CSV of ``rows`` rows; returns the measurements."""
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "bench.csv"
        write_csv(csv_path, rows)
        if database == "postgresql":
            with private_schema() as url:
                return _import(url, csv_path, rows, database)
        return _import(f"sqlite:///{tmp}/bench.db", csv_path, rows, database)


def _import(url: str, csv_path: Path, rows: int, database: str) -> dict:
    app = make_app(bench_env(url), JOBS_BROKER="stub")
    with app.app_context():
        from actors.jobs.importing import import_descriptions
        from commands.demo_data import insert_demo_fonds
        from extensions import db
        from models import ArchivalDescription, Job

        backends = _server_processes(db.engine)
        db.create_all()
        insert_demo_fonds(1000)
        job = Job(
            type="import_descriptions",
            parameters={
                "file": {"path": str(csv_path), "filename": "bench.csv"},
                "format": "csv",
                "match": "skip",
                "parent": None,
            },
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        server_before = _cpu_of(backends)
        cpu_before = time.process_time()
        started = time.perf_counter()
        import_descriptions(job_id)
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - cpu_before
        server_after = _cpu_of(backends)
        import_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        count = db.session.scalar(db.select(db.func.count()).select_from(ArchivalDescription))
        assert count == rows + 1000, count
        undo_seconds, reference_seconds = _undo(job_id)
        count = db.session.scalar(db.select(db.func.count()).select_from(ArchivalDescription))
        assert count == 1000, count  # every created record gone, the demo fonds as it was
        db.session.remove()
        db.engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    server_cpu = None if server_before is None or server_after is None else server_after - server_before
    return {
        "database": database,
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "file_mb": round(csv_path.stat().st_size / 2**20, 1),
        "peak_rss_mb": round(import_peak / 1024),  # the import's own: the Undo's comes after
        "rss_growth_mb": round((import_peak - rss_before) / 1024),
        "client_cpu_s": round(client_cpu, 1),  # this process, SQLite's work included
        "server_cpu_s": None if server_cpu is None else round(server_cpu, 1),  # PostgreSQL's, when local
        "undo_seconds": round(undo_seconds, 2),
        "undo_sql_seconds": round(reference_seconds, 2),
        "undo_ratio": round(undo_seconds / reference_seconds, 2),
        "undo_peak_rss_mb": round(peak / 1024),
    }


def _server_processes(engine) -> set[int]:
    """The PostgreSQL server processes of the app's connections, filled as they are opened
    (empty on SQLite): their CPU time is the server's share of an import."""
    from sqlalchemy import event

    pids: set[int] = set()
    if engine.dialect.name == "postgresql":
        event.listen(engine, "connect", lambda connection, _record: pids.add(connection.info.backend_pid))
    return pids


def _cpu_of(pids: set[int]) -> float | None:
    """CPU seconds the server processes used so far; None when there are none to read (SQLite,
    or a server on another machine)."""
    seconds = [cpu_seconds(pid) for pid in pids]
    known = [value for value in seconds if value is not None]
    return sum(known) if known else None


def _undo(import_id: int) -> tuple[float, float]:
    """(seconds an Undo of the import takes — it deletes every record the import created —,
    seconds the bare set-based SQL of the same deletion takes). The second is measured on the
    same records put back by undoing that Undo (not timed), committed like the real one."""
    import contextlib
    import io

    from actors.jobs.undo import undo_job
    from extensions import db
    from models import Job, JobStatus
    from models.base import utcnow

    db.session.execute(
        db.update(Job).where(Job.id == import_id).values(status=JobStatus.COMPLETED, finished_at=utcnow())
    )
    undo = Job(type="undo_job", parameters={}, undo_of_id=import_id)
    db.session.add(undo)
    db.session.commit()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        undo_job(undo.id)
    seconds = time.perf_counter() - started
    db.session.execute(db.update(Job).where(Job.id == undo.id).values(status=JobStatus.COMPLETED))
    redo = Job(type="undo_job", parameters={}, undo_of_id=undo.id)
    db.session.add(redo)
    db.session.commit()
    with contextlib.redirect_stdout(io.StringIO()):
        undo_job(redo.id)
    return seconds, _reference_undo(redo.id)


def _reference_undo(created_by: int) -> float:
    """Seconds the bare set-based SQL of an Undo takes: the same ledger of the deleted records
    (one INSERT ... SELECT), one DELETE, the renumbering and the commit — without the checks
    (conflicts by state, vocabularies, the tree's consistency) that the real Undo adds."""
    from actors.ledger.created import created_ids
    from actors.ledger.snapshots import ledger_deleted
    from extensions import db
    from models import ArchivalDescription, Job
    from models.tree import renumber_tree

    scratch = Job(type="undo_job", parameters={})
    db.session.add(scratch)
    db.session.commit()
    doomed = db.select(ArchivalDescription.id).where(ArchivalDescription.id.in_(created_ids(created_by)))
    started = time.perf_counter()
    ledger_deleted(scratch.id, doomed)
    db.session.execute(db.delete(ArchivalDescription).where(ArchivalDescription.id.in_(doomed)))
    renumber_tree()
    db.session.commit()
    return time.perf_counter() - started


def run_ead(components: int) -> dict:
    """Export a demo fonds of ``components`` descriptions as EAD, then time importing that file
    into the emptied database (SQLite), as a worker runs it."""
    import contextlib
    import io
    import zipfile

    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(bench_env(f"sqlite:///{tmp}/bench.db"), JOBS_BROKER="stub")
        with app.app_context():
            from actors.jobs.export import export_descriptions
            from actors.jobs.importing import import_descriptions
            from commands.demo_data import insert_demo_fonds
            from extensions import db
            from models import ArchivalDescription, Job

            db.create_all()
            export = Job(
                type="export_descriptions", parameters={"slugs": [insert_demo_fonds(components)], "format": "ead"}
            )
            db.session.add(export)
            db.session.commit()
            with contextlib.redirect_stdout(io.StringIO()):
                export_descriptions(export.id)
            with zipfile.ZipFile(db.session.get(Job, export.id).result_path) as archive:
                path = Path(archive.extract(archive.namelist()[0], tmp))
            db.session.execute(db.delete(ArchivalDescription))
            job = Job(
                type="import_descriptions",
                parameters={"file": {"path": str(path), "filename": path.name}, "format": "ead", "match": "new"},
            )
            db.session.add(job)
            db.session.commit()
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            started = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                import_descriptions(job.id)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            db.session.remove()
            db.engine.dispose()
        return {
            "database": "sqlite",
            "components": components,
            "file_mb": round(path.stat().st_size / 2**20, 1) if path.exists() else None,
            "seconds": round(seconds, 2),
            "components_per_s": round(components / seconds),
            "rss_growth_mb": round((peak - rss_before) / 1024),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--json", type=Path, help="Also save the results here.")
    parser.add_argument("--one", nargs=2, metavar=("DB", "ROWS"), help=argparse.SUPPRESS)
    parser.add_argument("--ead", type=int, metavar="COMPONENTS", help="time an EAD import instead")
    args = parser.parse_args()
    if args.ead:
        print(json.dumps(run_ead(args.ead)))
        return
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return
    results = []
    print(
        f"{'database':<11}{'rows':>9}{'seconds':>9}{'rows/s':>9}{'file MB':>9}{'peak RSS MB':>13}{'RSS growth MB':>15}"
        f"{'CPU client s':>14}{'CPU server s':>14}{'undo s':>8}{'SQL s':>7}{'ratio':>7}"
    )
    for database in args.db:
        for rows in args.rows:
            out = subprocess.run(
                [sys.executable, __file__, "--one", database, str(rows)], capture_output=True, text=True, check=True
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            results.append(result)
            server = result["server_cpu_s"] if result["server_cpu_s"] is not None else "-"
            print(
                f"{database:<11}{rows:>9}{result['seconds']:>9}{result['rows_per_s']:>9}{result['file_mb']:>9}"
                f"{result['peak_rss_mb']:>13}{result['rss_growth_mb']:>15}{result['client_cpu_s']:>14}{server:>14}"
                f"{result['undo_seconds']:>8}{result['undo_sql_seconds']:>7}{result['undo_ratio']:>7}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
