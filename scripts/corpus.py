"""Import every real file of a folder whole, then round-trip it: what archivists will upload.

    scripts/corpus DIR [--verbose]

For each AtoM CSV (.csv) and EAD 2002 finding aid (.xml) in DIR, in a fresh SQLite
database each: run "Import descriptions" as a worker does (minus the broker), export
what it created in the same format, import that export into a second fresh database,
and compare:

- CSV: every cell of the file against the export, column by column (AtoM's NULL and an
  empty cell are the same; a publication status or a level as its vocabulary names it),
  then the export against the second export (every cell);
- EAD: every field of every record, with its events, notes, access points and
  containers, between the first import and the re-import of the export.

Prints one line per file (records, seconds, warnings, round trip) and exits 1 when a file
does not import whole or does not come back the same.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench_common import bench_env, make_app

FORMATS = {".csv": "csv", ".xml": "ead"}
IGNORED = {"id", "parent_id", "slug", "lft", "rgt", "repository_id"}  # numbers of this database, not the record's


@dataclass
class Outcome:
    name: str
    records: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    failure: str = ""  # the import's own message when it refused the file
    differences: list[str] = field(default_factory=list)


def run_job(job_type: str, parameters: dict) -> tuple[object, str]:
    """Run one job's actor in this process; (the job, its console output). Raises what it raised."""
    from actors.registry import JOB_TYPES
    from extensions import db
    from models import Job

    job = Job(type=job_type, parameters=parameters)
    db.session.add(job)
    db.session.commit()
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            JOB_TYPES[job_type].perform(job.id)
        finally:
            db.session.rollback()
    return db.session.get(Job, job.id), output.getvalue()


def in_fresh_database(work: Path, label: str, step):
    """step() inside an app on its own new SQLite file; returns what it returns."""
    app = make_app(bench_env(f"sqlite:///{work}/{label}.db"), JOBS_BROKER="stub")
    with app.app_context():
        from extensions import db

        db.create_all()
        try:
            return step()
        finally:
            db.session.remove()
            db.engine.dispose()


def import_file(path: Path, fmt: str) -> tuple[int, str]:
    """(records created, console output) of importing the file at the top level."""
    from extensions import db
    from models import ArchivalDescription

    parameters = {"file": {"path": str(path), "filename": path.name}, "format": fmt, "match": "new", "parent": None}
    _, output = run_job("import_descriptions", parameters)
    return db.session.scalar(db.select(db.func.count()).select_from(ArchivalDescription)), output


def export_all(fmt: str, work: Path, label: str) -> list[Path]:
    """Every top-level record exported (csv: one file; ead: one finding aid per tree)."""
    from extensions import db
    from models import ArchivalDescription as D

    slugs = list(db.session.scalars(db.select(D.slug).where(D.parent_id.is_(None)).order_by(D.lft)))
    job, _ = run_job("export_descriptions", {"slugs": slugs, "format": fmt})
    with zipfile.ZipFile(job.result_path) as archive:
        archive.extractall(work / label)
        return [work / label / name for name in archive.namelist()]


def snapshot() -> list[dict]:
    """Every record of the database in tree order, with what it holds: what an EAD round trip must keep."""
    from actors.exporting.formats import subtree_rows
    from extensions import db
    from models import ArchivalDescription as D
    from models.description_related import related_of

    records: list[dict] = []
    for root in db.session.scalars(db.select(D).where(D.parent_id.is_(None)).order_by(D.lft)):
        rows = db.session.execute(subtree_rows(root)).all()
        related = related_of(rows, {})
        for row in rows:
            values = {k: v for k, v in row._asdict().items() if k not in IGNORED}
            held = asdict(related[row.id]) if row.id in related else {}
            held.pop("authority_slugs", None)
            records.append({**values, **held})
    return records


def csv_cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: _cell(k, v) for k, v in row.items()} for row in csv.DictReader(handle)]


def _cell(column: str, value: str) -> str:
    """AtoM's NULL is an empty cell. Terms of a vocabulary come back as the vocabulary names
    them: a publication status in AtoM's case ("Published"; empty is Draft), a level as its
    term ("Sub-fonds" is the level Subfonds)."""
    value = "" if value == "NULL" else value
    if column == "publicationStatus":
        return value.lower() or "draft"
    if column == "levelOfDescription":
        return "".join(ch for ch in value.lower() if ch.isalnum())
    return value


def compare(what: str, before: list[dict], after: list[dict], columns: list[str] | None = None) -> list[str]:
    """Each cell that differs, as "row 3, title: 'a' -> 'b'"."""
    if len(before) != len(after):
        return [f"{what}: {len(before)} records, then {len(after)}"]
    found = []
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        for column in columns or sorted(set(old) | set(new)):
            if old.get(column, "") != new.get(column, ""):
                found.append(f"{what}, record {number}, {column}: {old.get(column)!r} -> {new.get(column)!r}")
    return found


def try_file(path: Path, work: Path) -> Outcome:
    from actors.importing.rows import ImportFailed

    fmt = FORMATS[path.suffix.lower()]
    outcome = Outcome(path.name)

    def first() -> tuple[list[Path], list[dict]]:
        started = time.perf_counter()
        outcome.records, output = import_file(path, fmt)
        outcome.seconds = time.perf_counter() - started
        outcome.warnings = [line for line in output.splitlines() if line.startswith("Warning: ")]
        return export_all(fmt, work, "export1"), (snapshot() if fmt == "ead" else [])

    try:
        exports, records = in_fresh_database(work, "first", first)
    except ImportFailed as failure:
        outcome.failure = str(failure)
        return outcome

    def second() -> tuple[list[Path], list[dict]]:
        for exported in exports:
            import_file(exported, fmt)
        return export_all(fmt, work, "export2"), (snapshot() if fmt == "ead" else [])

    again, records_again = in_fresh_database(work, "second", second)
    if fmt == "ead":
        outcome.differences = compare("EAD -> EAD", records, records_again)
    else:
        source, back, back_again = csv_cells(path), csv_cells(exports[0]), csv_cells(again[0])
        columns = [c for c in (source[0] if source else {}) if c]
        outcome.differences = compare("file -> export", source, back, columns) + compare(
            "export -> export", back, back_again
        )
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", action="store_true", help="print every warning and difference")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in FORMATS)
    if not files:
        print(f"No .csv or .xml file in {args.folder}.", file=sys.stderr)
        return 2
    print(f"{'file':<44}{'records':>8}{'seconds':>9}{'warnings':>10}  result")
    failed = 0
    for path in files:
        with tempfile.TemporaryDirectory(prefix="aj-corpus-") as work:
            outcome = try_file(path, Path(work))
        if outcome.failure:
            result = f"NOT IMPORTED: {outcome.failure}"
        elif outcome.differences:
            result = f"round trip differs in {len(outcome.differences)} place(s): {outcome.differences[0]}"
        else:
            result = "imported whole, round trip identical"
        failed += bool(outcome.failure or outcome.differences)
        print(f"{outcome.name:<44}{outcome.records:>8}{outcome.seconds:>9.2f}{len(outcome.warnings):>10}  {result}")
        if args.verbose:
            for line in outcome.warnings + outcome.differences[1:]:
                print(f"    {line}")
    print(f"{len(files) - failed} of {len(files)} files imported whole and came back the same.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
