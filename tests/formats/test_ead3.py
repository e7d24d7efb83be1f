"""EAD3 as a format of its own: recognised by its namespace (never read as EAD 2002), read with its
own spellings (localtype, <part>s of names, structured dates and extents, <control>), written back
valid against the EAD3 schema, and measured against the source file as EAD 2002 is. Real files:
tests/fixtures/import/ead3 (NCSU, University of Minnesota; see its PROVENANCE.md)."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from actors.formats.uploads import check_upload
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from models.description_related import related_of
from tests.formats.test_ead_export_schema import assert_valid, exported_ead
from tests.import_export_support import fixture_bytes, run_form

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from fidelity import measure_ead

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EAD3_SCHEMA = etree.XMLSchema(etree.parse(str(FIXTURES / "schemas" / "ead3.xsd")))
NCSU, UMN = FIXTURES / "import" / "ead3" / "ncsu_mc00042.xml", FIXTURES / "import" / "ead3" / "umn_naa213.xml"
E3 = "{http://ead3.archivists.org/schema/}"


def assert_valid_ead3(document: bytes) -> None:
    assert EAD3_SCHEMA.validate(etree.fromstring(document)), EAD3_SCHEMA.error_log


def imported(client, run_jobs, path: Path, **fields):
    job = run_form(client, run_jobs, "import_descriptions", (path.name, path.read_bytes()), **fields)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


@pytest.fixture
def client(as_user):
    return as_user("alice")


def test_the_checker_refuses_what_the_ead3_schema_refuses():
    with pytest.raises(AssertionError):
        assert_valid_ead3(b'<ead xmlns="http://ead3.archivists.org/schema/"><archdesc level="fonds"/></ead>')


@pytest.mark.parametrize("requested", [None, "ead", "ead3"])
def test_an_ead3_file_is_recognised_by_its_namespace_whatever_was_asked(app, requested):
    with app.test_request_context():
        assert check_upload(io.BytesIO(NCSU.read_bytes()), NCSU.name, requested, None) == "ead3"
        assert check_upload(io.BytesIO(fixture_bytes("every_word.xml")), "e.xml", requested, None) == "ead"


@pytest.mark.parametrize("source", [NCSU, UMN], ids=lambda path: path.name)
def test_a_real_ead3_file_keeps_its_words_and_exports_valid_ead3(client, run_jobs, tmp_path, source):
    job = imported(client, run_jobs, source)
    assert "Read as EAD3 XML, as its namespace says." in job.output
    root = db.session.get(D, job.description_id)
    exported = tmp_path / "export.xml"
    exported.write_bytes(exported_ead(client, run_jobs, root.slug, "ead3"))
    assert_valid_ead3(exported.read_bytes())
    fidelity = measure_ead(source, [exported])
    assert fidelity.share >= 99.0, "\n".join(fidelity.lost_lines())
    assert_valid(exported_ead(client, run_jobs, root.slug))  # (and as EAD 2002, valid against its DTD)


def test_ead3_spellings_fill_the_same_fields(client, run_jobs):
    job = imported(client, run_jobs, NCSU)
    root = db.session.get(D, job.description_id)
    held = related_of([root], {})[root.id]
    assert root.title == "George Matsumoto Papers"
    assert root.extent_and_medium == "12.5 linear feet"  # (<physdescstructured>: quantity and unit)
    creators = [(e["actor"], e.get("date_text"), e.get("start_text"), e.get("end_text")) for e in held.events]
    assert creators == [("Matsumoto, George, 1922-", "1945-1991", "1945", "1991")]  # (<part>s; structured dates)
    assert held.repository == "North Carolina State University Libraries, Special Collections Research Center"
    assert [k.element for k in held.kept].count("did/abstract") == 2
    kinds = {c["type"] for r in db.session.scalars(select(D)) for c in related_of([r], {})[r.id].containers}
    assert {"box", "folder", "flatbox", "volume"} <= kinds  # (<container localtype="box">: the container's type)


def test_ead_2002_exports_as_valid_ead3_and_back_to_the_same_record(client, run_jobs):
    fonds = db.session.get(D, imported(client, run_jobs, FIXTURES / "import" / "every_word.xml").description_id)
    first = exported_ead(client, run_jobs, fonds.slug, "ead3")
    assert_valid_ead3(first)
    assert etree.fromstring(first).find(f"{E3}control/{E3}recordid").text == fonds.slug
    again = run_form(client, run_jobs, "import_descriptions", ("again.xml", first), match="new")
    assert again.status == JobStatus.COMPLETED, again.output
    second = exported_ead(client, run_jobs, db.session.get(D, again.description_id).slug, "ead3")

    def body(document: bytes) -> bytes:  # (<control> says when each was made, and the slugs differ)
        return re.sub(rb'(<control>.*</control>|"[a-z0-9-]+papers[a-z0-9-]*")', b"", document, flags=re.S)

    assert body(second) == body(first)


def test_the_export_form_and_the_cli_offer_ead3(client, app):
    page = client.get("/jobs/new/export_descriptions")
    assert "EAD3 XML" in page.text
    result = app.test_cli_runner().invoke(args=["descriptions", "export", "--help"])
    assert "ead3" in result.output
