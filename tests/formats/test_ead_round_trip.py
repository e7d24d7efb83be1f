"""EAD 2002 both ways: what the export writes, the import reads back into the same fields.

CSV -> EAD -> CSV: every column with an EAD place comes back with the same value, row by row;
EAD -> EAD: the re-imported tree exports the same document."""

from __future__ import annotations

import re

from sqlalchemy import select

from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from tests.formats.test_ead_export_schema import exported_ead
from tests.import_export_support import ISAD, cells, fixture_bytes, run_form
from tests.jobs.test_export import download, export, members

# AtoM columns with no place in an EAD <archdesc>/<c> as we write it: the description control
# area (AtoM writes it to <eadheader>/<profiledesc>, once per file), the accession, the script,
# event notes and places, and a digital object's path when it also has a URI (one <dao> is read).
NOT_IN_EAD = {
    "accessionNumber", "script", "descriptionIdentifier", "institutionIdentifier", "rules", "descriptionStatus",
    "levelOfDetail", "revisionHistory", "languageOfDescription", "scriptOfDescription", "sources", "culture",
    "digitalObjectPath", "qubitParentSlug",
}  # fmt: skip


def imported(client, run_jobs, name: str, data: bytes, **fields):
    job = run_form(client, run_jobs, "import_descriptions", (name, data), **fields)
    assert job.status == JobStatus.COMPLETED, job.output
    return db.session.get(D, job.description_id)


def csv_rows(client, run_jobs, slug: str) -> list[dict[str, str]]:
    """The export's cells; event dates as ISO 8601 spells them (EAD's normal attribute): AtoM's
    "1890-00-00" for a year alone is "1890" there, the same date."""
    ((_, content),) = members(download(client, export(client, run_jobs, slug, "csv").id)).items()
    rows = [{k: v for k, v in row.items() if k not in NOT_IN_EAD} for row in cells(content)]
    for row in rows:
        for column in ("eventStartDates", "eventEndDates"):
            row[column] = re.sub(r"(-00)+(?=\||$)", "", row[column])
    return rows


def test_csv_to_ead_to_csv_keeps_every_column_with_an_ead_place(as_user, run_jobs):
    client = as_user("alice")
    fonds = imported(client, run_jobs, ISAD, fixture_bytes(ISAD))
    ead = exported_ead(client, run_jobs, fonds.slug)
    again = imported(client, run_jobs, "again.xml", ead, match="new")
    assert again.id != fonds.id
    before, after = csv_rows(client, run_jobs, fonds.slug), csv_rows(client, run_jobs, again.slug)
    assert len(after) == len(before) > 2
    for number, (want, got) in enumerate(zip(before, after, strict=True), start=1):
        differing = {column: (want[column], got[column]) for column in want if want[column] != got[column]}
        assert not differing, f"row {number}: {differing}"
    filled = {column for row in before for column, value in row.items() if value}
    assert {"eventActors", "eventActorHistories", "subjectAccessPoints", "nameAccessPoints", "physicalObjectName",
            "physicalObjectLocation", "accessConditions", "alternativeIdentifiers", "digitalObjectURI",
            "generalNote", "publicationNote", "language"} <= filled  # fmt: skip


def test_ead_to_ead_gives_the_same_document(as_user, run_jobs):
    client = as_user("alice")
    fonds = imported(client, run_jobs, ISAD, fixture_bytes(ISAD))
    first = exported_ead(client, run_jobs, fonds.slug)
    again = imported(client, run_jobs, "again.xml", first, match="new")
    second = exported_ead(client, run_jobs, again.slug)
    assert second.replace(again.slug.encode(), fonds.slug.encode()) == first
    assert db.session.scalar(select(D.id).where(D.identifier == "LH", D.id != fonds.id)) == again.id
