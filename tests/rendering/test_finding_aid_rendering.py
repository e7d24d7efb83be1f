"""Finding aid renderer: what a reader of the PDF or RTF would notice.

Renders a 112-description tree (fonds > series > file > item) with small chunks, so
the PDF is assembled from several WeasyPrint documents and page numbers must carry
across the joins.
"""

from __future__ import annotations

import re

import pytest
from flask import current_app, render_template
from pypdf import PdfReader
from weasyprint import CSS, HTML

from actors.rendering import finding_aid, rtf, rtf_markup
from extensions import db
from models import ArchivalDescription
from models.description_related import related_of

ROOT_TITLE = "Fonds Élise Côté"
NASTY_TITLE = "<script>alert(1)</script> & Sons"
BRACES_TITLE = r"Box {A} \ B"
CHUNK_SIZE = 20  # 112 descriptions -> 6 chunks, 5 joins
FILES, ITEMS = 6, 5  # per series, per file: each series has 36 descendants
SECTION_MIN = 30  # ... so each is long enough to start on a new page (a section, a lane)


LAST = {s: f"Letter {s}.{FILES}.{ITEMS}" for s in (1, 2, 3)}  # the last description of each series


def tree_spec(files_per_series: int = FILES, items_per_file: int = ITEMS) -> tuple:
    """(level, title, identifier, children): 1 fonds, 3 series, 18 files, 90 items by default."""
    series = []
    for s in range(1, 4):
        files = []
        for f in range(1, files_per_series + 1):
            items = [("item", f"Letter {s}.{f}.{i}", f"F1-{s}-{f}-{i}", ()) for i in range(1, items_per_file + 1)]
            title = NASTY_TITLE if (s, f) == (2, 5) else BRACES_TITLE if (s, f) == (3, 2) else f"File {s}.{f}"
            files.append(("file", title, f"F1-{s}-{f}", tuple(items)))
        series.append(("series", f"Series {s}", f"F1-{s}", tuple(files)))
    return ("fonds", ROOT_TITLE, "F1", tuple(series))


def add_tree(spec: tuple) -> list[ArchivalDescription]:
    """Insert spec with consistent nested-set numbers; returns the descriptions in tree order."""
    rows: list[ArchivalDescription] = []
    counter = 0

    def visit(node: tuple, parent: ArchivalDescription | None, depth: int) -> None:
        nonlocal counter
        level, title, identifier, children = node
        counter += 1
        row = ArchivalDescription(
            id=len(rows) + 1,
            parent_id=parent.id if parent else None,
            lft=counter,
            rgt=0,
            depth=depth,
            slug=f"d-{len(rows) + 1}",
            identifier=identifier,
            title=title,
            level_of_description=level,
            dates="1920-1950",
            extent_and_medium="2 boxes",
            scope_and_content=f"Scope of {title}.\nSecond line.",
            arrangement="By date." if level != "item" else None,
        )
        rows.append(row)
        for child in children:
            visit(child, row, depth + 1)
        counter += 1
        row.rgt = counter

    visit(spec, None, 0)
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """An app (own SQLite file and instance folder) with the tree; yields (rows, work dir)."""
    work = tmp_path_factory.mktemp("finding-aid")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARCHIVE_JOBS_INSTANCE", str(work / "instance"))
        patch.setattr(finding_aid, "CHUNK_SIZE", CHUNK_SIZE)
        patch.setattr(finding_aid, "MIN_CHUNK_SIZE", CHUNK_SIZE)
        patch.setattr(finding_aid, "SECTION_MIN_DESCENDANTS", SECTION_MIN)
        from app import create_app

        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/t.db",
                "JOBS_BROKER": "stub",
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            db.create_all()
            rows = add_tree(tree_spec())
            yield rows, work
            db.session.remove()


@pytest.fixture(scope="module")
def pdf(tree):
    """The whole fonds rendered once as PDF: (reader, page count returned, progress calls, dest)."""
    rows, work = tree
    dest = work / "out" / "aid.pdf"
    dest.parent.mkdir()
    calls: list[tuple[int, int]] = []
    pages = finding_aid.render_finding_aid(rows[0].id, "pdf", dest, lambda done, total: calls.append((done, total)))
    return PdfReader(dest), pages, calls, dest


def page_texts(reader: PdfReader) -> list[str]:
    """Each page's text, extracted once per reader (pypdf takes about a second for the whole
    fonds, and most tests here read the module's one PDF)."""
    if not hasattr(reader, "page_texts"):
        reader.page_texts = [page.extract_text() for page in reader.pages]
    return list(reader.page_texts)


def assert_progress(calls: list[tuple[int, int]], total: int) -> None:
    assert len(calls) >= 2
    dones = [done for done, _ in calls]
    assert dones == sorted(set(dones)), "done must only increase"
    assert all(t == total for _, t in calls)
    assert calls[-1] == (total, total)


def test_pdf_has_title_page_fields_and_every_description_in_tree_order(tree, pdf):
    rows, _ = tree
    reader, pages, _, _ = pdf
    texts = page_texts(reader)
    assert pages == len(reader.pages) > 1
    assert "Finding aid".upper() in texts[0].upper()
    assert ROOT_TITLE in texts[0]
    whole = "\n".join(texts[2:])  # the body, after the title page and the contents
    for label in ("Reference code", "Extent and medium", "Scope and content", "Arrangement"):
        assert label.upper() in whole.upper()
    positions = [whole.find(title) for title in ("Series 1", "File 1.1\n", "Letter 1.1.1", "Series 2", LAST[3])]
    assert -1 not in positions, positions
    assert positions == sorted(positions), positions
    missing = [row.title for row in rows if row.title not in whole]
    assert missing == []


def test_pdf_page_numbers_run_on_across_chunks(pdf):
    reader, pages, _, _ = pdf
    texts = page_texts(reader)
    assert pages > 6  # several chunks, each at least one page
    assert "Page 1 of" not in texts[0]  # the title page is unnumbered
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {pages}" in text, f"page {number}: {text[-200:]!r}"
    assert texts[-1].rstrip().endswith(f"Page {pages} of {pages}")


def test_pdf_is_the_same_as_one_single_weasyprint_document(tree, pdf):
    """Chunks and lanes do not show: after the title page and the contents, the same pages, each
    with the same text, as the whole fonds in one document."""
    rows, work = tree
    reader, pages, _, _ = pdf
    root = rows[0]
    context = {
        "root": root,
        "generated": finding_aid._generated(),
        "has_descendants": True,
        "summary": False,
        "starts_section": lambda unit: finding_aid.starts_section(root, unit),
        **finding_aid.front_matter(root),
    }
    stylesheet = CSS(string=render_template("finding_aid/style.css"))
    single = work / "single.pdf"
    html = render_template(
        "finding_aid/chunk.html", units=rows[1:], first=True, related=related_of(rows[1:], {}), **context
    )
    HTML(string=html, base_url=current_app.root_path).write_pdf(single, stylesheets=[stylesheet])
    title_page = work / "title-page.pdf"
    HTML(string=render_template("finding_aid/title_page.html", **context)).write_pdf(title_page)
    ours = [re.sub(r"Page \d+ of \d+", "", text).strip() for text in page_texts(reader)]
    assert ours[0] == page_texts(PdfReader(title_page))[0].strip()
    assert ours[1].startswith("Contents")
    assert ours[2:] == [text.strip() for text in page_texts(PdfReader(single))]
    assert len(ours) == pages


def test_pdf_contents_give_the_page_each_series_starts_on(pdf):
    reader, *_ = pdf
    texts = page_texts(reader)
    lines = re.findall(r"^(.+?) \.{3,}\s*(\d+)$", texts[1], re.M)
    assert [title for title, _ in lines] == ["Description of the fonds"] + [f"F1-{s} Series {s}" for s in (1, 2, 3)]
    for title, page in lines[1:]:
        assert page_of(texts, title.split(" ", 1)[1]) == int(page) - 1
    assert page_of(texts, "Description of the fonds") == int(lines[0][1]) - 1
    assert [item.title for item in reader.outline][:2] == ["Contents", "Description of the fonds"]


def page_of(texts: list[str], title: str) -> int:
    return next(number for number, text in enumerate(texts) if re.search(rf"^{re.escape(title)}$", text, re.M))


def test_pdf_starts_each_long_series_on_a_new_page(pdf):
    reader, *_ = pdf
    texts = page_texts(reader)
    assert "Detailed description" in texts[page_of(texts, "Series 1")]  # the first one follows the heading
    for series in (2, 3):
        assert page_of(texts, f"Series {series}") == page_of(texts, LAST[series - 1]) + 1


def test_pdf_runs_short_series_on(tree, pdf, monkeypatch):
    """No page break before a short series: the module's PDF (every series has SECTION_MIN_DESCENDANTS
    descendants: a section each) takes more pages than the same tree with none long enough, and
    no series starts later than it does there."""
    rows, work = tree
    forced = page_texts(pdf[0])
    monkeypatch.setattr(finding_aid, "SECTION_MIN_DESCENDANTS", 1_000)
    dest = work / "series-run-on.pdf"
    finding_aid.render_finding_aid(rows[0].id, "pdf", dest, lambda *call: None)
    run_on = page_texts(PdfReader(dest))
    assert len(run_on) < len(forced)
    assert page_of(forced, "Series 2") == page_of(forced, LAST[1]) + 1  # what a break looks like
    for series in (2, 3):
        assert page_of(run_on, f"Series {series}") <= page_of(forced, f"Series {series}")
    assert page_of(run_on, "Series 3") - page_of(run_on, "Series 2") < page_of(forced, "Series 3") - page_of(
        forced, "Series 2"
    ) or page_of(run_on, "Series 2") < page_of(forced, "Series 2")


def test_pdf_header_repeats_the_root_title(pdf):
    reader, *_ = pdf
    texts = page_texts(reader)
    assert all(text.count(ROOT_TITLE) >= 1 for text in texts[1:])


def test_pdf_shows_markup_in_titles_literally(pdf):
    reader, *_ = pdf
    whole = "\n".join(page_texts(reader))
    assert NASTY_TITLE in whole
    assert "&amp;" not in whole
    assert "&lt;" not in whole


def test_pdf_progress_and_atomic_write(tree, pdf):
    rows, _ = tree
    _, _, calls, dest = pdf
    assert_progress(calls, len(rows))
    assert sorted(p.name for p in dest.parent.iterdir()) == ["aid.pdf"]  # no partial file, no chunk folder


def test_pdf_of_a_series_holds_only_its_subtree(tree):
    rows, work = tree
    series_2 = next(row for row in rows if row.title == "Series 2")
    dest = work / "series-2.pdf"
    calls: list[tuple[int, int]] = []
    pages = finding_aid.render_finding_aid(series_2.id, "pdf", dest, lambda *call: calls.append(call))
    whole = "\n".join(page_texts(PdfReader(dest)))
    assert pages >= 2
    assert "Series 2" in whole
    assert LAST[2] in whole
    assert "Letter 1.1.1" not in whole
    assert "Series 3" not in whole
    assert_progress(calls, series_2.descendant_count + 1)


def test_failed_render_leaves_no_file(tree):
    rows, work = tree
    dest = work / "failed" / "aid.pdf"
    dest.parent.mkdir()

    def explode(done: int, total: int) -> None:
        raise RuntimeError("worker shutting down")

    with pytest.raises(RuntimeError):
        finding_aid.render_finding_aid(rows[0].id, "pdf", dest, explode)
    assert list(dest.parent.iterdir()) == []


def rtf_text_braces_balanced(text: str) -> bool:
    depth = 0
    for token in re.findall(r"\\[\\{}]|[{}]", text):
        if token in "{}":
            depth += 1 if token == "{" else -1
            if depth < 0:
                return False
    return depth == 0


def test_rtf_is_balanced_escaped_and_complete(tree, monkeypatch):
    rows, work = tree
    monkeypatch.setattr(rtf, "PROGRESS_EVERY", CHUNK_SIZE)
    dest = work / "aid.rtf"
    calls: list[tuple[int, int]] = []
    assert finding_aid.render_finding_aid(rows[0].id, "rtf", dest, lambda *call: calls.append(call)) is None
    data = dest.read_bytes()
    assert data.startswith(rb"{\rtf1")
    text = data.decode("ascii")  # everything beyond ASCII is escaped
    assert rtf_text_braces_balanced(text)
    assert r"Fonds \u201?lise C\u244?t\u233?" in text  # "Fonds Élise Côté"
    assert NASTY_TITLE in text  # RTF is not HTML: no entity escaping
    assert r"Box \{A\} \\ B" in text
    assert r"Scope of Series 1.\line Second line." in text
    for row in rows:
        assert rtf_markup.escape(row.title) in text
    body = text[text.index("Detailed description") :]  # after the contents, which list the series
    assert body.index("Letter 1.1.1") < body.index("Series 2") < body.index(LAST[3])
    assert r"{\field{\*\fldinst PAGE}" in text  # "Page N of M"
    assert r"{\field{\*\fldinst NUMPAGES}" in text
    assert_progress(calls, len(rows))


def test_rtf_escape():
    assert rtf_markup.escape("a\\b{c}") == r"a\\b\{c\}"
    assert rtf_markup.escape("é\u20ac") == r"\u233?\u8364?"
    assert rtf_markup.escape("\uffe9") == r"\u-23?"  # signed 16-bit
    assert rtf_markup.escape("\U0001d11e") == r"\u-10188?\u-8930?"  # surrogate pair D834 DD1E, signed
    assert rtf_markup.escape("x\r\ny\tz\x07") == r"x\line y\tab z"
    assert rtf_markup.escape(None) == ""


@pytest.mark.parametrize(("total", "expected"), [(1, 50), (200, 50), (843, 85), (3000, 250), (20000, 250)])
def test_chunks_give_about_ten_progress_steps_within_bounds(total, expected, monkeypatch):
    monkeypatch.setattr(finding_aid, "CHUNK_SIZE", 250)  # the module's tree fixture patches them
    monkeypatch.setattr(finding_aid, "MIN_CHUNK_SIZE", 50)
    assert finding_aid.chunk_size(total) == expected


def structure_elements(reader: PdfReader) -> dict[int, dict]:
    """Every element of the document's structure tree, by object number."""
    found, stack = {}, list(reader.trailer["/Root"]["/StructTreeRoot"].raw_get("/K"))
    while stack:
        reference = stack.pop()
        element = reference.get_object()
        if isinstance(element, dict) and "/S" in element:
            found[reference.idnum] = element
            kids = element.raw_get("/K").get_object() if "/K" in element else []
            stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def test_pdf_is_tagged_across_chunks(tree, pdf):
    """A screen reader gets the headings of every chunk: one structure tree (/StructTreeRoot,
    /MarkInfo, /Lang), each page's marked content owned by elements of that tree through the
    page's own ParentTree key; the repeated header and the page-number footers are artifacts."""
    rows, _ = tree
    reader, pages, _, _ = pdf
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en"
    elements = structure_elements(reader)
    headings = [element for element in elements.values() if re.fullmatch(r"/H[1-6]", element["/S"])]
    assert len(headings) >= len(rows) + 2  # the title, "Contents", and one per description at least
    nums = catalog["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parent_tree = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    keys = [page["/StructParents"] for page in reader.pages]
    assert len(set(keys)) == pages
    for number, (page, key) in enumerate(zip(reader.pages, keys, strict=True), start=1):
        content = page.get_contents().get_data()
        mcids = [int(mcid) for mcid in re.findall(rb"/MCID (\d+)", content)]
        assert mcids, f"page {number} has no tagged content"
        assert all(parent_tree[key][mcid].idnum in elements for mcid in mcids), f"page {number}: outside the tree"
        assert (b"/Artifact <<" in content) == (number > 1), f"page {number}: footer"
        assert (b"/Artifact BMC" in content) == (number > 1), f"page {number}: running header"
    assert [item.title for item in reader.outline][:2] == ["Contents", "Description of the fonds"]


def test_a_finding_aid_above_the_tagging_limit_keeps_its_bookmarks_and_says_so(tree, capsys):
    rows, work = tree
    current_app.config["FINDING_AID_TAGGED_MAX"] = len(rows) - 1
    try:
        dest = work / "untagged.pdf"
        finding_aid.render_finding_aid(rows[0].id, "pdf", dest, lambda *call: None)
    finally:
        current_app.config["FINDING_AID_TAGGED_MAX"] = 5000
    reader = PdfReader(dest)
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert [item.title for item in reader.outline][:2] == ["Contents", "Description of the fonds"]
    assert f"Not tagged for screen readers: {len(rows)} descriptions" in capsys.readouterr().out
