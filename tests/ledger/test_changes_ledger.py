"""The changes ledger: every job that changes descriptions records exactly what it changed
(before-values of the fields it wrote, the old place of a moved record), and people read it
on the job's page, as CSV and on the command line."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from actors.engine import clearing
from actors.engine.launching import launch
from actors.jobs import publication
from actors.jobs.descendant_dates import descendant_date_range, display_dates
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import Job, JobStatus, RecordChange, User
from tests.import_export_support import fixture_bytes, run_form
from tests.tree_jobs_support import launch_through_form


def ledger(job_id: int) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(select(RecordChange).where(RecordChange.job_id == job_id).order_by(RecordChange.id))
    return [(row.kind, row.description_id, row.before, row.after) for row in rows]


def test_publication_records_each_description_it_changed_with_its_status_before(as_user, db, fonds, run_jobs):
    drafts = [d.id for d in db.session.scalars(D.by_slug(fonds).subtree()) if d.publication_status.value == "draft"]
    assert 0 < len(drafts) < 40
    job = launch_through_form(
        as_user("alice"), run_jobs, "publication_status", fonds, status="published", include_descendants=True
    )
    assert job.status == JobStatus.COMPLETED, job.output
    assert sorted(ledger(job.id)) == sorted(
        ("updated", i, {"publication_status": "draft"}, {"publication_status": "published"}) for i in drafts
    )  # the ones already published are not in it: the job did not change them
    page = as_user("alice").get(f"/jobs/{job.id}")
    assert page.html.find(id="changes-summary").get_text(" ", strip=True).startswith(f"{len(drafts)} updated.")
    first = page.html.select("table.changes tbody tr")[0].get_text(" ", strip=True)
    assert "Updated" in first
    assert "Publication status Draft Published" in first


def test_a_move_records_where_the_record_was(as_user, db, fonds, run_jobs):
    root = D.by_slug(fonds)
    first, second = root.children()[:2]
    other = D.by_slug(insert_demo_fonds(5, title="Elsewhere"))
    last = other.children()[-1]
    job = launch_through_form(as_user("alice"), run_jobs, "move_description", second.slug, new_parent=other.slug)
    assert job.status == JobStatus.COMPLETED, job.output
    assert ledger(job.id) == [
        (
            "moved",
            second.id,
            {"parent_id": root.id, "previous_sibling_id": first.id},
            {"parent_id": other.id, "previous_sibling_id": last.id},  # it went last
        )
    ]
    row = as_user("alice").get(f"/jobs/{job.id}").html.select("table.changes tbody tr")
    assert [tr.get_text(" ", strip=True) for tr in row] == [
        f"Moved {second.title} Parent {root.title} Elsewhere",
        f"After {first.title} {last.title}",
    ]


def test_descendant_dates_record_only_the_fields_that_changed(as_user, db, fonds, run_jobs):
    root = D.by_slug(fonds)
    earliest, latest, _ = descendant_date_range(root)
    root.start_date, root.end_date, root.dates = earliest, None, "sometime"  # two of three will change
    db.session.commit()
    job = launch_through_form(as_user("alice"), run_jobs, "descendant_dates", fonds)
    assert job.status == JobStatus.COMPLETED, job.output
    assert ledger(job.id) == [
        (
            "updated",
            root.id,
            {"end_date": None, "dates": "sometime"},
            {"end_date": latest.isoformat(), "dates": display_dates(earliest, latest)},
        )
    ]


def test_an_import_records_what_it_created_updated_and_skipped(as_user, run_jobs):
    client = as_user("alice")
    original = fixture_bytes("harbour.csv")
    created = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", original))
    records = db.session.scalars(select(D).order_by(D.id)).all()
    ids = [d.id for d in records]
    assert [row[:3] for row in ledger(created.id)] == [("created", i, None) for i in ids]
    kept = [{name: row[3][name] for name in ("title", "identifier", "parent_id")} for row in ledger(created.id)]
    assert kept == [{"title": d.title, "identifier": d.identifier, "parent_id": d.parent_id} for d in records]

    skipped = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", original), match="skip")
    assert sorted(row[1] for row in ledger(skipped.id)) == sorted(ids)
    assert {row[0] for row in ledger(skipped.id)} == {"skipped"}

    minutes = D.by_slug("minutes")
    changed = original.replace(b",Minutes,", b",Minutes of the board,")
    updated = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", changed), match="update")
    assert ledger(updated.id) == [  # the one title that changed, nothing the file said again
        ("updated", minutes.id, {"title": "Minutes"}, {"title": "Minutes of the board"})
    ]
    page = client.get(f"/jobs/{created.id}")
    assert page.html.find(id="changes-summary").get_text(" ", strip=True).startswith("6 created.")


def test_the_changes_download_as_csv_one_line_per_field(as_user, db, fonds, run_jobs):
    job = launch_through_form(
        as_user("alice"), run_jobs, "publication_status", fonds, status="published", include_descendants=True
    )
    response = as_user("alice").get(f"/jobs/{job.id}/changes.csv")
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == len(ledger(job.id)) > 0
    assert {(row["change"], row["field"], row["before"], row["after"]) for row in rows} == {
        ("updated", "publication_status", "draft", "published")
    }
    assert all(row["slug"] and row["title"] for row in rows)


def test_only_who_may_see_the_job_sees_its_changes(as_user, db, fonds, run_jobs):
    job = launch_through_form(
        as_user("alice"), run_jobs, "publication_status", fonds, status="published", include_descendants=True
    )
    as_user("bob").get(f"/jobs/{job.id}/changes.csv", status=404)
    assert as_user("admin").get(f"/jobs/{job.id}/changes.csv").status_int == 200


def test_clearing_a_job_clears_its_ledger(as_user, db, fonds, run_jobs):
    job = launch_through_form(
        as_user("alice"), run_jobs, "publication_status", fonds, status="published", include_descendants=True
    )
    assert ledger(job.id)
    clearing.delete_jobs(select(Job).where(Job.id == job.id))
    db.session.commit()
    assert ledger(job.id) == []


def test_a_job_that_fails_after_writing_leaves_no_ledger(db, fonds, run_jobs, monkeypatch):
    """The ledger is written in the job's own transaction: a job that rolls back leaves none."""
    before = [d.publication_status for d in db.session.scalars(D.by_slug(fonds).subtree())]

    def progress(done, total, text, **unit):
        if done:  # after the UPDATE and its ledger rows
            raise RuntimeError("the disk is full")

    monkeypatch.setattr(publication, "report_progress", progress)
    job, _ = launch(
        "publication_status",
        user=User.by_username("alice"),
        description=D.by_slug(fonds),
        parameters={"status": "published", "include_descendants": True},
    )
    run_jobs()
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.ERROR
    assert ledger(job.id) == []
    assert [d.publication_status for d in db.session.scalars(D.by_slug(fonds).subtree())] == before


def test_flask_jobs_changes_lists_and_exports_the_ledger(app, as_user, db, fonds, run_jobs):
    job = launch_through_form(
        as_user("alice"), run_jobs, "publication_status", fonds, status="published", include_descendants=True
    )
    count = len(ledger(job.id))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "changes", str(job.id)])
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith(f"Job {job.id}: {count} updated.")
    assert listed.output.count("publication_status: 'draft' -> 'published'") == count
    exported = runner.invoke(args=["jobs", "changes", str(job.id), "--csv"])
    assert len(list(csv.DictReader(io.StringIO(exported.output)))) == count
    missing = runner.invoke(args=["jobs", "changes", "999999"])
    assert missing.exit_code == 1
    assert "There is no job 999999." in missing.output


def test_a_description_page_shows_the_jobs_that_changed_it_newest_first(as_user, db, fonds, run_jobs):
    client = as_user("alice")
    draft = next(d for d in db.session.scalars(D.by_slug(fonds).subtree()) if d.publication_status.value == "draft")
    published = launch_through_form(
        client, run_jobs, "publication_status", fonds, status="published", include_descendants=True
    )
    history = client.get(f"/descriptions/{draft.slug}").html.find(id="history")
    items = [li.get_text(" ", strip=True) for li in history.find_all("li")]
    assert len(items) == 1
    assert items[0].startswith(f"job {published.id} (Update publication status,")
    assert items[0].endswith("Updated Publication status: Draft → Published")
    assert as_user("bob").get(f"/descriptions/{draft.slug}").html.find(id="history") is None  # not bob's job
    assert as_user("admin").get(f"/descriptions/{draft.slug}").html.find(id="history") is not None


def test_the_tree_job_forms_say_what_will_change_before_launch(as_user, db, fonds, run_jobs):
    client = as_user("alice")
    subtree = list(db.session.scalars(D.by_slug(fonds).subtree()))
    published = sum(d.publication_status.value == "published" for d in subtree)
    page = client.get("/jobs/new/publication_status", params={"record": fonds})  # the defaults: the record alone
    root_published = D.by_slug(fonds).publication_status.value == "published"
    expected = ("0 descriptions" if root_published else "1 description") + " of 1 will become Published; "
    assert page.html.find(id="job-preview").text == expected + f"{int(root_published)} already are."
    answer = client.get(
        "/jobs/new/publication_status/preview.json",
        params={"record": fonds, "status": "published", "include_descendants": "y"},
    ).json
    assert answer["text"] == (
        f"{len(subtree) - published} descriptions of {len(subtree)} will become Published; {published} already are."
    )
    move = client.get("/jobs/new/move_description/preview.json", params={"record": fonds, "top_level": "y"}).json
    assert move["text"] == ""  # already at top level: the form refuses it, so no preview
    series = D.by_slug(fonds).children()[0]
    move = client.get("/jobs/new/move_description/preview.json", params={"record": series.slug, "top_level": "y"}).json
    assert move["text"] == (
        f"“{series.title}” and its {series.descendant_count} descendants will move to the top level."
    )
    dates = client.get("/jobs/new/descendant_dates/preview.json", params={"record": fonds}).json
    assert dates["text"].startswith(f"The dates of “{D.by_slug(fonds).title}” will become ")
    assert client.get("/jobs/new/finding_aid").html.find(id="job-preview") is None  # nothing to preview
    assert client.get("/jobs/new/no_such_type/preview.json", status=404)
