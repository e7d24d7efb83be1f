"""A finding aid reads as one: languages and scripts by name in the reader's language, the
creator's history in the context area (ISAD(G) 3.2.2), and a finding aid showing unpublished
descriptions marked as a draft on its title page and in its running header."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel import Locale
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import update

from actors.rendering.finding_aid import render_finding_aid
from actors.rendering.language_names import language_name, script_name
from actors.rendering.scope import EVERYTHING, Scope
from commands.demo_related import COMMISSION
from extensions import db
from models import ArchivalDescription as D
from models import PublicationStatus

DRAFT = "draft — includes unpublished descriptions"


def flat(text: str) -> str:
    return " ".join(text.split()).lower()


def pages(fonds: str, tmp_path: Path, scope: Scope = EVERYTHING) -> list[str]:
    dest = tmp_path / "aid.pdf"
    render_finding_aid(D.by_slug(fonds).id, "pdf", dest, lambda done, total: None, scope)
    return [flat(page.extract_text()) for page in PdfReader(dest).pages]


def rtf(fonds: str, tmp_path: Path) -> str:
    dest = tmp_path / "aid.rtf"
    render_finding_aid(D.by_slug(fonds).id, "rtf", dest, lambda done, total: None)
    return dest.read_text()


@pytest.mark.parametrize(
    ("code", "english", "french"),
    [("en", "English", "anglais"), ("eng", "English", "anglais"), ("fre", "French", "français"),
     ("grc", "Ancient Greek", "grec ancien"), ("xx-nothing", "xx-nothing", "xx-nothing")],
)  # fmt: skip
def test_a_language_code_reads_as_its_name_in_the_readers_language(code, english, french):
    assert (language_name(code, Locale("en")), language_name(code, Locale("fr"))) == (english, french)


def test_a_script_code_reads_as_its_name():
    assert [script_name(code, Locale("en")) for code in ("Latn", "cyrl", "Zzzz", "Nope")] == [
        "Latin",
        "Cyrillic",
        "Unknown Script",
        "Nope",
    ]


def test_the_pdf_names_languages_and_scripts_in_the_readers_language(app, fonds, tmp_path):
    text = " ".join(pages(fonds, tmp_path))
    assert "language of material english" in text
    assert "latin" in text[text.index("script of material") :][:200]  # (the value may start the next page)
    assert "latn" not in text
    with force_locale("fr"):
        text = " ".join(pages(fonds, tmp_path))
        french = rtf(fonds, tmp_path)
    assert "anglais" in text
    assert "latin" in text
    assert "anglais" in french
    assert "English" not in french


def test_the_creators_history_is_in_the_context_area(app, fonds, tmp_path):
    text = " ".join(pages(fonds, tmp_path))
    history = flat(COMMISSION[3])
    context = text.index("context area")
    assert (
        context < text.index(f"administrative / biographical history {history}") < text.index("content and structure")
    )
    assert text.count(history) == 1  # not again after the access points
    document = rtf(fonds, tmp_path)
    context = document.index("Context area")
    label = document.index("ADMINISTRATIVE / BIOGRAPHICAL HISTORY")
    assert context < label < document.index(COMMISSION[3][:40]) < document.index("Content and structure area")
    assert document.count(COMMISSION[3][:40]) == 1


def test_a_finding_aid_with_drafts_says_so_on_its_title_page_and_every_header(app, fonds, tmp_path):
    assert D.by_slug(fonds).descendant_count > 1
    shown = pages(fonds, tmp_path)
    assert DRAFT in shown[0]
    assert all(DRAFT in page for page in shown[1:])
    assert "Draft" in rtf(fonds, tmp_path).split("{\\header\\pard", 1)[1].split("\n", 1)[0]
    db.session.execute(update(D).where(D.slug == fonds).values(publication_status=PublicationStatus.PUBLISHED))
    db.session.commit()
    public = pages(fonds, tmp_path, Scope(public_only=True))
    assert not any(DRAFT in page for page in public)


def test_a_finding_aid_of_published_descriptions_only_is_not_marked(app, fonds, tmp_path):
    db.session.execute(update(D).values(publication_status=PublicationStatus.PUBLISHED))
    db.session.commit()
    assert not any(DRAFT in page for page in pages(fonds, tmp_path))
    assert "Draft" not in rtf(fonds, tmp_path)
