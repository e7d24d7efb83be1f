"""The fidelity measure of scripts/corpus: a source's words looked for in an export, lost words
counted against the element that held them (scripts/fidelity.py)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from fidelity import measure_csv, measure_ead  # noqa: E402  (scripts/ is not a package)

SOURCE = """<?xml version="1.0" encoding="UTF-8"?>
<ead xmlns="urn:isbn:1-931666-22-9"><eadheader><filedesc><titlestmt><titleproper>Not counted</titleproper>
</titlestmt></filedesc></eadheader>
<archdesc level="fonds"><did><unittitle>Harbour <emph>board</emph> records</unittitle>
<unitid label="Reference">HB 1</unitid><container type="Box" label="Mixed Materials">3</container></did>
<scopecontent><head>Scope and content</head><p>Minutes and letters</p></scopecontent>
<descgrp><odd><p>Kept by the clerk</p></odd></descgrp></archdesc></ead>
"""
EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<ead xmlns="urn:isbn:1-931666-22-9"><archdesc level="fonds"><did><unittitle>Harbour board records</unittitle>
<unitid>HB 1</unitid><container type="Box">3</container></did>
<scopecontent><head>Scope and content</head><p>Minutes and letters</p></scopecontent></archdesc></ead>
"""


def test_lost_words_are_counted_against_the_element_that_held_them(tmp_path):
    (tmp_path / "source.xml").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "export.xml").write_text(EXPORT, encoding="utf-8")
    fidelity = measure_ead(tmp_path / "source.xml", [tmp_path / "export.xml"])
    # the header and the headings are not description; mixed content belongs to its element
    assert fidelity.total == 3 + 1 + 2 + 1 + 1 + 2 + 3 + 4  # title, label, unitid, type, container, label, p, odd p
    assert fidelity.lost == {"p": 4, "container/@label": 2, "unitid/@label": 1}
    assert fidelity.examples["p"] == ["kept", "by", "the", "clerk"]
    assert round(fidelity.share, 1) == round(100 * 10 / 17, 1)


def test_each_word_of_the_export_answers_one_word_of_the_source(tmp_path):
    (tmp_path / "source.xml").write_text(SOURCE.replace("Minutes and letters", "letters and letters"), "utf-8")
    (tmp_path / "export.xml").write_text(EXPORT.replace("Minutes and letters", "letters"), "utf-8")
    fidelity = measure_ead(tmp_path / "source.xml", [tmp_path / "export.xml"])
    assert fidelity.lost["p"] == 4 + 2  # the odd note's four, then "and" and the second "letters"


def test_a_csv_cell_must_come_back_in_its_row_and_column():
    source = [{"title": "Fonds", "scopeAndContent": "Minutes", "": "stray"}, {"title": "Series", "extent": ""}]
    exported = [{"title": "Fonds", "scopeAndContent": "Letters"}, {"title": "Series"}]
    fidelity = measure_csv(source, exported)
    assert (fidelity.kept, fidelity.total) == (2, 3)  # empty cells and unnamed columns are not counted
    assert fidelity.lost == {"scopeAndContent": 1}
    assert fidelity.lost_lines() == ["scopeAndContent: 1 lost (e.g. row 1: 'Minutes')"]
