"""EAD 2002 export: every field of the model in its EAD place, and valid against the EAD 2002
schema (the official DTD, as the glamconv package ships it: checked offline)."""

from __future__ import annotations

from pathlib import Path

import glamconv
import pytest
from lxml import etree
from sqlalchemy import select

from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from tests.import_export_support import ISAD, fixture_bytes, run_form
from tests.jobs.test_export import download, export, members

EAD_DTD = Path(glamconv.__file__).parent / "ead" / "ead-2002-dtd" / "ead.dtd"
NS = "{urn:isbn:1-931666-22-9}"
XLINK = "{http://www.w3.org/1999/xlink}"


def without_namespace(document: bytes) -> etree._Element:
    """The DTD form of a namespaced EAD 2002 document: same elements, xlink:href as href."""
    root = etree.fromstring(document)
    for element in root.iter():
        element.tag = etree.QName(element).localname
        for name in list(element.attrib):
            if name.startswith(XLINK):
                local = name[len(XLINK) :]
                element.attrib["linktype" if local == "type" else local] = element.attrib.pop(name)
    etree.cleanup_namespaces(root)
    return root


def assert_valid(document: bytes) -> None:
    dtd = etree.DTD(str(EAD_DTD))
    root = without_namespace(document)
    assert dtd.validate(root), dtd.error_log.filter_from_errors()


def exported_ead(client, run_jobs, slug: str, fmt: str = "ead") -> bytes:
    job = export(client, run_jobs, slug, fmt)
    ((_, content),) = members(download(client, job.id)).items()
    return content


def test_the_checker_refuses_what_the_schema_refuses():
    bad = b'<ead xmlns="urn:isbn:1-931666-22-9"><archdesc level="shelf"><did/></archdesc></ead>'
    with pytest.raises(AssertionError):
        assert_valid(bad)


def test_every_field_is_in_its_ead_place_and_the_export_is_valid(as_user, run_jobs):
    client = as_user("alice")
    job = run_form(client, run_jobs, "import_descriptions", (ISAD, fixture_bytes(ISAD)))
    assert job.status == JobStatus.COMPLETED, job.output
    content = exported_ead(client, run_jobs, db.session.scalars(select(D.slug).where(D.identifier == "LH")).one())
    assert_valid(content)
    root = etree.fromstring(content)
    archdesc = root.find(f"{NS}archdesc")
    did = archdesc.find(f"{NS}did")

    def text(path: str, element=archdesc) -> list[str]:
        return ["".join(e.itertext()) for e in element.iterfind(path, {"e": NS[1:-1]})]

    assert text("e:did/e:origination") == ["Port Ellis Lighthouse Service", "Ellis, Mary"]
    assert [e.get("label") for e in did.iterfind(f"{NS}origination")] == ["Creation", "Accumulation"]
    assert text("e:accessrestrict") == ["Open, except personnel files (closed 75 years)."]
    assert text("e:userestrict") == ["Copies for research only."]
    assert text("e:custodhist") == ["Kept by the keepers."]
    assert text("e:acqinfo") == ["Transferred in 1990."]
    assert text("e:bioghist/e:p") == ["Founded in 1889 to keep the lights."]
    assert text("e:bioghist/e:head") == [
        "Port Ellis Lighthouse Service"
    ]  # (whose history it is: it imports back to them)
    assert [(c.get("type"), c.text) for c in did.iterfind(f"{NS}container")] == [("Box", "1"), ("Box", "2")]
    assert text("e:did/e:physloc") == ["Shelf A"]
    assert [(d.get("datechar"), d.get("normal"), d.text) for d in did.iterfind(f"{NS}unitdate")] == [
        ("creation", "1890/1955-12-31", "1890-1955"),
        ("accumulation", "1960-05", "1960"),
    ]
    assert [e.get("langcode") for e in did.iterfind(f"{NS}langmaterial/{NS}language")] == ["en", "fr"]
    assert did.find(f"{NS}dao").get(f"{XLINK}href") == "https://example.org/lighthouse.jpg"
    assert text("e:did/e:repository") == ["Port Ellis Archives"]
    assert text("e:controlaccess/e:subject") == ["Lighthouses", "Navigation"]
    assert text("e:controlaccess/e:geogname") == ["Port Ellis"]
    assert text("e:controlaccess/e:name") == ["Ellis, Mary"]
    assert text("e:did/e:unitid") == ["LH", "OLD-1", "X-9"]
    piece = root.find(f".//{NS}c[@otherlevel='Piece']")
    assert piece.get("level") == "otherlevel"
    assert text("e:accessrestrict", piece) == ["Fragile: ask staff."]


def test_the_demo_fonds_exports_valid_ead(as_user, run_jobs):
    assert_valid(exported_ead(as_user("alice"), run_jobs, insert_demo_fonds(60)))


@pytest.mark.parametrize("name", ["wild_patterns.xml", "structured_notes.xml"])
def test_exports_of_real_world_patterns_are_valid(as_user, run_jobs, name):
    """Bulk dates, other levels, lists in notes: written back as EAD 2002 allows them."""
    client = as_user("alice")
    job = run_form(client, run_jobs, "import_descriptions", (name, fixture_bytes(name)))
    assert_valid(exported_ead(client, run_jobs, job.description.slug))
