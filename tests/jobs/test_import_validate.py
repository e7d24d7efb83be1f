"""Check import (the former Validate CSV): an import's checks on a CSV or EAD file, what it would
create, update and skip, every problem listed with its line, nothing written."""

from __future__ import annotations

import csv
import io

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


def many_components(count: int, renamed: range) -> bytes:
    """An EAD finding aid of a fonds with `count` files; those in `renamed` titled anew."""
    files = "".join(
        f'<c01 level="file"><did><unitid>F-{n}</unitid><unittitle>File {"no. " if n in renamed else ""}{n}'
        "</unittitle></did></c01>"
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ead><eadheader><eadid>m</eadid></eadheader>'
        f'<archdesc level="fonds"><did><unitid>M</unitid><unittitle>Many files</unittitle></did><dsc>{files}</dsc>'
        "</archdesc></ead>"
    ).encode()


def test_check_import_speaks_of_components_ends_full_and_says_what_would_update(as_user, run_jobs):
    """Issue 27: an EAD file counts components, the bar ends at 100 %, the console keeps its
    progress to a few lines, and "Would update" says which records and fields, before and after."""
    client = as_user("alice")
    run_form(client, run_jobs, "import_descriptions", ("m.xml", many_components(120, range(0))), match="new")
    renamed = many_components(120, range(1, 61))  # 60 titles change: 50 listed, the rest in the result file
    job = run_form(client, run_jobs, "validate_csv", ("m.xml", renamed), match="update")
    assert job.info == "No problems found. Would create 0, update 121, skip 0 descriptions."
    assert (job.progress_unit, job.progress_done, job.progress_total) == ("components", 121, 121)
    lines = job.output.splitlines()
    assert "Read 121 components; checking each." in lines
    assert "Checked 121 components: no problems, no warnings." in lines
    assert not [line for line in lines if "rows" in line]
    assert len([line for line in lines if line.startswith("Checked ") and line.endswith("...")]) <= 10
    assert "  “File 1” (F-1): Title: “File 1” → “File no. 1”" in lines
    assert "  “File 50” (F-50): Title: “File 50” → “File no. 50”" in lines
    assert not [line for line in lines if "(F-51)" in line]
    assert "... and 10 more: every one, field by field, in the result file (CSV)." in lines
    assert "61 matched records already hold the file's values in their description fields." in lines
    page = client.get(f"/jobs/{job.id}")
    assert "121 of 121 components (100%)" in page.html.find(id="job-progress").text
    table = list(csv.reader(io.StringIO(client.get(f"/jobs/{job.id}/result").text)))
    assert table[0] == ["identifier", "title", "field", "before", "after"]
    assert table[1:3] == [
        ["F-1", "File 1", "Title", "File 1", "File no. 1"],
        ["F-2", "File 2", "Title", "File 2", "File no. 2"],
    ]
    assert len(table) == 61


def test_a_csv_check_counts_rows_and_leaves_no_result_when_nothing_would_update(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("h.csv", fixture_bytes("harbour.csv")), match="update")
    assert (job.progress_unit, job.progress_done, job.progress_total) == ("rows", 6, 6)
    assert "Checked 6 rows: no problems, no warnings." in job.output
    assert job.result_path is None
