"""AtoM CSV where real files go wrong: strict where data would be lost, located, nothing written,
and no traceback in what the user reads."""

from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from tests.import_export_support import description_count, everything, fixture_bytes, run_form

UNCLOSED = 'legacyId,parentId,title,scopeAndContent\n1,,Fonds,"A note\nover two lines"\n2,1,"unbalanced,x\n' + "".join(
    f"{n},1,Row {n},z\n" for n in range(3, 500)
)


def test_an_unclosed_quote_fails_the_import_at_the_line_where_it_opened(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("q.csv", UNCLOSED.encode()))
    assert job.status == JobStatus.ERROR
    assert job.info == (
        'line 4: a quoted value opened on this line is never closed (a " is missing): '
        "the rest of the file would be read into that one cell"
    )
    assert "Traceback" not in job.output
    assert job.info in job.output
    assert description_count() == 0


def test_validate_csv_reports_the_unclosed_quote(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("q.csv", UNCLOSED.encode()))
    assert job.status == JobStatus.COMPLETED
    assert job.info.startswith("1 problem found.")
    assert "line 4: a quoted value opened on this line is never closed" in job.output


def test_siblings_with_one_identifier_under_update_are_refused_naming_both_lines(as_user, run_jobs):
    client = as_user("alice")
    run_form(client, run_jobs, "import_descriptions", ("h.csv", fixture_bytes("harbour.csv")))
    before = everything()
    csv = "identifier,title\nHB,Harbour Board fonds again\nHB,Harbour Board fonds once more\n"
    job = run_form(client, run_jobs, "import_descriptions", ("u.csv", csv.encode()), match="update")
    assert job.status == JobStatus.ERROR
    assert "line 3: identifier HB under the same parent is on line 2 too" in job.info
    assert everything() == before


def test_a_header_of_100000_columns_is_checked_in_linear_time(as_user, run_jobs):
    header = ",".join(["title", *(f"extra{n}" for n in range(100_000))])
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("wide.csv", f"{header}\nOne\n".encode()))
    assert job.status == JobStatus.COMPLETED
    assert job.info.startswith("No problems found.")
    assert db.session.scalar(select(db.func.count()).select_from(D)) == 0
