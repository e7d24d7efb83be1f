"""Calculate descendant dates: a parent's range from the earliest and latest dates below it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from actors.engine.launching import launch
from models import ArchivalDescription as D
from models import JobStatus
from tests.tree_jobs_support import (
    assert_contributor_refused,
    finished,
    launch_through_form,
    submit_job_form,
    subtree_snapshot,
)


def test_a_fonds_gets_the_range_of_its_descendants(as_user, db, fonds, run_jobs):
    root = D.by_slug(fonds)
    below = (D.lft > root.lft) & (D.lft < root.rgt)
    db.session.execute(update(D).where(D.id == root.id).values(dates=None, start_date=None, end_date=None))
    db.session.execute(update(D).where(D.id == root.children()[0].id).values(start_date=None))  # end date only
    db.session.commit()
    earliest = db.session.scalar(select(func.min(func.coalesce(D.start_date, D.end_date))).where(below))
    latest = db.session.scalar(select(func.max(D.end_date)).where(below))

    job = launch_through_form(as_user("alice"), run_jobs, "descendant_dates", fonds)

    assert job.status == JobStatus.COMPLETED, job.output
    root = db.session.get(D, root.id)
    assert (root.start_date, root.end_date) == (earliest, latest)
    assert root.dates == f"{earliest.year}-{latest.year}"
    assert job.info == f"Dates of “{root.title}” set to {root.dates} ({earliest} to {latest})."
    assert "0 of 39 descendants" in job.output
    assert "39 of 39 descendants: 39 have dates." in job.output


def test_when_no_descendant_has_dates_it_says_so_and_keeps_the_dates(as_user, db, fonds, run_jobs):
    root = D.by_slug(fonds)
    db.session.execute(update(D).where(D.lft > root.lft, D.lft < root.rgt).values(start_date=None, end_date=None))
    db.session.commit()
    before = subtree_snapshot(fonds)
    job = launch_through_form(as_user("alice"), run_jobs, "descendant_dates", fonds)
    assert job.status == JobStatus.COMPLETED
    assert job.info == f"No descendant of “{root.title}” has dates; its dates are unchanged."
    assert subtree_snapshot(fonds) == before


def test_a_description_without_descendants_is_refused_on_the_form(as_user, db, fonds):
    leaf = db.session.scalars(D.by_slug(fonds).subtree().where(D.rgt == D.lft + 1).limit(1)).one()
    page = submit_job_form(as_user("alice"), "descendant_dates", leaf.slug, expect=400)
    assert f"“{leaf.title}” has no descendants." in page.text


def test_the_job_fails_clearly_when_its_record_has_no_descendants(db, fonds, run_jobs, users):
    leaf = db.session.scalars(D.by_slug(fonds).subtree().where(D.rgt == D.lft + 1).limit(1)).one()
    before = subtree_snapshot(fonds)
    job, _ = launch("descendant_dates", user=users["alice"], description=leaf)
    run_jobs()
    job = finished(job.id)
    assert job.status == JobStatus.ERROR
    assert f"“{leaf.title}” has no descendants." in job.info
    assert subtree_snapshot(fonds) == before


def test_the_job_fails_clearly_when_its_record_was_deleted(db, fonds, start_worker, users):
    series = D.by_slug(fonds).children()[0]
    job, _ = launch("descendant_dates", user=users["alice"], description=series)
    db.session.delete(series)  # and its sub-tree's rows (ON DELETE CASCADE) while the job waits in the queue
    db.session.commit()
    start_worker()
    job = finished(job.id)
    assert job.status == JobStatus.ERROR
    assert "The description of this job no longer exists." in job.info


def test_contributors_may_not_calculate_dates(as_user, post, fonds):
    assert_contributor_refused(as_user, post, "descendant_dates", "Calculate descendant dates", fonds)


def test_dates_round_to_whole_years_in_the_display_string():
    from actors.jobs.descendant_dates import display_dates

    assert display_dates(date(987, 5, 1), date(2001, 1, 1)) == "0987-2001"
