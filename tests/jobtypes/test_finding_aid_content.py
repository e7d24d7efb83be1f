"""What a reading room needs in a finding aid: the creators with their dates and history,
the conditions of access and use, the repository, and each description's boxes and folders."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from test_finding_aid_options import generate, pdf_text

from commands.demo_related import ACCESS, COMMISSION, REPOSITORY
from extensions import db
from models import ArchivalDescription as D
from models import Container, DescriptionContainer, FindingAid


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
    assert flat(history) in text and flat(REPOSITORY) in text
    assert flat(ACCESS) in text and "conditions governing reproduction" in text
    item, folder = first_item_with_a_folder(fonds)
    assert flat(item.title) in text and "box " in text and f"folder {folder}" in text


def test_the_inventory_summary_keeps_containers_and_the_rtf_has_them_too(app, fonds, run_jobs):
    generate(fonds, run_jobs, db, model="summary")
    assert "container: box 1" in pdf_text(app, fonds)
    generate(fonds, run_jobs, db, format="rtf")
    aid = FindingAid.for_description(D.by_slug(fonds).id)
    rtf = Path(app.instance_path, "finding-aids", aid.file_name).read_text()
    assert "Box 1" in rtf and COMMISSION[0] in rtf and "Conditions governing access" in rtf
