"""AtoM CSV, every column both ways, on PostgreSQL (sequence ids, driver-level bulk inserts)."""

from __future__ import annotations

import zipfile

import pytest

from actors.engine.launching import launch
from extensions import db
from models import ArchivalDescription as D
from models import AuthorityRecord, Event, JobStatus
from tests.import_export_support import FIXTURES, ISAD, cells
from tests.tree_jobs_support import run_all

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_app")]


def test_every_isad_column_round_trips_on_postgres():
    launch(
        "import_descriptions",
        parameters={
            "file": {"path": str(FIXTURES / ISAD), "filename": ISAD},
            "format": "auto",
            "parent": None,
            "match": "skip",
        },
    )
    (job,) = run_all()
    assert job.status == JobStatus.COMPLETED, job.output
    fonds = db.session.scalars(db.select(D).where(D.identifier == "LH")).one()
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 4
    assert db.session.scalar(db.select(db.func.count()).select_from(AuthorityRecord)) == 2
    launch("export_descriptions", description=fonds, parameters={"slugs": [fonds.slug], "format": "csv"})
    export = run_all()[-1]
    assert export.status == JobStatus.COMPLETED, export.output
    with zipfile.ZipFile(export.result_path) as archive:
        content = archive.read(archive.namelist()[0])
    for back, source in zip(cells(content), cells((FIXTURES / ISAD).read_bytes()), strict=True):
        assert {k: v for k, v in back.items() if v != source[k]} == {}
