"""What a reading room needs in a finding aid: the creators with their dates and history,
the conditions of access and use, the repository, and each description's boxes and folders."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from commands.demo_related import ACCESS, COMMISSION, REPOSITORY
from extensions import db
from models import ArchivalDescription as D
from models import Container, DescriptionContainer, FindingAid
from tests.jobs.test_finding_aid_options import generate, pdf_text


def flat(text: str) -> str:
    return " ".join(text.split()).lower()


def first_item_with_a_folder(fonds: str) -> tuple[D, str]:
    root = D.by_slug(fonds)
    rows = (
        select(D, Container)
        .join(DescriptionContainer, DescriptionContainer.description_id == D.id)
        .join(Container, Container.id == DescriptionContainer.container_id)
        .where(D.lft.between(root.lft, root.rgt), Container.container_type == "Folder")
        .order_by(D.lft)
    )
    item, folder = db.session.execute(rows.limit(1)).one()
    return item, folder.name


def test_the_pdf_prints_creators_conditions_and_containers(app, fonds, run_jobs):
    generate(fonds, run_jobs, db, model="full")
    text = pdf_text(app, fonds)
    name, _kind, dates, history = COMMISSION
    assert flat(f"{name} ({dates})") in text  # the title page's creator
    assert flat(history) in text
    assert flat(REPOSITORY) in text
    assert flat(ACCESS) in text
    assert "conditions governing reproduction" in text
    item, folder = first_item_with_a_folder(fonds)
    assert flat(item.title) in text
    assert "box " in text
    assert f"folder {folder}" in text


def test_the_inventory_summary_is_a_table_per_series_with_containers(app, fonds, run_jobs):
    """Each series is a heading over a table of what it holds, a row per description: reference
    code, title, dates, level, containers."""
    generate(fonds, run_jobs, db, model="summary")
    aid = FindingAid.for_description(D.by_slug(fonds).id)
    pages = [page.extract_text() for page in PdfReader(Path(app.instance_path, "finding-aids", aid.file_name)).pages]
    body = "\n".join(pages[2:])  # after the title page and the contents
    series = [child for child in D.by_slug(fonds).children() if child.descendant_count]
    starts = [body.index(f"{s.title}\n") for s in series]
    assert starts == sorted(starts)
    assert len(series) > 1
    for start, end in zip(starts, [*starts[1:], len(body)], strict=True):
        assert body[start:end].count("REFERENCE CODE TITLE DATES LEVEL CONTAINER") >= 1  # its own table
    item, folder = first_item_with_a_folder(fonds)
    row = f"{item.identifier} {item.title} {item.dates} {item.level_of_description}"
    assert re.search(rf"^{re.escape(row)} .*Folder {folder}\b", body, re.M), row


def test_the_rtf_has_creators_conditions_and_containers(app, fonds, run_jobs):
    generate(fonds, run_jobs, db, format="rtf")
    aid = FindingAid.for_description(D.by_slug(fonds).id)
    rtf = Path(app.instance_path, "finding-aids", aid.file_name).read_text()
    assert "Box 1" in rtf
    assert COMMISSION[0] in rtf
    assert "Conditions governing access" in rtf


def test_the_rtf_has_a_contents_field_and_its_summary_a_table_per_series(app, fonds, run_jobs):
    generate(fonds, run_jobs, db, format="rtf", model="summary")
    aid = FindingAid.for_description(D.by_slug(fonds).id)
    rtf = Path(app.instance_path, "finding-aids", aid.file_name).read_text()
    series = [child for child in D.by_slug(fonds).children() if child.descendant_count]
    contents = rtf[rtf.index(r"\fldinst TOC") : rtf.index("Update this table")]
    assert [s.title for s in series if s.title in contents] == [s.title for s in series]
    body = rtf[rtf.index("Detailed description") :]
    assert body.count(r"\trhdr") == len(series)  # a table, its header repeated on each page, per series
    item, folder = first_item_with_a_folder(fonds)
    cells = re.search(rf"{re.escape(item.identifier)}\\cell(.*?)\\row", body).group(1)
    assert item.title in cells
    assert f"Folder {folder}" in cells


def test_both_finding_aids_print_what_an_import_kept_as_it_came(app, as_user, run_jobs):
    """A component's kept EAD elements (here two <physloc>s of no container) in the PDF and the RTF."""
    from tests.import_export_support import fixture_bytes, run_form

    run_form(as_user("alice"), run_jobs, "import_descriptions", ("every_word.xml", fixture_bytes("every_word.xml")))
    generate("harbour-papers", run_jobs, db)
    assert "physical location: shelf 3" in pdf_text(app, "harbour-papers")
    generate("harbour-papers", run_jobs, db, format="rtf")
    aid = FindingAid.for_description(D.by_slug("harbour-papers").id)
    assert "Physical location:} Shelf 3" in Path(app.instance_path, "finding-aids", aid.file_name).read_text()
