"""Imported values against the length of the column each is written to: the cases and checks
tests/formats/test_import_limits.py and its PostgreSQL twin share.

A value is made of "é" (two bytes in UTF-8): a column's limit counts characters, not bytes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from extensions import db
from models import ArchivalDescription as D
from models import AuthorityRecord, Container, Event, JobStatus, Repository, Term
from models.description_parts import AlternativeIdentifier, DescriptionName, DescriptionTerm, Note
from models.storage import DescriptionContainer
from models.text import column_length
from models.vocabulary import LevelOfDescription

IMPORTED_TABLES = (
    D, Event, AuthorityRecord, Container, DescriptionContainer, Term, DescriptionTerm, DescriptionName,
    Repository, LevelOfDescription, Note, AlternativeIdentifier,
)  # fmt: skip
# CSV column -> the column its value is written to.
CSV_CASES: dict[str, Any] = {
    "identifier": D.identifier, "title": D.title, "accessionNumber": D.accession_number,
    "descriptionIdentifier": D.description_identifier, "institutionIdentifier": D.institution_identifier,
    "descriptionStatus": D.description_status, "levelOfDetail": D.level_of_detail, "culture": D.culture,
    "levelOfDescription": D.level_of_description, "eventDates": D.dates, "creationDates": D.dates,
    "eventTypes": Event.event_type, "creationDatesType": Event.event_type, "eventDateTypes": Event.date_type,
    "eventActors": AuthorityRecord.authorized_name, "creators": AuthorityRecord.authorized_name,
    "nameAccessPoints": AuthorityRecord.authorized_name, "subjectAccessPoints": Term.name,
    "placeAccessPoints": Term.name, "genreAccessPoints": Term.name, "repository": Repository.name,
    "physicalObjectName": Container.name, "physicalObjectType": Container.container_type,
}  # fmt: skip
# An EAD element (how its value is written, {} the value) -> the column, and the place a problem names.
EAD_CASES: dict[str, tuple[str, Any, str]] = {
    "unitid": ("<did><unitid>{}</unitid></did>", D.identifier, "/ead/archdesc/did/unitid:"),
    "unittitle": ("<did><unittitle>{}</unittitle></did>", D.title, "/ead/archdesc/did/unittitle:"),
    "otherlevel": ('<archdesc level="otherlevel" otherlevel="{}">', D.level_of_description,
                   "/ead/archdesc: level attribute"),
    "unitdate": ("<did><unitdate>{}</unitdate></did>", D.dates, "/ead/archdesc: <unitdate>"),
    "datechar": ('<did><unitdate datechar="{}">1990</unitdate></did>', Event.event_type,
                 "/ead/archdesc: <unitdate> datechar or <origination> label"),
    "origination label": ('<did><origination label="{}"><persname>A</persname></origination></did>',
                          Event.event_type, "/ead/archdesc: <unitdate> datechar or <origination> label"),
    "origination": ("<did><origination><persname>{}</persname></origination></did>",
                    AuthorityRecord.authorized_name, "/ead/archdesc: <origination>"),
    "container": ('<did><container type="Box">{}</container></did>', Container.name, "/ead/archdesc: <container>"),
    "container type": ('<did><container type="{}">1</container></did>', Container.container_type,
                       "/ead/archdesc: <container> type attribute"),
    "repository": ("<did><repository><corpname>{}</corpname></repository></did>", Repository.name,
                   "/ead/archdesc: <repository>"),
    "subject": ("<controlaccess><subject>{}</subject></controlaccess>", Term.name, "/ead/archdesc: <subject>"),
    "geogname": ("<controlaccess><geogname>{}</geogname></controlaccess>", Term.name, "/ead/archdesc: <geogname>"),
    "genreform": ("<controlaccess><genreform>{}</genreform></controlaccess>", Term.name, "/ead/archdesc: <genreform>"),
    "persname": ("<controlaccess><persname>{}</persname></controlaccess>", AuthorityRecord.authorized_name,
                 "/ead/archdesc: <controlaccess> name"),
}  # fmt: skip


def limit_of(column: Any) -> int:
    length = column_length(column)
    assert length is not None
    return length


def csv_file(column: str, length: int) -> bytes:
    """One record whose value in ``column`` has ``length`` characters."""
    value = "é" * length
    if column == "title":
        return f"legacyId,title\n1,{value}\n".encode()
    return f"legacyId,title,{column}\n1,Fonds,{value}\n".encode()


def ead_file(element: str, length: int) -> bytes:
    """An EAD finding aid of one record whose ``element`` (EAD_CASES) holds ``length`` characters."""
    written = EAD_CASES[element][0].format("é" * length)
    archdesc = written if written.startswith("<archdesc") else '<archdesc level="fonds">'
    did = written if written.startswith("<did>") else "<did></did>"
    if "<unittitle>" not in did:
        did = did.replace("<did>", "<did><unittitle>Fonds</unittitle>", 1)
    rest = written if written.startswith("<controlaccess>") else ""
    return f"<ead>{archdesc}{did}{rest}</archdesc></ead>".encode()


def held() -> list[int | None]:
    """How many rows each table an import writes to holds: the same before and after a refused import."""
    db.session.expire_all()
    return [db.session.scalar(select(func.count()).select_from(table)) for table in IMPORTED_TABLES]


def longest(column: Any) -> int | None:
    db.session.expire_all()
    return db.session.scalar(select(func.max(func.length(column))))


def assert_one_problem(check: Any, problem: str) -> None:
    """Check import ran to its end and found that one problem, located."""
    assert check.status == JobStatus.COMPLETED, check.output
    assert (check.info or "").startswith("1 problem found."), check.output
    assert problem in check.output


def assert_refused_plainly(job: Any, problem: str) -> None:
    """The import failed on the problem, located, in plain words: no SQL, no parameters, no driver."""
    assert job.status == JobStatus.ERROR, job.output
    assert problem in job.info, job.info
    assert "Nothing was imported." in job.info, job.info
    for text in (job.info, job.output):
        for leak in ("SQL", "parameters", "psycopg", "sqlite3", "varying", "Traceback"):
            assert leak not in text, text
