"""Values too long for their column on PostgreSQL, which refuses them (SQLite stores them): the
import refuses first, naming the line or element, in plain words and writing nothing; a value
at the limit (of two-byte characters: limits count characters) imports whole."""

from __future__ import annotations

import pytest

from actors.engine.launching import launch
from models import Job, JobStatus
from tests.import_limits_support import (
    CSV_CASES,
    EAD_CASES,
    assert_one_problem,
    assert_refused_plainly,
    csv_file,
    ead_file,
    held,
    limit_of,
    longest,
)
from tests.tree_jobs_support import run_all

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_app")]


def run(kind: str, name: str, data: bytes, tmp_path) -> Job:
    path = tmp_path / name
    path.write_bytes(data)
    launch(kind, parameters={"file": {"path": str(path), "filename": name}, "format": "auto", "match": "new"})
    return run_all()[-1]


def test_csv_values_at_and_over_every_limit(tmp_path):
    before = held()
    for column, target in CSV_CASES.items():
        limit = limit_of(target)
        problem = f"line 2: {column} is longer than {limit} characters (it has {limit + 1})"
        assert_refused_plainly(run("import_descriptions", "long.csv", csv_file(column, limit + 1), tmp_path), problem)
        assert held() == before, column
    check = run("validate_csv", "long.csv", csv_file("physicalObjectName", 256), tmp_path)
    assert_one_problem(check, "line 2: physicalObjectName is longer than 255 characters (it has 256)")
    header = ",".join(["legacyId", *CSV_CASES])
    values = ",".join(["1", *("é" * limit_of(target) for target in CSV_CASES.values())])
    job = run("import_descriptions", "full.csv", f"{header}\n{values}\n".encode(), tmp_path)
    assert job.status == JobStatus.COMPLETED, job.output
    for column, target in CSV_CASES.items():
        assert longest(target) == limit_of(target), column


def test_ead_values_at_and_over_every_limit(tmp_path):
    for element, (_, target, place) in EAD_CASES.items():
        limit, before = limit_of(target), held()
        problem = f"{place} is longer than {limit} characters (it has {limit + 1})"
        assert_refused_plainly(run("import_descriptions", "long.xml", ead_file(element, limit + 1), tmp_path), problem)
        assert held() == before, element
        job = run("import_descriptions", "full.xml", ead_file(element, limit), tmp_path)
        assert job.status == JobStatus.COMPLETED, job.output
        assert longest(target) == limit, element


def test_a_nul_is_refused_before_the_database_sees_it(tmp_path):
    before = held()
    job = run("import_descriptions", "nul.csv", b"legacyId,title\n1,Fonds\x00\n", tmp_path)
    assert_refused_plainly(job, "line 2: title holds the character U+0000, which the database cannot store")
    assert held() == before
