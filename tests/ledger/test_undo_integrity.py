"""Undo can never misplace a record: ids are never reused, conflicts are judged by state, an
undone job is closed, and Clear and Undo cannot race (the undo-integrity issue's sequences)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from actors.engine.launching import LaunchConflict, launch, send
from actors.jobs import move as move_module
from extensions import db
from models import ArchivalDescription as D
from models import Job, JobStatus, RecordChange
from models.base import utcnow
from models.tree import TreeError, check_tree, disagreements
from tests.import_export_support import fixture_bytes, run_form
from tests.ledger.test_undo import (
    every_description,
    every_vocabulary_row,
    publish_all,
    run_through_form,
    undo_form,
    undo_through_the_page,
)
from tests.tree_jobs_support import assert_consistent

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
HORNSTEIN, ISAD = CORPUS / "aspace_ead_hornstein.xml", CORPUS / "atom_example_information_objects_isad.csv"


def created_by(job: Job) -> list[int]:
    query = select(RecordChange.description_id).where(RecordChange.job_id == job.id, RecordChange.kind == "created")
    return sorted(db.session.scalars(query))


def import_file(client, run_jobs, path: Path, **fields) -> Job:
    job = run_form(client, run_jobs, "import_descriptions", (path.name, path.read_bytes()), **fields)
    assert job.status == JobStatus.COMPLETED, job.output
    return job


@pytest.mark.skipif(not HORNSTEIN.exists(), reason=f"the real files are not there: {CORPUS}")
def test_the_reported_sequence_puts_every_record_back_where_it_was(as_user, fonds, run_jobs):
    """Import Hornstein, Undo, import AtoM's ISAD example, undo the Undo: the Hornstein papers come
    back at top level with their ids, Example fonds holds only its item, and every page tells the truth."""
    client = as_user("alice")
    vocabularies = every_vocabulary_row()
    hornstein = import_file(client, run_jobs, HORNSTEIN)
    papers = created_by(hornstein)
    imported, added = every_description(), every_vocabulary_row()
    undo = undo_through_the_page(client, run_jobs, hornstein)
    assert undo.status == JobStatus.COMPLETED, undo.output
    assert every_vocabulary_row() == vocabularies  # its terms, names, containers went with it
    example = import_file(client, run_jobs, ISAD)
    assert min(created_by(example)) > max(papers)  # no id a ledger names comes back
    fonds_record = D.by_slug("example-fonds")
    history = client.get(f"/descriptions/{fonds_record.slug}").html.find(id="history")
    assert f"job {example.id} (" in history.text
    assert f"job {hornstein.id} (" not in history.text
    created = "Created Title: — → Example fonds; Reference code: — → F1; Level of description: — → fonds;"
    assert f"{created} Parent: — → (top level)" in history.text
    changes = client.get(f"/jobs/{hornstein.id}").html.find("table", class_="changes").text
    assert "Example fonds" not in changes
    assert "Lillian Herlands Hornstein Papers (deleted)" in changes

    page = client.get(f"/jobs/{hornstein.id}")  # closed: no Undo…, but the Undo that closed it
    assert page.html.find("a", string="Undo…") is None
    assert page.html.find(id="undone-note").find("a", href=f"/jobs/{undo.id}") is not None
    refused = client.get(f"/jobs/{hornstein.id}/undo")
    assert refused.html.find(id="undo-refused").text == f"Job {hornstein.id} was already undone by job {undo.id}."
    assert client.post(f"/jobs/{hornstein.id}/undo", {"csrf_token": refused.forms[0]["csrf_token"].value}).status_int
    assert db.session.scalars(select(Job).where(Job.undo_of_id == hornstein.id)).all() == [undo]

    preview = client.get(f"/jobs/{undo.id}/undo").html
    assert preview.find(id="undo-conflicts") is None
    assert preview.find(id="undo-recreates").text.startswith(
        "Puts “Lillian Herlands Hornstein Papers” and its 719 descendants back where it was"
    )
    again = undo_through_the_page(client, run_jobs, undo)
    assert again.info.startswith(f"Undid job {undo.id}: 720 created again, 10 terms, 1 repository, ")
    vocabulary_now = every_vocabulary_row()
    for table, rows in added.items():  # what it added is back with its ids (beside Example fonds' own)
        assert set(rows) <= set(vocabulary_now[table]), table
    assert [d for d in every_description() if d[0] in set(papers)] == imported[-len(papers) :]
    assert [child.title for child in D.by_slug("example-fonds").children()] == ["Example Item"]
    assert D.by_slug("example-item").children() == []
    assert_consistent(db)


def test_undoing_newest_first_meets_no_conflict(as_user, fonds, run_jobs):
    """Import, an update import of one of its records, Undo of the update, Undo of the import."""
    client = as_user("alice")
    before = every_description()
    original = fixture_bytes("harbour.csv")
    first = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", original), record=fonds)
    changed = original.replace(b",Minutes,", b",Minutes of the board,")
    update = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", changed), record=fonds, match="update")
    assert db.session.scalars(select(RecordChange.kind).where(RecordChange.job_id == update.id)).all() == ["updated"]
    for job in (update, first):
        assert client.get(f"/jobs/{job.id}/undo").html.find(id="undo-conflicts") is None
        undone = undo_through_the_page(client, run_jobs, job)
        assert undone.status == JobStatus.COMPLETED, undone.output
        assert "conflict" not in undone.info, undone.output
    assert every_description() == before


def test_one_undo_of_a_job_at_a_time_and_the_second_is_told_which(app, as_user, fonds, run_jobs, users, make_job):
    client = as_user("alice")
    job = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")), record=fonds)
    form = undo_form(client, job)
    first = make_job("alice", JobStatus.QUEUED, type="undo_job", parameters={}, undo_of_id=job.id)  # not sent yet
    with pytest.raises(LaunchConflict):  # the database refuses a second one, whoever checks first
        launch("undo_job", user=users["alice"], description=job.description, undo_of_id=job.id)
    page = form.submit()  # the confirmation was open before the first was launched
    assert page.html.find(id="undo-refused").text == f"Job {job.id} is already being undone by job {first.id}."
    cli = app.test_cli_runner().invoke(args=["jobs", "undo", str(job.id)])
    assert cli.exit_code == 1
    assert f"already being undone by job {first.id}" in cli.output
    send(first.id, "undo_job")
    run_jobs()
    assert db.session.get(Job, first.id).status == JobStatus.COMPLETED
    assert db.session.scalars(select(Job).where(Job.undo_of_id == job.id)).all() == [db.session.get(Job, first.id)]
    assert f"Undone by job {first.id}" in client.get("/jobs/").html.find("a", class_="undone-by").text


def test_a_job_whose_undo_is_queued_is_not_cleared(app, as_user, fonds, run_jobs, users):
    client = as_user("alice")
    job = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")), record=fonds)
    undo, _ = launch("undo_job", user=users["alice"], description=job.description, undo_of_id=job.id)
    assert "nothing to clear" in client.get("/jobs/clear").text
    client.post("/jobs/clear", {"csrf_token": client.get("/jobs/clear").forms[0]["csrf_token"].value})
    result = app.test_cli_runner().invoke(args=["jobs", "clear", "--yes"])
    assert "Kept 2: Undos queued or running and the jobs they undo." in result.output
    run_jobs()
    assert db.session.get(Job, undo.id).status == JobStatus.COMPLETED
    assert db.session.get(Job, job.id) is not None  # its ledger is there: the Undo can be undone


def test_a_clear_deletes_exactly_the_jobs_its_confirmation_named(as_user, make_job):
    client = as_user("alice")
    running_id = make_job("alice", JobStatus.RUNNING).id
    done_id = make_job("alice", JobStatus.COMPLETED).id
    form = next(f for f in client.get("/jobs/clear").forms.values() if f.action.endswith("/jobs/bulk/clear"))
    assert form["upto"].value == str(done_id)
    assert running_id < done_id
    db.session.execute(
        Job.__table__.update()
        .where(Job.id == running_id)
        .values(status="completed", finished_at=utcnow() + timedelta(seconds=1))
    )
    db.session.commit()  # the running job ends while the confirmation is open
    form.submit()
    db.session.expire_all()
    assert db.session.get(Job, done_id) is None
    assert db.session.get(Job, running_id) is not None


def test_records_are_never_put_back_under_another_parent(as_user, run_jobs):
    """Import a fonds (A), import under it (B), undo B, undo A: undoing B's Undo would need the
    gone fonds, so it refuses and names why; undoing A's Undo first, then B's, puts all back."""
    client = as_user("alice")
    fonds_file = b"legacyId,parentId,identifier,title,levelOfDescription\n1,,P,Parent fonds,Fonds\n"
    parent = run_form(client, run_jobs, "import_descriptions", ("parent.csv", fonds_file))
    child = run_form(
        client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")), record="parent-fonds"
    )
    placed = every_description()
    undo_child = undo_through_the_page(client, run_jobs, child)
    undo_parent = undo_through_the_page(client, run_jobs, parent)
    preview = client.get(f"/jobs/{undo_child.id}/undo")
    conflicts = preview.html.find(id="undo-conflicts").find_next("ul").text
    assert "Harbour Board fonds — its parent (description" in conflicts
    assert "no longer exists" in conflicts
    refused = undo_through_the_page(client, run_jobs, undo_child, partial=True)
    assert refused.status == JobStatus.ERROR
    assert "Nothing of job" in refused.info
    assert D.by_slug("harbour-board-fonds") is None
    for job in (undo_parent, undo_child):
        assert undo_through_the_page(client, run_jobs, job).status == JobStatus.COMPLETED
    assert every_description() == placed


def test_the_tree_check_names_a_record_whose_parent_disagrees_with_the_numbering(fonds):
    assert disagreements() == []
    record = D.by_slug(fonds).children()[0].children()[0]
    record.parent_id = D.by_slug(fonds).id  # the numbering still puts it under its series
    db.session.flush()
    found = disagreements()
    assert len(found) == 1
    assert found[0].startswith(f"description {record.id}: its parent is {record.parent_id}, ")
    with pytest.raises(TreeError, match="nothing was changed"):
        check_tree()
    db.session.rollback()


def test_a_created_record_changed_since_stays_until_that_change_is_undone(as_user, fonds, run_jobs):
    """Conflicts are judged by state: published since, the imported records are a conflict; once
    that publication is undone they hold what the import left, and the import undoes cleanly."""
    client = as_user("alice")
    before = every_description()
    job = run_form(client, run_jobs, "import_descriptions", ("harbour.csv", fixture_bytes("harbour.csv")), record=fonds)
    published = publish_all(client, run_jobs, "harbour-board-fonds")
    assert published.status == JobStatus.COMPLETED, published.output
    conflicts = client.get(f"/jobs/{job.id}/undo").html.find(id="undo-conflicts").find_next("ul").text
    assert "Minutes — changed since" in conflicts
    undo_through_the_page(client, run_jobs, published)
    assert client.get(f"/jobs/{job.id}/undo").html.find(id="undo-conflicts") is None
    assert undo_through_the_page(client, run_jobs, job).status == JobStatus.COMPLETED
    assert every_description() == before


def test_a_job_that_would_leave_the_tree_inconsistent_changes_nothing(as_user, fonds, run_jobs, monkeypatch):
    """The tree check runs at the end of every job that reshapes the tree, in its transaction."""
    client = as_user("alice")
    before = every_description()
    real_move = move_module.move_subtree

    def careless_move(node, parent, *args):  # moves, then leaves one parent link behind
        real_move(node, parent, *args)
        child = db.session.scalars(select(D).where(D.parent_id == node.id)).first()
        db.session.execute(D.__table__.update().where(D.id == child.id).values(parent_id=None))

    monkeypatch.setattr(move_module, "move_subtree", careless_move)
    series = D.by_slug(fonds).children()[1]
    job = run_through_form(client, run_jobs, "move_description", series.slug, top_level="y")
    assert job.status == JobStatus.ERROR, job.info
    assert "The tree would be left inconsistent" in job.info, job.info
    assert every_description() == before
