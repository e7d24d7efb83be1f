"""AtoM CSV, every column both ways: each column family lands in its place in the model,
comes back out of the export in AtoM's header, and survives import -> export -> import."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from extensions import db
from models import (
    AlternativeIdentifier,
    AuthorityRecord,
    Container,
    DescriptionContainer,
    Event,
    JobStatus,
    LevelOfDescription,
    Note,
    Repository,
    Term,
)
from models import ArchivalDescription as D
from tests.import_export_support import ISAD, cells, fixture_bytes, run_form
from tests.jobs.test_export import download, export, members


def import_file(client, run_jobs, name: str, content: bytes, **fields):
    job = run_form(client, run_jobs, "import_descriptions", (name, content), **fields)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


def exported(client, run_jobs, slug: str) -> bytes:
    job = export(client, run_jobs, slug, "csv")
    ((_, content),) = members(download(client, job.id)).items()
    return content


def test_every_isad_column_lands_in_its_place(as_user, run_jobs):
    import_file(as_user("alice"), run_jobs, ISAD, fixture_bytes(ISAD))
    fonds = db.session.scalars(select(D).where(D.identifier == "LH")).one()
    assert (fonds.accession_number, fonds.access_conditions, fonds.reproduction_conditions) == (
        "2026-014",
        "Open, except personnel files (closed 75 years).",
        "Copies for research only.",
    )
    assert (fonds.languages, fonds.scripts, fonds.description_languages) == (["en", "fr"], ["Latn"], ["en"])
    assert fonds.scope_and_content == "Logs, letters and plans.\n\nSecond paragraph."
    assert (fonds.digital_object_uri, fonds.has_digital_object) == ("https://example.org/lighthouse.jpg", True)
    assert db.session.get(Repository, fonds.repository_id).name == "Port Ellis Archives"
    events = db.session.scalars(select(Event).where(Event.description_id == fonds.id).order_by(Event.position)).all()
    assert [(e.event_type, e.authority.authorized_name, e.start_text, e.start_date, e.end_date) for e in events] == [
        ("Creation", "Port Ellis Lighthouse Service", "1890-00-00", date(1890, 1, 1), date(1955, 12, 31)),
        ("Accumulation", "Ellis, Mary", "1960-05-00", date(1960, 5, 1), date(1960, 5, 31)),
    ]
    assert (fonds.dates, fonds.start_date, fonds.end_date) == ("1890-1955", date(1890, 1, 1), date(1955, 12, 31))
    # one authority record per name: the series' creator and the fonds' name access point reuse them
    assert db.session.scalar(select(func.count()).select_from(AuthorityRecord)) == 2
    assert AuthorityRecord.by_name("port ellis lighthouse service").history == "Founded in 1889 to keep the lights."
    notes = db.session.execute(
        select(Note.note_type, Note.content)
        .where(Note.description_id == fonds.id)
        .order_by(Note.note_type, Note.position)
    ).all()
    assert [tuple(n) for n in notes] == [
        ("archivist", "Described by A. Archivist."),
        ("archivist", "Checked by B."),
        ("general", "General note one."),
        ("general", "General note two."),
        ("publication", "Cited in Smith 2001."),
        ("publication", "Cited in Jones 2010."),
    ]
    assert db.session.execute(
        select(AlternativeIdentifier.label, AlternativeIdentifier.value).order_by(AlternativeIdentifier.position)
    ).all() == [("Former reference", "OLD-1"), (None, "X-9")]
    assert sorted((t.taxonomy.value, t.name) for t in db.session.scalars(select(Term))) == [
        ("genre", "Logbooks"),
        ("place", "Port Ellis"),
        ("subject", "Lighthouses"),
        ("subject", "Navigation"),
    ]
    # Box 1 and Box 2 of Shelf A: two containers, shared by the fonds and its descendants
    assert sorted(c.display_name for c in db.session.scalars(select(Container))) == ["Box 1", "Box 2"]
    assert db.session.scalar(select(func.count()).select_from(DescriptionContainer)) == 4
    piece = db.session.scalars(select(D).where(D.identifier == "LH-1-1")).one()
    assert piece.level_of_description == "piece"
    assert LevelOfDescription.names()["piece"] == "Piece"


def test_the_export_writes_atom_isad_header_and_every_cell_back(as_user, run_jobs):
    client = as_user("alice")
    import_file(client, run_jobs, ISAD, fixture_bytes(ISAD))
    content = exported(client, run_jobs, db.session.scalars(select(D.slug).where(D.identifier == "LH")).one())
    source = fixture_bytes(ISAD).decode()
    assert content.decode().splitlines()[0] == source.splitlines()[0]  # AtoM's header, names and order
    for back, source in zip(cells(content), cells(fixture_bytes(ISAD)), strict=True):
        assert {k: v for k, v in back.items() if v != source[k]} == {}


def test_rad_columns_and_columns_with_no_field_here_are_kept_and_exported_back(as_user, run_jobs):
    client = as_user("alice")
    job = import_file(client, run_jobs, "rad.csv", fixture_bytes("rad_and_kept_columns.csv"))
    assert "Columns kept as they are" in job.output
    assert "copyrightStatus" in job.output
    atlas = db.session.scalars(select(D).where(D.title == "Atlas of the coast")).one()
    assert atlas.alternate_title == "Atlas de la côte"
    assert atlas.culture == "fr"
    assert atlas.other_fields["radEdition"] == "2nd ed."
    assert atlas.other_fields["copyrightStatus"] == "Public domain"
    first = db.session.scalars(select(Event).where(Event.description_id == atlas.id).order_by(Event.position)).first()
    assert (first.description, first.place) == ("Published by the harbour.", "Port Ellis")
    content = exported(client, run_jobs, atlas.slug)
    header = content.decode().splitlines()[0].split(",")
    isad = fixture_bytes(ISAD).decode().splitlines()[0].split(",")
    assert header[: len(isad)] == isad  # AtoM's ISAD header first, then RAD's columns in RAD's order, then the rest
    assert header[len(isad) :] == [
        "radGeneralMaterialDesignation",
        "alternateTitle",
        "radEdition",
        "radNoteConservation",
        "eventDescriptions",
        "eventPlaces",
        "copyrightStatus",
    ]
    source = cells(fixture_bytes("rad_and_kept_columns.csv"))[0]
    back = cells(content)[0]
    assert {column: back[column] for column in source} == source


def test_import_export_import_gives_the_same_value_in_every_column(as_user, run_jobs):
    client = as_user("alice")
    import_file(client, run_jobs, ISAD, fixture_bytes(ISAD))
    first = exported(client, run_jobs, db.session.scalars(select(D.slug).where(D.identifier == "LH")).one())
    db.session.execute(db.delete(D))
    db.session.commit()
    import_file(client, run_jobs, "again.csv", first)
    second = exported(client, run_jobs, db.session.scalars(select(D.slug).where(D.identifier == "LH")).one())
    assert cells(second) == cells(first)
    assert db.session.scalar(select(func.count()).select_from(AuthorityRecord)) == 2  # found again, not duplicated


def test_the_older_atom_headers_import_as_events(as_user, run_jobs):
    import_file(as_user("alice"), run_jobs, "old.csv", fixture_bytes("atom_22_headers.csv"))
    record = db.session.scalars(select(D).where(D.title == "Old export")).one()
    events = db.session.scalars(select(Event).where(Event.description_id == record.id).order_by(Event.position)).all()
    assert [(e.event_type, e.authority.authorized_name, e.date_text, e.description) for e in events] == [
        ("Creation", "Smith, John", "1900-1910", "Approximate."),
        ("Accumulation", "Doe, Jane", "1911", None),
    ]
    assert events[0].authority.history == "A surveyor."
    assert record.physical_characteristics == "Brittle."  # AtoM's old name of the column
    assert record.other_fields == {"digitalObjectChecksum": "5d41402abc4b2a76b9719d911017c592"}


def test_an_update_replaces_what_the_record_holds(as_user, run_jobs):
    client = as_user("alice")
    import_file(client, run_jobs, ISAD, fixture_bytes(ISAD))
    changed = fixture_bytes(ISAD).decode().replace("Lighthouses|Navigation", "Shipwrecks")
    import_file(client, run_jobs, "changed.csv", changed.encode(), match="update")
    fonds = db.session.scalars(select(D).where(D.identifier == "LH")).one()
    assert "Shipwrecks" in db.session.scalars(select(Term.name)).all()
    subject_links = exported(client, run_jobs, fonds.slug)
    assert cells(subject_links)[0]["subjectAccessPoints"] == "Shipwrecks"
