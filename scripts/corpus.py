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

and, against the file itself (scripts/fidelity.py), the share of its description's words found in
our export: a file keeping less than --min-share (99 %) fails with its lost words by element.

Prints one line per file (records, seconds, warnings, round trip, words) and exits 1 when a file
does not import whole, does not come back the same or loses words.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import re
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench_common import bench_env, make_app
from fidelity import Fidelity, measure_csv, measure_ead

FORMATS = {".csv": "csv", ".xml": "ead"}
IGNORED = {"id", "parent_id", "slug", "lft", "rgt", "repository_id"}  # numbers of this database, not the record's


# What a format has no place for (EAD 2002 keeps description control for the whole finding
# aid only, and RAD's event details nowhere); compared is everything else.
NOT_CARRIED: dict[str, set[str]] = {
    "csv": set(),
    "ead": {
        "accession_number", "scripts", "description_identifier", "institution_identifier", "rules",
        "description_status", "level_of_detail", "revision_history", "description_languages",
        "description_scripts", "sources", "culture", "digital_object_path", "alternate_title", "other_fields",
    },
}  # fmt: skip
NOT_CARRIED["ead3"] = NOT_CARRIED["ead"] - {"scripts"}  # (EAD3's <languageset> holds the scripts)
EVENT_KEYS_NOT_CARRIED = {"csv": set(), "ead": {"description", "place"}, "ead3": {"description", "place"}}


@dataclass
class Outcome:
    name: str
    expected: int = 0  # records a faithful import creates
    records: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    failure: str = ""  # the import's own message when it refused the file
    round_trips: dict[str, list[str]] = field(default_factory=dict)  # format -> differences
    fidelity: Fidelity = field(default_factory=Fidelity)  # the source's words found in our export
    xml: str = "ead"  # the XML the file is exported as and measured against: "ead", or "ead3" for EAD3

    @property
    def differences(self) -> list[str]:
        return [line for found in self.round_trips.values() for line in found]

    @property
    def whole(self) -> bool:
        return not self.failure and self.records == self.expected and not self.differences

    def faithful(self, min_share: float) -> bool:
        return self.fidelity.share >= min_share


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
    from actors.formats.writing import subtree_rows
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


def expected_records(path: Path, fmt: str) -> int:
    """What a faithful import creates: the CSV's data rows, or archdesc and every c / c01..c12."""
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)  # the header
            return sum(1 for cells in rows if any(c.strip() for c in cells))
    from actors.formats.ead.reader import is_component
    from actors.formats.ead.tags import local
    from actors.formats.xml_safety import safe_iterparse

    with path.open("rb") as source:
        return sum(1 for event, e in safe_iterparse(source) if event == "start" and is_component(local(e.tag)))


def xml_dialect(path: Path) -> str:
    """ "ead3" or "ead", by the root's namespace, as the import reads it."""
    from actors.formats.ead.tags import dialect_of
    from actors.formats.xml_safety import safe_iterparse

    try:
        with path.open("rb") as source:
            return next(dialect_of(e.tag) for event, e in safe_iterparse(source) if event == "start")
    except Exception:  # (a file the import refuses: it says why)
        return "ead"


def try_file(path: Path, work: Path) -> Outcome:
    """Import; export as CSV and as EAD; import each export again; compare."""
    from actors.formats.rows import ImportFailed

    fmt = FORMATS[path.suffix.lower()]
    if fmt == "ead":
        fmt = xml_dialect(path)
    outcome = Outcome(path.name)
    xml = outcome.xml = "ead" if fmt == "csv" else fmt  # (an EAD3 file is measured against our EAD3)
    try:
        outcome.expected = expected_records(path, fmt)
    except Exception as error:  # (a file the import refuses too: said below)
        outcome.expected = -1
        outcome.failure = f"{type(error).__name__}: {error}"

    def first() -> tuple[dict[str, list[Path]], list[dict]]:
        started = time.perf_counter()
        outcome.records, output = import_file(path, fmt)
        outcome.seconds = time.perf_counter() - started
        outcome.warnings = [line for line in output.splitlines() if line.startswith("Warning: ")]
        return {other: export_all(other, work, f"first-{other}") for other in ("csv", xml)}, snapshot()

    try:
        exports, records = in_fresh_database(work, "first", first)
    except ImportFailed as failure:
        outcome.failure = str(failure)
        return outcome

    outcome.fidelity = (
        measure_ead(path, exports[xml]) if fmt != "csv" else measure_csv(csv_cells(path), csv_cells(exports["csv"][0]))
    )
    for other, files in exports.items():

        def again(other: str = other, files: list[Path] = files) -> tuple[list[Path], list[dict]]:
            for exported in files:
                import_file(exported, other)
            return export_all(other, work, f"second-{other}"), snapshot()

        exported_again, records_again = in_fresh_database(work, f"second-{other}", again)
        outcome.round_trips[other] = compare(
            f"{fmt.upper()} -> {other.upper()}", _carried(records, other), _carried(records_again, other)
        )
        if other == "csv":
            first_export, second_export = csv_cells(files[0]), csv_cells(exported_again[0])
            outcome.round_trips[other] += compare("CSV export -> CSV export", first_export, second_export)
            if fmt == "csv":
                source = csv_cells(path)
                columns = [c for c in (source[0] if source else {}) if c]
                outcome.round_trips[other] += compare("file -> CSV export", source, first_export, columns)
    return outcome


def _event(event: dict, fmt: str) -> dict:
    """An event as the format keeps it: EAD writes AtoM's year-only "2016-00-00" as ISO's "2016"."""
    kept = {k: v for k, v in event.items() if k not in EVENT_KEYS_NOT_CARRIED[fmt]}
    if fmt != "csv":
        for key in ("start_text", "end_text"):
            kept[key] = re.sub(r"(-00)+$", "", kept.get(key) or "")
    return kept


def _carried(records: list[dict], fmt: str) -> list[dict]:
    """What the format keeps of each record. Notes, access points and kept elements are compared
    kind by kind (a CSV has one column per kind, and an export writes each element in its place,
    so their order across kinds is not kept)."""
    kept = []
    for record in records:
        record = {k: v for k, v in record.items() if k not in NOT_CARRIED[fmt]}
        if "events" in record:
            record["events"] = [_event(e, fmt) for e in record["events"]]
        for name in ("notes", "terms"):
            if name in record:
                record[name] = sorted(record[name], key=lambda pair: pair[0])
        if "kept" in record:  # (the order of one element's is kept; across elements, the export's)
            record["kept"] = sorted(record["kept"], key=lambda kept: kept["element"])
        kept.append(record)
    return kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", action="store_true", help="print every warning and difference")
    parser.add_argument(
        "--min-share", type=float, default=99.0, help="fail a file keeping less of its words (percent; default 99)"
    )
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in FORMATS)
    if not files:
        print(f"No .csv or .xml file in {args.folder}.", file=sys.stderr)
        return 2
    print(f"{'file':<44}{'expected':>9}{'imported':>9}{'warnings':>9}{'CSV':>5}{'EAD':>5}{'words':>8}{'seconds':>9}")
    failed = 0
    for path in files:
        with tempfile.TemporaryDirectory(prefix="aj-corpus-") as work:
            outcome = try_file(path, Path(work))
        trips = ["yes" if not outcome.round_trips.get(f, ["-"]) else "no" for f in ("csv", outcome.xml)]
        if outcome.failure:
            trips = ["-", "-"]
        print(
            f"{outcome.name:<44}{outcome.expected:>9}{outcome.records:>9}{len(outcome.warnings):>9}"
            f"{trips[0]:>5}{trips[1]:>5}{outcome.fidelity.share:>7.1f}%{outcome.seconds:>9.2f}"
        )
        if outcome.failure:
            print(f"    NOT IMPORTED: {outcome.failure}")
        elif outcome.differences:
            print(f"    round trip differs in {len(outcome.differences)} place(s): {outcome.differences[0]}")
        if not outcome.failure and not outcome.faithful(args.min_share):
            print(f"    KEPT {outcome.fidelity.share:.1f} % of its words ({outcome.fidelity.total:,}); lost:")
            for line in outcome.fidelity.lost_lines():
                print(f"      {line}")
        failed += not (outcome.whole and outcome.faithful(args.min_share))
        if args.verbose:
            for line in outcome.warnings + outcome.differences[1:]:
                print(f"    {line}")
    print(
        f"{len(files) - failed} of {len(files)} files imported whole, came back the same as CSV and as EAD, "
        f"and kept at least {args.min_share:g} % of their words in our export."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
