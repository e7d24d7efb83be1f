"""Every AtoM CSV is known by its first line: descriptions import (ISAD and RAD, every template
since AtoM 1.3), and every other kind AtoM imports is refused by name, in the same words on the
upload form and in the job. Fixtures: real AtoM example files (tests/fixtures/atom_csv_entities,
PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from actors.engine.launching import launch
from actors.formats.atom_csv.entities import DESCRIPTIONS, identify
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from tests.import_export_support import description_count, last_job, run_form, submit

HERE = Path(__file__).resolve().parent.parent / "fixtures" / "atom_csv_entities"
TEMPLATES = sorted(path.name for path in HERE.glob("*.csv") if path.name.startswith(("isad_", "rad_")))
NOT_DESCRIPTIONS = {
    "accessions_v2.1.2.csv": "This is an AtoM accessions CSV",
    "accessions_v2.2.1.csv": "This is an AtoM accessions CSV",
    "accessions_v2.5.4.csv": "This is an AtoM accessions CSV",
    "accessions_v2.6.4.csv": "This is an AtoM accessions CSV",
    "accessions_v2.8.2.csv": "This is an AtoM accessions CSV",
    "deaccessions_v2.8.2.csv": "This is an AtoM deaccessions CSV",
    "authority_records_v2.3.1.csv": "This is an AtoM authority records CSV",
    "authority_records_v2.4.1.csv": "This is an AtoM authority records CSV",
    "authority_records_v2.5.4.csv": "This is an AtoM authority records CSV",
    "authority_records_v2.8.2.csv": "This is an AtoM authority records CSV",
    "relationships_v2.5.4.csv": "This is an AtoM authority record relationships CSV",
    "relationships_v2.8.2.csv": "This is an AtoM authority record relationships CSV",
    "aliases_v2.5.4.csv": "This is an AtoM authority record aliases CSV",
    "repositories_v2.3.1.csv": "This is an AtoM archival institutions (repositories) CSV",
    "repositories_v2.4.0.csv": "This is an AtoM archival institutions (repositories) CSV",
    "repositories_v2.8.2.csv": "This is an AtoM archival institutions (repositories) CSV",
    "events_v1.3.2.csv": "This is an AtoM events CSV",
    "events_v2.8.2.csv": "This is an AtoM events CSV",
    "physical_objects_v2.8.2.csv": "This is an AtoM physical storage CSV",
    "holdings_report_2.8.csv": "This is an AtoM physical storage holdings report",
    "digital_object_load_2.8.csv": "This is an AtoM digital object load CSV",
}
WHAT_IS_IMPORTED = (
    "; this site imports archival descriptions (AtoM's information object CSV, whose first line has "
    "“title”, “levelOfDescription”…)."
)
NOT_ATOM = "This does not look like an AtoM CSV file: its first line has no “title” column."


def form_error(client, filename: str, content: bytes) -> str:
    page = submit(client, "import_descriptions", (filename, content), status=400)
    assert last_job() is None  # nothing launched
    return page.html.find("span", class_="field-error").get_text().strip()


def job_given(path: Path) -> object:
    """The import job run on a file that never went through the form (the CLI's, or one replaced)."""
    launch("import_descriptions", parameters={"file": {"path": str(path), "filename": path.name}, "format": "csv"})
    return last_job()


def test_every_fixture_is_named_here():
    assert set(NOT_DESCRIPTIONS) | set(TEMPLATES) == {path.name for path in HERE.glob("*.csv")}
    assert len(TEMPLATES) == 15


@pytest.mark.parametrize(("name", "this_is"), sorted(NOT_DESCRIPTIONS.items()))
def test_every_other_atom_csv_is_refused_by_name_on_the_form_and_in_the_job(as_user, run_jobs, name, this_is):
    on_the_form = form_error(as_user("alice"), name, (HERE / name).read_bytes())
    assert on_the_form == this_is + WHAT_IS_IMPORTED
    job_given(HERE / name)
    run_jobs()
    job = last_job()
    assert job.status == JobStatus.ERROR
    assert job.info == on_the_form
    assert "Traceback" not in job.output
    assert description_count() == 0


def test_a_csv_that_is_no_atom_csv_is_told_so_on_the_form_and_in_the_job(as_user, run_jobs, tmp_path):
    assert form_error(as_user("alice"), "list.csv", b"name,size\nx,1\n") == NOT_ATOM
    path = tmp_path / "list.csv"
    path.write_bytes(b"name,size\nx,1\n")
    job_given(path)
    run_jobs()
    assert (last_job().status, last_job().info) == (JobStatus.ERROR, NOT_ATOM)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_description_template_since_atom_1_3_imports(as_user, run_jobs, name):
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", (name, (HERE / name).read_bytes()))
    assert job.status == JobStatus.COMPLETED, job.output
    assert job.info.startswith("Created 2,")
    assert description_count() == 2


@pytest.mark.parametrize(
    "header",
    [
        "legacyId,accessionNumber,title,acquisitionDate,donorName",  # accession columns kept as they are
        "title,processingNotes",  # no accessionNumber: not an accessions CSV
        "identifier,title,authorizedFormOfName,eventActorName,deaccessionNumber,filename",
        "title",
    ],
)
def test_a_header_with_title_is_descriptions_unless_it_is_an_accessions_one(header):
    assert identify(header.split(",")) is DESCRIPTIONS


def test_the_repeated_empty_column_of_atoms_2_6_isad_template_imports_with_a_warning(as_user, run_jobs):
    name = "isad_v2.6.4.csv"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", (name, (HERE / name).read_bytes()))
    assert job.status == JobStatus.COMPLETED
    assert job.info == "Created 2, updated 0, skipped 0 descriptions, 1 warning (see details)."
    assert "Warning: line 1: the header has accessionNumber twice (columns 4 and 6): read as one column" in job.output
    assert "repeated column (1)" in job.output


REPEATED = "legacyId,accessionNumber,title,accessionNumber\n"


def accession_numbers() -> dict[str, str | None]:
    db.session.expire_all()
    return {title: number for title, number in db.session.execute(select(D.title, D.accession_number))}


def test_a_repeated_column_whose_copies_agree_loses_nothing(as_user, run_jobs):
    rows = "1,A-1,Both filled alike,A-1\n2,,Second copy only,A-2\n3,A-3,First copy only,\n4,,Neither,\n"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("r.csv", (REPEATED + rows).encode()))
    assert job.status == JobStatus.COMPLETED, job.output
    assert accession_numbers() == {
        "Both filled alike": "A-1",
        "Second copy only": "A-2",
        "First copy only": "A-3",
        "Neither": None,
    }


def test_a_repeated_column_whose_copies_differ_is_refused_naming_line_columns_and_values(as_user, run_jobs):
    rows = "1,A-1,Fonds,A-1\n2,B-1,File,B-2\n3,C-1,Other file,C-9\n"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("r.csv", (REPEATED + rows).encode()))
    assert job.status == JobStatus.ERROR
    assert job.info == (
        "line 3: the header has accessionNumber in columns 2 and 4 and this row gives them different values "
        "(“B-1” in column 2, “B-2” in column 4): keep one of these columns "
        "(and 1 more problem: see the output). Nothing was imported."
    )
    assert "line 4: the header has accessionNumber in columns 2 and 4" in job.output
    assert description_count() == 0


def test_check_import_reports_copies_that_differ(as_user, run_jobs):
    rows = "1,A-1,Fonds,A-2\n"
    job = run_form(as_user("alice"), run_jobs, "validate_csv", ("r.csv", (REPEATED + rows).encode()))
    assert job.status == JobStatus.COMPLETED
    assert job.info.startswith("1 problem found, 1 warning")
    assert "line 2: the header has accessionNumber in columns 2 and 4" in job.output
