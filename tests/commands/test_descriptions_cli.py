"""`flask descriptions import|export|list`: jobs launched from scripts, --wait, tab-separated listing."""

from __future__ import annotations

import zipfile

import pytest

from commands.descriptions import descriptions_cli
from models import ArchivalDescription as D
from models import JobStatus
from tests.import_export_support import FIXTURES, description_count, last_job, tree


@pytest.fixture
def cli(app):
    if "descriptions" not in app.cli.commands:  # (until app.py registers the group)
        app.cli.add_command(descriptions_cli)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["descriptions", *map(str, args)])


def test_list_prints_the_tree_in_order_tab_separated(cli, fonds):
    result = cli("list")
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert len(lines) == 40
    assert lines[0] == ["0", "fonds", "PEHC", "Port Ellis Harbour Commission fonds", lines[0][4], fonds]
    assert lines[0][4] in ("Published", "Draft")
    assert [(int(d), t) for d, _, _, t, *_ in lines] == [(d, t) for d, _, t, *_ in tree(fonds, relative=False)]
    series = D.by_slug(fonds).children()[1]
    subtree = cli("list", "--root", series.slug).output.splitlines()
    assert subtree[0].startswith("1\tseries\t")
    assert len(subtree) == series.descendant_count + 1
    assert cli("list", "--root", "nope").exit_code == 2


def test_import_without_wait_only_launches(cli, app):
    result = cli("import", FIXTURES / "harbour.csv")
    assert result.exit_code == 0, result.output
    job = last_job()
    assert result.output.startswith(f"Launched job {job.id}.")
    assert (job.status, job.user_id, job.parameters["format"], job.parameters["match"]) == (
        JobStatus.QUEUED,
        None,
        "csv",
        "skip",
    )


def test_import_wait_runs_to_the_end(cli, fonds, run_jobs):
    result = cli("import", FIXTURES / "harbour.xml", "--parent", fonds, "--match", "new", "--wait")
    assert result.exit_code == 0, result.output
    job = last_job()
    assert f"Job {job.id} completed: Created 6, updated 0, skipped 0 descriptions." in result.output
    assert "Imported 6 of 6 components" in result.output  # the job's output, followed, in the file's unit
    assert D.by_slug("harbour-board-fonds").parent_id == D.by_slug(fonds).id


def test_import_wait_exits_non_zero_with_the_jobs_message(cli, run_jobs):
    result = cli("import", FIXTURES / "bad_parent.csv", "--wait")
    assert result.exit_code == 1
    assert "ended Error: line 14: parentId 99 refers to no earlier row" in result.output
    assert description_count() == 0


def test_import_refuses_bad_files_before_launching(cli, tmp_path):
    result = cli("import", FIXTURES / "billion_laughs.xml")
    assert result.exit_code == 1
    assert "refused for security reasons" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "The file is empty." in cli("import", empty).output
    assert cli("import", FIXTURES / "harbour.csv", "--parent", "nowhere").exit_code == 2
    assert last_job() is None


def test_export_wait_writes_the_file(cli, fonds, run_jobs, tmp_path):
    out = tmp_path / "fonds.csv"
    result = cli("export", fonds, "--format", "csv", "--output", out, "--wait")
    assert result.exit_code == 0, result.output
    assert (
        out.read_text().splitlines()[0].startswith("legacyId,parentId,qubitParentSlug,accessionNumber,identifier,title")
    )
    assert len(out.read_text().splitlines()) == 41
    zipped = tmp_path / "fonds.zip"
    assert cli("export", fonds, "--format", "ead", "--output", zipped, "--wait").exit_code == 0
    assert zipfile.ZipFile(zipped).namelist() == [f"{fonds}.xml"]


def test_export_without_wait_says_where_the_result_will_be(cli, fonds, tmp_path):
    result = cli("export", fonds, "--format", "ead", "--output", tmp_path / "x.zip")
    job = last_job()
    assert result.exit_code == 0
    assert f"/jobs/{job.id}/result" in result.output
    assert job.parameters == {"format": "ead", "slugs": [fonds]}
