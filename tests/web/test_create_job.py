""" "Create background job": the menu shows what a role may create; forms validate; POST re-checks."""

from __future__ import annotations

import pytest

from actors.registry import JobType
from models import Job, JobStatus, Role
from models.user import create_user
from tests.helpers import PASSWORD


def noop(job_id: int) -> None:
    print("done")


@pytest.fixture
def extra_job_types() -> dict[str, JobType]:
    return {
        "secret": JobType(
            key="secret", label="Admin-only task", perform=noop, create_permissions=("manage_everything",)
        ),
        "hidden": JobType(key="hidden", label="Hidden task", perform=noop, hidden=True),
    }


@pytest.fixture
def roles(users):
    users["carol"] = create_user("carol", PASSWORD, role=Role.CONTRIBUTOR)
    users["victor"] = create_user("victor", PASSWORD, role=Role.VIEWER)
    return users


def menu_labels(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.html.select("ul.job-types a")]


def test_menu_lists_exactly_what_each_role_may_create(as_user, roles):
    admin = menu_labels(as_user("admin").get("/jobs/new"))
    assert {"Admin-only task", "Generate finding aid"} <= set(admin)
    assert admin == sorted(admin)
    assert "Hidden task" not in admin
    for username in ("alice", "carol"):  # editor, contributor
        labels = menu_labels(as_user(username).get("/jobs/new"))
        assert "Generate finding aid" in labels
        assert "Admin-only task" not in labels
    page = as_user("victor").get("/jobs/new")
    assert menu_labels(page) == []
    assert "does not allow you to create background jobs" in page.text


def test_the_menu_is_in_the_navigation_bar(as_user, roles):
    nav = as_user("carol").get("/jobs/").html.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Create background job")["href"] == "/jobs/new"


def test_a_valid_form_launches_the_job_and_shows_it(as_user, fonds, db):
    page = as_user("alice").get("/jobs/new/finding_aid")
    form = page.forms["job-form"]
    form["record"] = fonds
    form["format"] = "rtf"
    details = form.submit().follow()
    job = db.session.scalars(db.select(Job)).one()
    assert details.request.path == f"/jobs/{job.id}"
    assert (job.type, job.parameters["format"], job.description.slug, job.status) == (
        "finding_aid",
        "rtf",
        fonds,
        JobStatus.QUEUED,
    )
    assert "Launched" in details.text


def test_validation_errors_are_shown_on_the_form_and_nothing_is_launched(as_user, db):
    page = as_user("alice").get("/jobs/new/finding_aid")
    form = page.forms["job-form"]
    form["record"] = "no-such-record"
    page = form.submit(status=400)
    assert "No description is “no-such-record”: choose one from the suggestions." in page.text
    assert page.html.find(id="record")["aria-invalid"] == "true"
    assert page.html.find("div", role="alert").find("a")["href"] == "#record"
    assert db.session.scalars(db.select(Job)).all() == []


@pytest.mark.parametrize("username", ["admin", "alice", "carol", "victor"])
def test_a_hidden_type_has_no_form_for_anyone(as_user, post, db, roles, username):
    """An Undo is launched from the job it undoes, which checks what it undoes: posting its form
    directly launched one (with nothing to undo)."""
    client = as_user(username)
    assert "Hidden task" not in client.get("/jobs/new").text
    for type_key in ("hidden", "undo_job"):
        page = client.get(f"/jobs/new/{type_key}", status=404)
        assert f"There is no job type “{type_key}”." in page.text
        post(f"/jobs/new/{type_key}", {"partial": "y"}, status=404)
        client.get(f"/jobs/new/{type_key}/preview.json?record=x", status=404)
    assert db.session.scalars(db.select(Job)).all() == []


@pytest.mark.parametrize(
    ("username", "type_key"), [("victor", "finding_aid"), ("alice", "secret"), ("carol", "secret")]
)
def test_types_a_user_may_not_create_are_refused_on_get_and_post(as_user, post, roles, db, username, type_key):
    client = as_user(username)
    client.get(f"/jobs/new/{type_key}", status=403)
    post(f"/jobs/new/{type_key}", {"record": "x"}, status=403)
    assert db.session.scalars(db.select(Job)).all() == []


def test_unknown_type_is_a_readable_404(as_user):
    page = as_user("alice").get("/jobs/new/teleport", status=404)
    assert "There is no job type “teleport”." in page.text


def test_contributors_cancel_their_own_jobs_of_the_types_they_may_create(as_user, post, make_job, roles, db):
    """As in ArchivesSpace, the owner may stop what she started (issue 27: she could not)."""
    job = make_job("carol", JobStatus.QUEUED)  # a finding aid: contributors may create one
    page = as_user("carol").get(f"/jobs/{job.id}")
    assert page.html.find("a", string="Cancel job…") is not None
    post(f"/jobs/{job.id}/cancel")
    imported = make_job("carol", JobStatus.QUEUED, type="import_descriptions")  # not a type of hers (any more)
    assert as_user("carol").get(f"/jobs/{imported.id}").html.find("a", string="Cancel job…") is None
    post(f"/jobs/{imported.id}/cancel", status=403)
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.CANCELED
    assert db.session.get(Job, imported.id).status == JobStatus.QUEUED


def test_run_again_with_changes_opens_the_form_filled_in_as_the_failed_job(as_user, make_job, fonds):
    """Retry fails the same way on a bad input: "Run again with changes" lets the user fix it."""
    from models import ArchivalDescription

    record = ArchivalDescription.by_slug(fonds)
    failed = make_job("alice", JobStatus.ERROR, type="finding_aid", description_id=record.id,
                      parameters={"format": "rtf", "model": "summary"})  # fmt: skip
    client = as_user("alice")
    link = client.get(f"/jobs/{failed.id}").html.find("a", string="Run again with changes")
    form = client.get(link["href"]).forms["job-form"]
    assert (form["record"].value, form["format"].value, form["model"].value) == (fonds, "rtf", "summary")
    form["format"] = "pdf"
    job_page = form.submit().follow()
    assert "Job " in job_page.html.h1.get_text()
    assert str(failed.id) not in job_page.request.path


def test_run_again_only_from_a_job_the_user_may_see_of_that_type(as_user, make_job):
    bobs = make_job("bob", JobStatus.ERROR, type="finding_aid")
    client = as_user("alice")
    assert client.get(f"/jobs/new/finding_aid?from={bobs.id}", status=404)
    assert client.get(f"/jobs/new/report?from={make_job('alice', JobStatus.ERROR, type='finding_aid').id}", status=404)
