"""Box labels on standard label sheets: one label per box at its exact place on the sheet, each
saying whose box it is and what it holds, long texts shrunk and cut inside the label, never
running into the next one."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from flask import current_app
from pypdf import PdfReader
from weasyprint import HTML

from actors.rendering.label_sheets import SHEETS, BoxLabel, render_label_sheets, sheet_for, sheets_html

FONDS = "Port Ellis Harbour Commission fonds"
LONG = " ".join(["Records of the Port Ellis Harbour Commission and its successor the Port Authority"] * 5)
PX_PER_MM = 96 / 25.4
POINTS_PER_MM = 72 / 25.4


def labels(count: int, fonds: str = FONDS, box: str = "") -> list[BoxLabel]:
    return [
        BoxLabel(
            number,
            repository="Port Ellis Archives",
            fonds=fonds,
            reference="PEHC",
            contents=f"PEHC-{number:03d}-1 – PEHC-{number:03d}-4",
            box_type="Box",
            box=box or str(number),
            dates=f"{1800 + number}–{1850 + number}",
            location="Strongroom 2, shelf 1",
        )
        for number in range(1, count + 1)
    ]


def laid_out(boxes: list[BoxLabel], sheet: str):
    """The labels as WeasyPrint lays them out: per page, each label's box."""
    html = sheets_html(boxes, SHEETS[sheet], "Box labels")
    document = HTML(string=html, base_url=current_app.root_path).render()
    return [
        [
            box
            for box in page._page_box.descendants(placeholders=True)
            if "label" in (getattr(box, "element", None) or {}).get("class", "").split()
        ]
        for page in document.pages
    ]


def text_of(box) -> str:
    return " ".join(" ".join(b.text for b in box.descendants(placeholders=True) if hasattr(b, "text")).split())


def rendered(tmp_path: Path, boxes: list[BoxLabel], sheet: str) -> PdfReader:
    dest = tmp_path / "labels.pdf"
    done: list[int] = []
    pages = render_label_sheets(boxes, dest, sheet=SHEETS[sheet], title="Box labels", on_chunk=done.append)
    assert done[-1] == len(boxes)
    reader = PdfReader(dest)
    assert pages == len(reader.pages)
    return reader


@pytest.mark.parametrize(
    ("sheet", "count", "per_page", "size"),
    [("a4_2x7", 31, 14, (210, 297)), ("letter_2x5", 31, 10, (215.9, 279.4))],
)
def test_a_sheet_holds_its_number_of_labels_each_saying_whose_box_it_is(app, tmp_path, sheet, count, per_page, size):
    reader = rendered(tmp_path, labels(count), sheet)
    assert len(reader.pages) == math.ceil(count / per_page)
    width, height = (float(side) / POINTS_PER_MM for side in reader.pages[0].mediabox.upper_right)
    assert (round(width, 1), round(height, 1)) == size
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    for label in labels(count):
        assert label.dates in texts[(label.id - 1) // per_page]
    assert "Page 1" not in texts[0]  # nothing printed but labels
    for label, box in zip(labels(count), [box for page in laid_out(labels(count), sheet) for box in page], strict=True):
        text = text_of(box)
        for part in ("Port Ellis Archives", FONDS, "PEHC", label.contents, label.box, label.dates):
            assert part.lower() in text.lower(), (part, text)


@pytest.mark.parametrize("sheet", ["a4_2x7", "letter_2x5"])
def test_each_label_sits_at_its_place_on_the_sheet(app, sheet):
    spec = SHEETS[sheet]
    page = laid_out(labels(spec.per_page), sheet)[0]
    assert len(page) == spec.per_page
    for index, box in enumerate(page):
        left, top = spec.place(index)
        assert box.position_x == pytest.approx(left * PX_PER_MM, abs=0.05)
        assert box.position_y == pytest.approx(top * PX_PER_MM, abs=0.05)
        assert box.border_width() == pytest.approx(spec.width * PX_PER_MM, abs=0.05)
        assert box.border_height() == pytest.approx(spec.height * PX_PER_MM, abs=0.05)
    last = page[-1]
    assert last.position_y + last.border_height() <= (297 if sheet == "a4_2x7" else 279.4) * PX_PER_MM


@pytest.mark.parametrize("sheet", ["a4_2x7", "letter_2x5"])
def test_a_long_title_and_box_name_shrink_and_are_cut_inside_their_label(app, tmp_path, sheet):
    long = labels(4, fonds=LONG, box="Mixed Materials 39002042785937 and more")
    for box in laid_out(long, sheet)[0]:
        right, bottom = box.position_x + box.border_width(), box.position_y + box.border_height()
        inside = [b for b in box.descendants(placeholders=True) if hasattr(b, "text")]
        assert inside
        for text in inside:
            assert box.position_x <= text.position_x
            assert text.position_x + text.width <= right + 0.01, text.text
            assert box.position_y <= text.position_y
            assert text.position_y + text.height <= bottom + 0.01, text.text
    printed = " ".join(rendered(tmp_path, long, sheet).pages[0].extract_text().split())
    assert printed.count("…") >= len(long)  # cut, and said to be (the ellipsis is drawn, not laid out)
    assert printed.count("39002042785937") == len(long)  # (a long box name is set smaller, then wraps)
    assert LONG not in printed


def test_the_sheet_follows_the_readers_country(app):
    assert [sheet_for(territory) for territory in ("US", "ca", "GB", "FR", None)] == [
        "letter_2x5",
        "letter_2x5",
        "a4_2x7",
        "a4_2x7",
        "a4_2x7",
    ]


def test_no_boxes_gives_a_page_that_says_so(app, tmp_path):
    reader = rendered(tmp_path, [], "a4_2x7")
    assert len(reader.pages) == 1
    assert "No boxes" in reader.pages[0].extract_text()
