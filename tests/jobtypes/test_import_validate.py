"""Validate CSV: the import's checks, every problem listed with its line, nothing written."""

from __future__ import annotations

from import_export_support import description_count, fixture_bytes, run_form

from models import JobStatus


def test_every_problem_is_reported_and_nothing_is_written(as_user, run_jobs, fonds):
    before = description_count()
    csv = fixture_bytes("bad_parent.csv") + b"15,1,F15,Dated," + b"L" * 65 + b"\n"
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("bad.csv", csv))
    assert job.status == JobStatus.COMPLETED
    assert job.info == "3 problems found."
    for problem in (
        "line 14: parentId 99 refers to no earlier row",
        "line 15: missing title",
        "line 17: levelOfDescription is longer than 64 characters",
    ):
        assert problem in job.output
    assert description_count() == before


def test_a_clean_file_has_no_problems(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("h.csv", fixture_bytes("harbour.csv")))
    assert (job.status, job.info) == (JobStatus.COMPLETED, "No problems found.")
    assert description_count() == 0


def test_an_unreadable_row_is_one_more_problem_not_a_crash(as_user, run_jobs):
    csv = b'legacyId,title\n1,"unterminated\n2,Next\n'
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("u.csv", csv))
    assert job.status == JobStatus.COMPLETED
    assert job.info.endswith("found.")


def test_only_csv_files(as_user):
    from import_export_support import submit

    page = submit(as_user("alice"), "validate_csv", ("h.xml", fixture_bytes("harbour.xml")), status=400)
    assert "The AtoM CSV file must end in .csv" in page.text
