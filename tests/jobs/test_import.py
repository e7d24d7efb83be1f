"""Import descriptions: AtoM CSV and EAD through the web form; all or nothing; matches; permissions."""

from __future__ import annotations

import gc
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from actors.formats.load import write
from extensions import db
from models import ArchivalDescription as D
from models import AuthorityRecord, Container, JobStatus
from tests.import_export_support import (
    assert_consistent,
    description_count,
    everything,
    fixture_bytes,
    last_job,
    roles,
    run_form,
    submit,
    tree,
)

__all__ = ["roles"]

HARBOUR_TREE = [
    (0, "HB", "Harbour Board fonds", "fonds"),
    (1, "HB-1", "Minutes", "series"),
    (2, "HB-1-1", "Minute book, 1890-1900", "file"),
    (2, "HB-1-2", "Minute book, 1901-1920", "file"),
    (1, "HB-2", "Correspondence", "subfonds"),
    (2, "HB-2-1", "Correspondence", "item"),
]


def shape(rows):
    return [row[:4] for row in rows]


def test_csv_import_through_the_form(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")))
    assert job.status == JobStatus.COMPLETED, job.output
    assert job.info == "Created 6, updated 0, skipped 0 descriptions."
    # No column is ignored: one with no field of its own is kept as it is (and exported back).
    assert "Columns kept as they are (no field of their own here; exported back): shoeSize." in job.output
    assert "ignored" not in job.output
    assert "Imported 6 of 6 rows" in job.output
    assert (job.progress_done, job.progress_total) == (6, 6)
    assert job.progress_unit == "rows"  # the bar reads "6 of 6 rows"
    assert shape(tree("harbour-board-fonds")) == HARBOUR_TREE
    assert job.description.slug == "harbour-board-fonds"  # the record link: the first top-level record
    fonds = D.by_slug("harbour-board-fonds")
    assert (fonds.dates, str(fonds.start_date), str(fonds.end_date)) == ("1890-1950", "1890-01-01", "1950-12-31")
    assert fonds.scope_and_content == "Records of the harbour board.\n\nSecond paragraph."
    assert fonds.publication_status.value == "published"
    minutes = D.by_slug("minutes")  # "1890-1920|1921-1930": the first event's dates
    assert (minutes.dates, str(minutes.start_date), str(minutes.end_date)) == ("1890-1920", "1890-01-01", "1920-06-30")
    item = D.by_slug("correspondence-2")  # two "Correspondence" titles: unique slugs
    assert item.scope_and_content == "=SUM(A1:A2)"  # an export's formula guard is taken off again
    assert_consistent()


def test_ead_import_under_a_parent(as_user, run_jobs, fonds):
    before = tree(fonds)
    job = run_form(
        as_user("alice"),
        run_jobs,
        "import_descriptions",
        ("harbour.xml", fixture_bytes("harbour.xml")),
        record=fonds,
        format="auto",
    )
    assert job.status == JobStatus.COMPLETED, job.output
    assert job.description.slug == fonds
    assert job.info == "Created 6, updated 0, skipped 0 descriptions."
    after = tree(fonds)
    assert after[: len(before)] == before  # existing records first, untouched, then the import as the last child
    imported = [(depth - 1, *rest) for depth, *rest in after[len(before) :]]
    assert shape(imported) == [
        (0, "HB", "Harbour Board fonds", "fonds"),
        (1, "HB-1", "Minutes", "series"),
        (2, "HB-1-1", "Minute book, 1890-1900", "file"),
        (2, "HB-1-2", "Minute book, 1901-1920", "file"),
        (3, "HB-1-2-1", "Loose page", "item"),
        (1, "HB-2", "Correspondence", "subfonds"),
    ]
    assert imported[1][4:] == ("1890-1930", date(1890, 1, 1), date(1930, 12, 31))
    assert D.by_slug("harbour-board-fonds").parent_id == D.by_slug(fonds).id
    assert_consistent()


def test_ead_with_unnumbered_nested_components_and_a_namespace(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("nested_c.xml", fixture_bytes("nested_c.xml")))
    assert job.status == JobStatus.COMPLETED, job.output
    assert [(d, t) for d, _, t, *_ in tree("namespaced-fonds")] == [
        (0, "Namespaced fonds"),
        (1, "Series A"),
        (2, "File A1"),
        (2, "File A2"),
        (1, "Series B"),
    ]


def test_a_bad_csv_fails_naming_the_line_and_changes_nothing(as_user, run_jobs, fonds):
    before = everything()
    job = run_form(
        as_user("alice"), run_jobs, "import_descriptions", ("bad.csv", fixture_bytes("bad_parent.csv")), record=fonds
    )
    assert job.status == JobStatus.ERROR
    assert "line 14: parentId 99 refers to no earlier row (and 1 more problem: see the output)" in job.info
    assert "line 15: missing title" in job.output
    assert "Nothing was imported." in job.info
    assert job.progress_unit == "rows"  # where it stopped reads "Stopped at 13 of 15 rows.", not a bare count
    assert everything() == before


def test_an_untitled_component_takes_its_identifier_as_title_with_a_located_warning(as_user, run_jobs):
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("u.xml", fixture_bytes("missing_title.xml")))
    assert job.status == JobStatus.COMPLETED, job.output
    assert "Warning: /ead/archdesc/dsc/c01[2]: no unittitle: titled “X-2”" in job.output
    assert "1 warning: untitled component (1)" in job.output
    assert job.info == "Created 3, updated 0, skipped 0 descriptions, 1 warning (see details)."
    assert db.session.scalars(select(D.title).where(D.identifier == "X-2")).one() == "X-2"


def test_badly_nested_ead_components_are_refused(as_user, run_jobs):
    xml = (
        b'<ead><archdesc level="fonds"><did><unittitle>F</unittitle></did><dsc><c01><did><unittitle>S</unittitle></did>'
        b"<c03><did><unittitle>X</unittitle></did></c03></c01></dsc></archdesc></ead>"
    )
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("n.xml", xml))
    assert job.status == JobStatus.ERROR
    assert "/ead/archdesc/dsc/c01[1]/c03[1]: <c03> must be inside <c02>, not <c01>" in job.info
    assert description_count() == 0


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("1,,F,Fonds,Fonds,1990-13,,", "line 2: eventStartDates “1990-13” is not a date"),
        ("1,,F,Fonds,Fonds,2000,1990,", "line 2: eventEndDates “1990-12-31” is before the start date “2000-01-01”"),
        ("1,,F,Fonds,Fonds,,,Secret", "line 2: publicationStatus “Secret” is not a publication status"),
        ("1,,F,Fonds,Fonds,,,\n1,,G,Again,Fonds,,,", "line 3: legacyId 1 is used by an earlier row too"),
    ],
)
def test_field_problems_name_line_and_column(as_user, run_jobs, cells, message):
    header = "legacyId,parentId,identifier,title,levelOfDescription,eventStartDates,eventEndDates,publicationStatus"
    csv = f"{header}\n{cells}\n"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("f.csv", csv.encode()))
    assert job.status == JobStatus.ERROR
    assert message in job.info
    assert description_count() == 0


def test_a_bad_date_in_an_older_header_names_that_column(as_user, run_jobs):
    csv = "legacyId,title,creationDatesStart,creationDatesEnd\n1,Fonds,1990,19x1\n"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("old.csv", csv.encode()))
    assert job.status == JobStatus.ERROR
    assert "line 2: creationDatesEnd “19x1” is not a date" in job.info


def test_a_problem_after_good_rows_keeps_none_of_them_and_every_problem_is_named(as_user, run_jobs, fonds):
    """Fields are checked while the rows are written: a late problem rolls all of it back."""
    before = everything()
    rows = "".join(f"{n},1,F-{n},File {n},File,1990\n" for n in range(2, 40))
    csv = f"legacyId,parentId,identifier,title,levelOfDescription,eventStartDates\n1,,F,Fonds,Fonds,1990\n{rows}"
    csv += "40,1,F-40,Late,File,19x0\n41,99,F-41,Orphan,File,1990\n42,1,F-42,,File,1990\n"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("late.csv", csv.encode()), record=fonds)
    assert job.status == JobStatus.ERROR
    assert "Nothing was imported." in job.info
    for problem in (
        "line 41: eventStartDates “19x0” is not a date",
        "line 42: parentId 99 refers to no earlier row",
        "line 43: missing title",
    ):
        assert problem in job.output
    assert "Checked 42 rows: 3 problems, no warnings." in job.output
    assert everything() == before


def test_a_field_problem_in_the_last_row_undoes_the_rows_written_before_it(as_user, run_jobs, fonds):
    def held() -> list[int]:
        return [db.session.scalar(select(func.count()).select_from(t)) for t in (Container, AuthorityRecord)]

    before, held_before = everything(), held()
    rows = "".join(f"{n},1,File {n},Box|Box,{n}|{n + 1},Creator {n}\n" for n in range(2, 2500))
    csv = "legacyId,parentId,title,physicalObjectType,physicalObjectName,eventActors\n1,,Fonds,,,\n" + rows
    csv += "2500,1,,Box,9,Creator\n"  # (rows are written a thousand at a time: two batches are in)
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("last.csv", csv.encode()), record=fonds)
    assert job.status == JobStatus.ERROR
    assert "line 2501: missing title. Nothing was imported." in job.info
    assert (everything(), held()) == (before, held_before)


def test_an_import_leaves_the_garbage_collector_as_it_found_it(as_user, run_jobs):
    """Imports raise the collector's threshold while they run (speed); a failed one undoes it too."""
    before = gc.get_threshold()
    csv = "legacyId,title,eventStartDates\n1,Fonds,1990-13\n"
    job = run_form(as_user("alice"), run_jobs, "import_descriptions", ("f.csv", csv.encode()))
    assert job.status == JobStatus.ERROR
    assert gc.get_threshold() == before


def test_existing_records_are_skipped_updated_or_imported_anew(as_user, run_jobs):
    client = as_user("alice")
    original = fixture_bytes("harbour.csv")
    run_form(client, run_jobs, "import_descriptions", ("harbour.csv", original))
    before = everything()

    skipped = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", original), match="skip")
    assert skipped.info.startswith("Created 0, updated 0, skipped 6 descriptions.")
    assert "line 5: skipped “Minutes”: HB-1 is already there." in skipped.output
    assert everything() == before

    changed = original.replace(b",Minutes,", b",Minutes of the board,")
    updated = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", changed), match="update")
    assert updated.info.startswith("Created 0, updated 6, skipped 0 descriptions.")
    assert D.by_slug("minutes").title == "Minutes of the board"
    assert description_count() == 6

    anew = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", original), match="new")
    assert anew.info.startswith("Created 6, updated 0, skipped 0 descriptions.")
    assert D.by_slug("harbour-board-fonds-2").identifier == "HB"
    assert anew.description.slug == "harbour-board-fonds-2"
    assert_consistent()


def test_new_rows_under_matched_records_are_merged_into_the_tree(as_user, run_jobs):
    client = as_user("alice")
    run_form(client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")))
    merge = (
        "legacyId,parentId,identifier,title,levelOfDescription\n"
        "a,,HB,Harbour Board fonds,Fonds\n"
        "b,a,HB-1,Minutes,Series\n"
        "c,b,HB-1-3,Minute book 1921-1930,File\n"
        "d,a,HB-2,Correspondence,Subfonds\n"
        "e,d,HB-2-2,Letters received,File\n"
        "f,e,HB-2-2-1,Letter from the mayor,Item\n"
    )
    job = run_form(client, run_jobs, "import_descriptions", ("merge.csv", merge.encode()), match="skip")
    assert job.info.startswith("Created 3, updated 0, skipped 3 descriptions."), job.output
    assert [(d, i) for d, i, *_ in tree("harbour-board-fonds")] == [
        (0, "HB"),
        (1, "HB-1"),
        (2, "HB-1-1"),
        (2, "HB-1-2"),
        (2, "HB-1-3"),
        (1, "HB-2"),
        (2, "HB-2-1"),
        (2, "HB-2-2"),
        (3, "HB-2-2-1"),
    ]
    assert_consistent()


def test_rows_out_of_tree_order_still_build_the_right_tree(as_user, run_jobs, fonds):
    lines = ["legacyId,parentId,identifier,title,levelOfDescription"]
    lines += ["s1,,S1,Series one,Series", "s2,,S2,Series two,Series"]
    lines += [f"f{n},{'s1' if n % 2 else 's2'},F{n},File {n},File" for n in range(1, 301)]  # alternating parents
    lines += ["i1,f1,I1,Item under file 1,Item"]
    job = run_form(
        as_user("alice"), run_jobs, "import_descriptions", ("o.csv", "\n".join(lines).encode()), record=fonds
    )
    assert job.status == JobStatus.COMPLETED, job.output
    progress = [line for line in job.output.splitlines() if line.startswith("Imported ") and line.endswith("...")]
    assert progress[0] == "Imported 33 of 303 rows..."  # every 10 % in the console (the bar: every 1 %)
    assert len(progress) == 10
    series_one = D.by_slug("series-one")
    children = [d.identifier for d in series_one.children()]
    assert children == [f"F{n}" for n in range(1, 301, 2)]  # file order is sibling order
    assert [d.identifier for d in D.by_slug("file-1").children()] == ["I1"]
    assert_consistent()


def test_permissions(as_user, roles, post, db):
    menu = lambda page: [a.get_text(strip=True) for a in page.html.select("ul.job-types a")]  # noqa: E731
    assert {"Import descriptions", "Check import", "Export descriptions"} <= set(
        menu(as_user("alice").get("/jobs/new"))
    )
    carol = as_user("carol")
    labels = menu(carol.get("/jobs/new"))
    assert "Import descriptions" not in labels
    assert "Check import" not in labels
    assert "Export descriptions" in labels
    carol.get("/jobs/new/import_descriptions", status=403)
    assert post("/jobs/new/import_descriptions", {"match": "skip"}).status_int == 403
    assert post("/jobs/new/validate_csv", {}).status_int == 403
    victor = as_user("victor")
    assert menu(victor.get("/jobs/new")) == []
    for key in ("import_descriptions", "export_descriptions", "validate_csv"):
        victor.get(f"/jobs/new/{key}", status=403)
    assert last_job() is None


def test_the_form_requires_a_file_and_a_known_parent(as_user, db):
    client = as_user("alice")
    page = submit(client, "import_descriptions", None, status=400)
    assert "Choose a file to upload." in page.text
    page = submit(client, "import_descriptions", ("h.csv", fixture_bytes("harbour.csv")), record="nowhere", status=400)
    assert "No description is “nowhere”: choose one from the suggestions." in page.text
    assert last_job() is None


def test_a_parent_deleted_after_the_plan_ends_the_import_with_a_message(as_user, run_jobs, fonds, monkeypatch):
    """The plan is made before the tree lock: the description the records go under may be gone
    by the time the writer takes it (deleted meanwhile). A clear Error, nothing imported."""
    leaf = db.session.scalars(select(D).order_by(D.lft.desc())).first()
    leaf_id, count = leaf.id, db.session.scalar(select(func.count()).select_from(D))
    locked = write.lock_tree

    def parent_deleted_meanwhile(description_id: int, *, exclusive: bool = False) -> None:
        db.session.execute(delete(D).where(D.id == leaf_id))
        locked(description_id, exclusive=exclusive)

    monkeypatch.setattr(write, "lock_tree", parent_deleted_meanwhile)
    job = run_form(
        as_user("alice"),
        run_jobs,
        "import_descriptions",
        ("harbour.xml", fixture_bytes("harbour.xml")),
        record=leaf.slug,
    )
    assert job.status == JobStatus.ERROR
    assert f"The description the new records go under (id {leaf_id}) no longer exists." in job.info
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(D)) == count  # nothing imported, nothing lost
