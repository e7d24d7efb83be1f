"""Move description: under a new parent or to top level, refused under itself or a descendant."""

from __future__ import annotations

import pytest

from actors.engine.launching import launch
from commands.demo_data import insert_demo_fonds
from models import ArchivalDescription as D
from models import Job, JobStatus
from models.tree import move_subtree
from tests.tree_jobs_support import (
    assert_consistent,
    assert_contributor_refused,
    finished,
    launch_through_form,
    only_job,
    snapshot,
    submit_job_form,
)


@pytest.fixture
def two_fonds(app) -> tuple[str, str]:
    return insert_demo_fonds(40), insert_demo_fonds(20, title="Other fonds")


def slugs_below(slug: str) -> list[str]:
    return [d.slug for d in D.by_slug(slug).children()]


def test_move_a_series_under_another_fonds(as_user, db, two_fonds, run_jobs):
    first, second = two_fonds
    series = D.by_slug(first).children()[1]
    subtree = [d.slug for d in db.session.scalars(series.subtree())]
    siblings_after = [s for s in slugs_below(first) if s != series.slug]
    children_of_second = slugs_below(second)

    job = launch_through_form(as_user("alice"), run_jobs, "move_description", series.slug, new_parent=second)

    assert job.status == JobStatus.COMPLETED, job.output
    assert_consistent(db)
    moved = D.by_slug(series.slug)
    assert moved.parent_id == D.by_slug(second).id
    assert moved.depth == 1
    assert [d.slug for d in db.session.scalars(moved.subtree())] == subtree  # its own order kept
    assert slugs_below(first) == siblings_after  # the others keep their order
    assert slugs_below(second) == [*children_of_second, series.slug]  # last child
    n = len(subtree)
    assert f"0 of {n}" in job.output
    assert f"Moved {n} of {n} descriptions." in job.output
    assert job.info == f"Moved “{moved.title}” and {n - 1} descendants under “Other fonds”."


def test_move_to_top_level(as_user, db, two_fonds, run_jobs):
    first, _ = two_fonds
    series = D.by_slug(first).children()[0]
    job = launch_through_form(as_user("alice"), run_jobs, "move_description", series.slug, top_level=True)
    assert job.status == JobStatus.COMPLETED, job.output
    assert_consistent(db)
    moved = D.by_slug(series.slug)
    assert (moved.parent_id, moved.depth) == (None, 0)
    assert [d.slug for d in db.session.scalars(D.top_level())][-1] == series.slug
    assert "to top level" in job.info


@pytest.mark.parametrize("target", ["itself", "descendant"])
def test_the_form_refuses_a_move_under_itself_or_a_descendant(as_user, db, two_fonds, target):
    series = D.by_slug(two_fonds[0]).children()[0]
    destination = series if target == "itself" else series.children()[0].children()[0]
    page = submit_job_form(as_user("alice"), "move_description", series.slug, expect=400, new_parent=destination.slug)
    expected = "under itself." if target == "itself" else f"under one of its own descendants (“{destination.title}”)."
    assert f"“{series.title}” cannot be moved {expected}" in page.text
    assert db.session.scalars(db.select(Job)).all() == []  # nothing launched


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose the new parent from the suggestions, or tick “Move to top level”."),
        ({"new_parent": "nowhere"}, "No description is “nowhere”: choose one from the suggestions."),
        ({"new_parent": "other-fonds", "top_level": True}, "not both"),
    ],
)
def test_the_form_wants_exactly_one_valid_destination(as_user, two_fonds, fields, message):
    series = D.by_slug(two_fonds[0]).children()[0]
    page = submit_job_form(as_user("alice"), "move_description", series.slug, expect=400, **fields)
    assert message in page.text


def test_a_top_level_record_cannot_move_to_top_level(as_user, two_fonds):
    page = submit_job_form(as_user("alice"), "move_description", two_fonds[0], expect=400, top_level=True)
    assert "is already at top level." in page.text


def test_the_job_refuses_when_the_tree_changed_meanwhile(as_user, db, two_fonds, start_worker):
    """Valid when launched: the destination then became a descendant of the moved record."""
    first, second = two_fonds
    series = D.by_slug(first).children()[0]
    submit_job_form(as_user("alice"), "move_description", series.slug, new_parent=second)
    move_subtree(D.by_slug(second), D.by_slug(series.slug))  # the other fonds goes under the series
    db.session.commit()  # while the job waits in the queue
    before = snapshot(db)

    start_worker()

    job = finished(only_job().id)
    assert job.status == JobStatus.ERROR
    assert f"“{series.title}” cannot be moved under one of its own descendants (“Other fonds”)." in job.info
    assert snapshot(db) == before
    assert_consistent(db)


def test_the_job_fails_clearly_when_the_new_parent_was_deleted(db, two_fonds, run_jobs, users):
    series = D.by_slug(two_fonds[0]).children()[0]
    job, _ = launch("move_description", user=users["alice"], description=series, parameters={"new_parent": "gone"})
    before = snapshot(db)
    run_jobs()
    job = finished(job.id)
    assert job.status == JobStatus.ERROR
    assert "The new parent “gone” no longer exists." in job.info
    assert snapshot(db) == before


def test_contributors_may_not_move(as_user, post, two_fonds):
    first, second = two_fonds
    series = D.by_slug(first).children()[0]
    assert_contributor_refused(as_user, post, "move_description", "Move description", series.slug, new_parent=second)
