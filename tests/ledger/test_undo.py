"""Undo: a job's changes put back from its ledger, the tree as it was, never over a later change."""

from __future__ import annotations

from sqlalchemy import select

from actors.engine import context
from actors.engine.launching import launch
from actors.jobs import undo as undo_job_module
from actors.ledger import undo as undo_module
from actors.ledger.values import HELD
from actors.ledger.vocabulary import TABLES as VOCABULARIES
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import Job, JobStatus, RecordChange
from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement
from tests.import_export_support import fixture_bytes, run_form
from tests.tree_jobs_support import as_contributor, submit_job_form

COMPARED = [c.key for c in D.__mapper__.column_attrs if c.key != "updated_at"]


def every_description() -> list[tuple]:
    """Every field of every description (but updated_at), by id: 'the tree as it was'."""
    db.session.expire_all()
    return [tuple(getattr(d, name) for name in COMPARED) for d in db.session.scalars(select(D).order_by(D.id))]


def everything_held() -> dict[str, list[tuple]]:
    """Every row of the tables that hang from descriptions (notes, events, ...), own ids left out."""
    db.session.expire_all()
    found = {}
    for table, _column in HELD:
        kept = [c for c in table.columns if not (c.primary_key and c.name == "id")]
        found[table.name] = sorted(tuple(map(str, row)) for row in db.session.execute(select(*kept)))
    return found


def every_vocabulary_row() -> dict[str, list[tuple]]:
    """Levels, terms, repositories, authority records and containers, ids included."""
    db.session.expire_all()
    return {table.name: sorted(map(tuple, db.session.execute(select(table)))) for table in VOCABULARIES}


def undo_through_the_page(client, run_jobs, job: Job, partial: bool = False) -> Job:
    form = undo_form(client, job)
    if partial:
        form["partial"] = "y"
    details = form.submit().follow()
    undo = db.session.scalar(select(Job).where(Job.undo_of_id == job.id).order_by(Job.id.desc()))
    assert details.request.path == f"/jobs/{undo.id}"
    run_jobs()
    db.session.expire_all()
    return db.session.get(Job, undo.id)


def undo_form(client, job: Job):
    page = client.get(f"/jobs/{job.id}/undo")
    return next(form for form in page.forms.values() if form.action.endswith(f"/jobs/{job.id}/undo"))


def run_through_form(client, run_jobs, type_key: str, record: str, **fields) -> Job:
    """Submit the type's form for record, run the job; returns it finished (the newest job)."""
    submit_job_form(client, type_key, record, **fields)
    run_jobs()
    return db.session.scalar(select(Job).order_by(Job.id.desc()))


def publish_all(client, run_jobs, slug: str) -> Job:
    return run_through_form(client, run_jobs, "publication_status", slug, status="published", include_descendants=True)


def test_undo_of_a_publication_puts_every_status_back_and_undo_of_the_undo_reapplies(as_user, fonds, run_jobs):
    client = as_user("alice")
    before = every_description()
    job = publish_all(client, run_jobs, fonds)
    published = every_description()
    assert published != before
    preview = client.get(f"/jobs/{job.id}").html.find("a", string="Undo…")
    assert preview is not None
    changed = len(db.session.scalars(select(RecordChange).where(RecordChange.job_id == job.id)).all())
    preview_text = client.get(f"/jobs/{job.id}/undo").html.find(id="undo-preview").text
    assert preview_text == f"This puts back what the job changed: {changed} records restored."
    undo = undo_through_the_page(client, run_jobs, job)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert undo.info == f"Undid job {job.id}: {changed:,} restored."
    assert every_description() == before
    page = client.get(f"/jobs/{job.id}")
    assert page.html.find("a", href=f"/jobs/{undo.id}") is not None  # linked both ways
    again = undo_through_the_page(client, run_jobs, undo)
    assert again.status == JobStatus.COMPLETED, again.output
    assert every_description() == published


def test_undo_of_an_import_deletes_what_it_created_and_the_tree_is_as_it_was(as_user, fonds, run_jobs):
    client = as_user("alice")
    before = every_description()
    job = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")), record=fonds)
    assert job.status == JobStatus.COMPLETED, job.output
    assert len(every_description()) == len(before) + 6
    undo = undo_through_the_page(client, run_jobs, job)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert undo.info == f"Undid job {job.id}: 6 deleted, 1 repository it added removed (used by nothing else)."
    assert every_description() == before


def test_undo_of_a_move_puts_the_record_back_in_its_place(as_user, fonds, run_jobs):
    client = as_user("alice")
    other = insert_demo_fonds(5, title="Elsewhere")
    second = D.by_slug(fonds).children()[1]
    before = every_description()
    job = run_through_form(client, run_jobs, "move_description", second.slug, new_parent=other)
    assert job.status == JobStatus.COMPLETED, job.output
    undo = undo_through_the_page(client, run_jobs, job)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert every_description() == before  # the same parent, the same place among its siblings


def test_a_record_changed_since_is_a_conflict_left_alone(as_user, fonds, run_jobs):
    client = as_user("alice")
    job = publish_all(client, run_jobs, fonds)
    series = D.by_slug(fonds).children()[0]
    later = run_through_form(client, run_jobs, "publication_status", series.slug, status="draft")
    assert later.status == JobStatus.COMPLETED
    after_later = every_description()
    page = client.get(f"/jobs/{job.id}/undo")
    assert "changed since" in page.text
    assert "changed since" in page.html.find(id="undo-conflicts").find_next("ul").text
    refused = undo_form(client, job).submit()  # without "undo what can be undone": nothing launched
    assert "tick “Undo what can be undone”" in refused.text
    assert db.session.scalar(select(Job).where(Job.undo_of_id == job.id)) is None
    undo = undo_through_the_page(client, run_jobs, job, partial=True)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert "1 conflict left as they are" in undo.info
    assert f"“{series.title}” ({series.id}): changed since (publication_status); left as it is." in undo.output
    db.session.expire_all()
    assert D.by_slug(series.slug).publication_status.value == "draft"  # the later change stands
    assert every_description() != after_later  # the rest went back


def test_an_undo_that_meets_a_conflict_at_run_time_changes_nothing(as_user, fonds, run_jobs, users):
    client = as_user("alice")
    job = publish_all(client, run_jobs, fonds)
    series = D.by_slug(fonds).children()[0]
    run_through_form(client, run_jobs, "publication_status", series.slug, status="draft")
    before = every_description()
    undo, _ = launch("undo_job", user=users["alice"], description=job.description, undo_of_id=job.id)
    run_jobs()
    undo = db.session.get(Job, undo.id)
    assert undo.status == JobStatus.ERROR
    assert "changed since job" in undo.info
    assert "nothing was undone" in undo.info
    assert every_description() == before
    assert db.session.scalars(select(RecordChange).where(RecordChange.job_id == undo.id)).all() == []


def test_who_may_undo(as_user, fonds, run_jobs):
    job = publish_all(as_user("alice"), run_jobs, fonds)
    as_contributor(as_user).get(f"/jobs/{job.id}/undo", status=404)  # not theirs to see
    assert as_user("bob").get(f"/jobs/{job.id}/undo", expect_errors=True).status_int == 404
    assert as_user("admin").get(f"/jobs/{job.id}/undo").status_int == 200


def test_a_job_whose_ledger_was_cleared_cannot_be_undone_and_says_so(as_user, fonds, run_jobs):
    client = as_user("alice")
    job = publish_all(client, run_jobs, fonds)
    db.session.execute(RecordChange.__table__.delete().where(RecordChange.job_id == job.id))
    db.session.commit()
    assert client.get(f"/jobs/{job.id}").html.find("a", string="Undo…") is None
    page = client.get(f"/jobs/{job.id}/undo")
    assert "has no record of changes" in page.html.find(id="undo-refused").text
    assert not page.html.select("button.danger")


def test_flask_jobs_undo_previews_and_launches(app, as_user, fonds, run_jobs):
    client = as_user("alice")
    before = every_description()
    job = publish_all(client, run_jobs, fonds)
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["jobs", "undo", "999999"])
    assert missing.exit_code == 1
    assert "The job to undo no longer exists." in missing.output
    result = runner.invoke(args=["jobs", "undo", str(job.id)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Job {job.id}: ")
    assert "restored" in result.output
    run_jobs()
    assert every_description() == before


def test_undo_of_an_undo_of_an_import_brings_the_records_back_batch_after_batch(as_user, fonds, run_jobs, monkeypatch):
    monkeypatch.setattr(undo_module, "BATCH", 2)  # several batches of deletions and insertions
    client = as_user("alice")
    before, vocabularies = every_description(), every_vocabulary_row()
    job = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")), record=fonds)
    imported, held, added = every_description(), everything_held(), every_vocabulary_row()
    assert any(held.values())  # the file's events, notes, access points...
    undo = undo_through_the_page(client, run_jobs, job)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert every_description() == before
    assert every_vocabulary_row() == vocabularies
    again = undo_through_the_page(client, run_jobs, undo)
    assert again.status == JobStatus.COMPLETED, again.output
    assert again.info == f"Undid job {undo.id}: 6 created again, 1 repository put back."
    assert every_description() == imported  # the same records, ids, fields and places
    assert everything_held() == held  # and what they held
    assert every_vocabulary_row() == added  # and the repository they name, with its id


def test_an_undo_canceled_midway_rolls_back(as_user, fonds, run_jobs, users, monkeypatch):
    client = as_user("alice")
    job = publish_all(client, run_jobs, fonds)
    published = every_description()
    monkeypatch.setattr(undo_module, "BATCH", 2)  # a checkpoint every two records
    monkeypatch.setattr(context.checkpoint, "__defaults__", (0.0,))  # every checkpoint looks
    real = undo_job_module.report_progress
    asked = []

    def cancel_after_some(done, total, text, unit):
        if done >= 4:  # someone clicks "Cancel the job" (the request is read at the checkpoint)
            asked.append(done)
        real(done, total, text, unit)

    monkeypatch.setattr(undo_job_module, "report_progress", cancel_after_some)
    monkeypatch.setattr(Job, "cancel_request", classmethod(lambda cls, job_id: (bool(asked), "alice")))
    undo, _ = launch("undo_job", user=users["alice"], description=job.description, undo_of_id=job.id)
    run_jobs()
    db.session.expire_all()
    undo = db.session.get(Job, undo.id)
    assert undo.status == JobStatus.CANCELED, undo.output
    assert asked
    assert "Undone 4 of" in undo.output  # it was midway: some records had been put back
    assert every_description() == published  # the records it had put back are as the job left them
    assert db.session.scalars(select(RecordChange).where(RecordChange.job_id == undo.id)).all() == []


def every_statement() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(select(RightsStatement))
    return sorted((row.description_id, *(str(getattr(row, name)) for name in RightsStatement.CONTENT)) for row in rows)


def test_inherit_rights_is_ledgered_per_description_and_undone(as_user, fonds, run_jobs):
    client = as_user("alice")
    root = D.by_slug(fonds)
    series = root.children()[0]
    for record, note in ((root, "the fonds' own"), (series, "the series' own")):
        db.session.add(RightsStatement(description_id=record.id, basis=RightsBasis.COPYRIGHT, act=RightsAct.DISPLAY,
                                       restriction=RightsRestriction.ALLOW, note=note))  # fmt: skip
    db.session.commit()
    before, statements = every_description(), every_statement()
    job = run_through_form(client, run_jobs, "inherit_rights", fonds, mode="overwrite", scope="all")
    assert job.status == JobStatus.COMPLETED, job.output
    rows = db.session.scalars(select(RecordChange).where(RecordChange.job_id == job.id)).all()
    assert len(rows) == root.descendant_count  # every descendant changed: each had none, or the series' own
    by_id = {row.description_id: row for row in rows}
    own = [{"basis": "copyright", "act": "display", "restriction": "allow", "start_date": None, "end_date": None}]
    assert by_id[series.id].before["rights"] == [{**own[0], "note": "the series' own"}]
    assert by_id[series.id].after["rights"] == [{**own[0], "note": "the fonds' own"}]
    assert len(by_id[series.id].before["rights_created"]) == 1  # to put it back as it was
    undo = undo_through_the_page(client, run_jobs, job)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert every_statement() == statements
    assert every_description() == before


def test_a_5000_record_import_into_the_wrong_place_is_seen_and_undone(as_user, fonds, run_jobs):
    """The issue's "done when": the job page says exactly what it created, the Undo previews it,
    and afterwards the tree is as it was."""
    rows = ["legacyId,parentId,identifier,title,levelOfDescription"]
    rows.append("1,,W,Wrong place fonds,Fonds")
    rows += [f"{n},{1 if n <= 51 else 2 + (n % 50)},W-{n},Record {n},{'Series' if n <= 51 else 'File'}"
             for n in range(2, 5001)]  # fmt: skip
    client = as_user("alice")
    before = every_description()
    job = run_form(client, run_jobs, "import_descriptions", ("big.csv", "\n".join(rows).encode()), record=fonds)
    assert job.status == JobStatus.COMPLETED, job.info
    page = client.get(f"/jobs/{job.id}")
    assert page.html.find(id="changes-summary").get_text(" ", strip=True).startswith("5,000 created.")
    assert "Page 1 of 100" in page.html.find("nav", class_="pager").text
    assert "5,000 records it created deleted" in client.get(f"/jobs/{job.id}/undo").html.find(id="undo-preview").text
    undo = undo_through_the_page(client, run_jobs, job)
    assert undo.info == f"Undid job {job.id}: 5,000 deleted."
    assert every_description() == before


def test_undo_of_descendant_dates_puts_the_old_dates_back(as_user, fonds, run_jobs):
    client = as_user("alice")
    root = D.by_slug(fonds)
    root.start_date, root.end_date, root.dates = None, None, "undated"
    db.session.commit()
    before = every_description()
    job = run_through_form(client, run_jobs, "descendant_dates", fonds)
    assert every_description() != before
    undo = undo_through_the_page(client, run_jobs, job)
    assert undo.info == f"Undid job {job.id}: 1 restored."
    assert every_description() == before


def test_an_undos_changes_name_the_records_it_deleted_by_title(as_user, fonds, run_jobs):
    client = as_user("alice")
    job = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")), record=fonds)
    undo = undo_through_the_page(client, run_jobs, job)
    rows = client.get(f"/jobs/{undo.id}").html.select("table.changes tbody tr")
    assert len(rows) == 6  # one line a record: not every column it had
    assert rows[0].get_text(" ", strip=True) == "Deleted Harbour Board fonds (deleted)"
