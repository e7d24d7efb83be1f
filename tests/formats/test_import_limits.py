"""A value too long for the column it is written to (or holding a character no database stores):
a problem that names its line and column, or its element, in Check import and in the import,
which then writes nothing; never the database's own error. A value at the limit imports whole.

SQLite stores what PostgreSQL refuses: tests/integration/test_import_limits_postgres.py runs
these cases where the limits are enforced.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actors.formats import limits
from actors.formats.atom_csv.reader import ColumnPlan
from actors.formats.rows import clean
from extensions import db
from models import ArchivalDescription as D
from models import AuthorityRecord, Job, JobStatus, Repository
from models.description_parts import Note
from models.text import column_length
from models.vocabulary import Term
from tests.import_export_support import run_form
from tests.import_limits_support import (
    CSV_CASES,
    EAD_CASES,
    IMPORTED_TABLES,
    assert_one_problem,
    assert_refused_plainly,
    csv_file,
    ead_file,
    held,
    limit_of,
    longest,
)

# Bounded columns an import writes no value of the file to, as it is.
NOT_FROM_THE_FILE = {
    D.slug: "slugify: at most 200 characters, and a number",
    AuthorityRecord.slug: "slugify: at most 200 characters, and a number",
    D.publication_status: "Draft or Published, else a problem",
    AuthorityRecord.entity_type: "not imported",
    Term.taxonomy: "from the column's (or element's) name",
    Note.note_type: "from the column's (or element's) name",
    Note.element: "the place of a kept element: from actors.formats.ead.kept's element names",
    Repository.identifier: "not imported",
}


def _column(target):
    return target.property.columns[0] if hasattr(target, "property") else target


def test_every_bounded_column_an_import_writes_is_checked():
    """A VARCHAR column added to what an import writes is checked, or said here not to come from the file."""
    checked = {
        *limits.DESCRIPTION_TARGETS.values(), limits.DATES_TARGET, *limits.LEVEL_TARGETS,
        *limits.EVENT_TARGETS.values(), *limits.CONTAINER_TARGETS.values(),
        limits.TERM_TARGET, limits.NAME_TARGET, limits.REPOSITORY_TARGET,
    }  # fmt: skip
    bounded = {column for table in IMPORTED_TABLES for column in table.__table__.columns if column_length(column)}
    assert bounded - {_column(target) for target in (*checked, *NOT_FROM_THE_FILE)} == set()


@given(column=st.sampled_from(sorted(CSV_CASES)), offset=st.integers(-3, 3), char=st.sampled_from("xé文𝄞"))
def test_a_value_is_a_problem_exactly_when_it_is_longer_than_its_column(column, offset, char):
    limit = limit_of(CSV_CASES[column])
    header, cells = ["legacyId", "title", column], ["1", "Fonds", char * (limit + offset)]
    if column == "title":
        header, cells = header[:2], [cells[0], cells[2]]
    row = ColumnPlan(header, full=True).row("line 2", cells)
    clean(row)
    too_long = f"line 2: {column} is longer than {limit} characters (it has {limit + offset})"
    assert row.problems == ([too_long] if offset > 0 else [])


@pytest.mark.parametrize(
    ("column", "cell", "problem"),
    [
        ("eventTypes", "Creation|" + "x" * 65, "line 2: eventTypes (event 2) is longer than 64 characters (it has 65)"),
        ("physicalObjectName", "1|" + "x" * 256, "line 2: physicalObjectName (value 2) is longer than 255 characters"),
        ("placeAccessPoints", "x" * 1025 + "|Here", "line 2: placeAccessPoints (value 1) is longer than 1024"),
        ("eventStartDates", "1" * 33, "line 2: eventStartDates is longer than 32 characters (it has 33)"),  # once
    ],
)
def test_a_value_of_a_list_is_named_by_its_place_in_it(column, cell, problem):
    row = ColumnPlan(["title", column], full=True).row("line 2", ["Fonds", cell])
    clean(row)
    assert len(row.problems) == 1, row.problems
    assert row.problems[0].startswith(problem), row.problems


@pytest.mark.parametrize("column", CSV_CASES)
def test_a_csv_value_too_long_for_its_column_is_a_located_problem(as_user, run_jobs, column):
    limit = limit_of(CSV_CASES[column])
    problem = f"line 2: {column} is longer than {limit} characters (it has {limit + 1})"
    _refused_then_whole_at_the_limit(as_user("alice"), run_jobs, ".csv", csv_file, column, CSV_CASES[column], problem)


@pytest.mark.parametrize("element", EAD_CASES)
def test_an_ead_value_too_long_for_its_column_names_its_element(as_user, run_jobs, element):
    _, target, place = EAD_CASES[element]
    problem = f"{place} is longer than {limit_of(target)} characters (it has {limit_of(target) + 1})"
    _refused_then_whole_at_the_limit(as_user("alice"), run_jobs, ".xml", ead_file, element, target, problem)


def _refused_then_whole_at_the_limit(client, run_jobs, suffix, make_file, name, target, problem) -> None:
    """One over the limit: Check import locates it, the import refuses it plainly and writes nothing;
    at the limit: it imports whole."""
    limit, before = limit_of(target), held()
    check = run_form(client, run_jobs, "validate_csv", (f"long{suffix}", make_file(name, limit + 1)))
    assert_one_problem(check, problem)
    job = run_form(client, run_jobs, "import_descriptions", (f"long{suffix}", make_file(name, limit + 1)))
    assert_refused_plainly(job, problem)
    assert held() == before
    job = run_form(client, run_jobs, "import_descriptions", (f"full{suffix}", make_file(name, limit)))
    assert job.status == JobStatus.COMPLETED, job.output
    assert longest(target) == limit


def _launched(launch_job, run_jobs, tmp_path, data: bytes) -> tuple[Job, Job]:
    """Check import and import of a file given to the jobs directly, as scripts do (no upload checks)."""
    path = tmp_path / "direct.csv"
    path.write_bytes(data)
    ids = []
    for kind in ("validate_csv", "import_descriptions"):
        parameters = {"file": {"path": str(path), "filename": path.name}, "format": "auto", "match": "skip"}
        ids.append(launch_job(kind, "alice", **parameters).id)
        run_jobs()
    db.session.expire_all()
    check, job = (db.session.get(Job, job_id) for job_id in ids)
    assert check is not None
    assert job is not None
    return check, job


def test_a_nul_in_a_file_that_skipped_the_upload_checks_is_a_located_problem(launch_job, run_jobs, tmp_path):
    """The web form and the CLI refuse a file with NUL bytes; the job does too, whoever started it."""
    before = held()
    data = b"legacyId,title,scopeAndContent\n1,Fonds,Before\x00after\n2,Fine,Fine\n"
    check, job = _launched(launch_job, run_jobs, tmp_path, data)
    problem = "line 2: scopeAndContent holds the character U+0000, which the database cannot store: remove it"
    assert_one_problem(check, problem)
    assert_refused_plainly(job, problem)
    assert held() == before


def test_a_nul_in_the_header_names_the_column_by_its_place(launch_job, run_jobs, tmp_path):
    before = held()
    check, job = _launched(launch_job, run_jobs, tmp_path, b"legacyId,title,no\x00te\n1,Fonds,x\n")
    problem = "line 1: column 3 holds the character U+0000, which the database cannot store: remove it"
    assert (check.status, check.info) == (JobStatus.ERROR, problem)
    assert (job.status, job.info) == (JobStatus.ERROR, problem)
    assert held() == before
