"""Check import (the former Validate CSV): an import's checks on a CSV or EAD file, what it would
create, update and skip, every problem listed with its line, nothing written."""

from __future__ import annotations

from models import JobStatus
from tests.import_export_support import description_count, fixture_bytes, run_form


def test_every_problem_is_reported_and_nothing_is_written(as_user, run_jobs, fonds):
    before = description_count()
    csv = fixture_bytes("bad_parent.csv") + b"15,1,F15,Dated," + b"L" * 65 + b"\n"
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("bad.csv", csv))
    assert job.status == JobStatus.COMPLETED
    assert job.info.startswith("3 problems found. Would create ")
    for problem in (
        "line 14: parentId 99 refers to no earlier row",
        "line 15: missing title",
        "line 17: levelOfDescription is longer than 64 characters",
    ):
        assert problem in job.output
    assert description_count() == before


def test_a_clean_file_has_no_problems(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("h.csv", fixture_bytes("harbour.csv")))
    assert (job.status, job.info) == (
        JobStatus.COMPLETED,
        "No problems found. Would create 6, update 0, skip 0 descriptions.",
    )
    assert "nothing was written" in job.output
    assert description_count() == 0


def test_an_unreadable_row_is_one_more_problem_not_a_crash(as_user, run_jobs):
    csv = b'legacyId,title\n1,"unterminated\n2,Next\n'
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("u.csv", csv))
    assert job.status == JobStatus.COMPLETED
    assert " problem" in job.info
    assert job.info.endswith("descriptions.")


def test_an_ead_file_and_the_match_option_are_checked_as_an_import_would(as_user, run_jobs):
    client = as_user("alice")
    run_form(client, run_jobs, "import_descriptions", ("h.csv", fixture_bytes("harbour.csv")))
    before = description_count()
    skip = run_form(client, run_jobs, "validate_csv", ("h.csv", fixture_bytes("harbour.csv")), match="skip")
    assert skip.info == "No problems found. Would create 0, update 0, skip 6 descriptions."
    update = run_form(client, run_jobs, "validate_csv", ("h.csv", fixture_bytes("harbour.csv")), match="update")
    assert update.info == "No problems found. Would create 0, update 6, skip 0 descriptions."
    ead = run_form(client, run_jobs, "validate_csv", ("h.xml", fixture_bytes("harbour.xml")), match="new")
    assert ead.status == JobStatus.COMPLETED, ead.output
    assert ead.info.startswith("No problems found")
    assert "Would create " in ead.info
    assert description_count() == before  # nothing written
