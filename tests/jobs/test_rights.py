"""Rights statements on the description page, and "Inherit rights" to the descendants."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from actors.engine.launching import launch
from models import ArchivalDescription as D
from models import Job, JobStatus
from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement
from tests.tree_jobs_support import (
    as_contributor,
    assert_contributor_refused,
    finished,
    launch_through_form,
    submit_job_form,
)


def statement(description_id: int, act=RightsAct.PUBLISH, restriction=RightsRestriction.ALLOW, **fields):
    return RightsStatement(
        description_id=description_id,
        basis=fields.pop("basis", RightsBasis.COPYRIGHT),
        act=act,
        restriction=restriction,
        **fields,
    )


@pytest.fixture
def tree(db, fonds):
    """The fonds with two statements; one item already holds a copy of one and a statement of its own."""
    root = D.by_slug(fonds)
    items = db.session.scalars(root.subtree().where(D.depth == 3)).all()
    db.session.add_all(
        [
            statement(root.id, start_date=date(1950, 1, 1), note="Crown copyright"),
            statement(root.id, act=RightsAct.DISPLAY, restriction=RightsRestriction.CONDITIONAL),  # NULL dates
            statement(items[0].id, start_date=date(1950, 1, 1), note="Crown copyright"),  # a duplicate
            statement(
                items[0].id, basis=RightsBasis.DONOR, act=RightsAct.REPLICATE, restriction=RightsRestriction.DISALLOW
            ),
        ]
    )
    db.session.execute(update(D).values(has_digital_object=False))  # only these three have one here
    db.session.execute(update(D).where(D.id.in_([i.id for i in items[:3]])).values(has_digital_object=True))
    db.session.commit()
    return root, items


def rights_of(db, description_id: int) -> list[tuple]:
    db.session.expire_all()
    return sorted(
        (s.basis.value, s.act.value, s.restriction.value, s.start_date, s.note)
        for s in RightsStatement.of(description_id)
    )


def total_statements(db) -> int:
    return db.session.scalar(select(func.count()).select_from(RightsStatement))


def test_combine_copies_to_every_descendant_and_skips_duplicates(as_user, db, tree, run_jobs):
    root, items = tree
    job = launch_through_form(as_user("alice"), run_jobs, "inherit_rights", root.slug, mode="combine", scope="all")
    assert job.status == JobStatus.COMPLETED, job.output
    own = rights_of(db, root.id)
    assert rights_of(db, items[1].id) == own
    assert rights_of(db, items[0].id) == sorted([*own, ("donor", "replicate", "disallow", None, None)])
    assert total_statements(db) == 2 + 39 * 2 + 1  # the root's, a copy of each per descendant, the donor one
    assert job.info == "77 rights statements added to 39 descendants, 1 already there."
    assert "to 0 of 39 descendants" in job.output
    assert "Copied to 39 of 39 descendants." in job.output


def test_overwrite_replaces_the_statements_of_descendants_with_digital_objects_only(as_user, db, tree, run_jobs):
    root, items = tree
    untouched = rights_of(db, items[3].id)
    job = launch_through_form(
        as_user("alice"), run_jobs, "inherit_rights", root.slug, mode="overwrite", scope="digital_objects"
    )
    assert job.status == JobStatus.COMPLETED, job.output
    own = rights_of(db, root.id)
    assert [rights_of(db, item.id) for item in items[:3]] == [own] * 3  # the donor statement is gone
    assert rights_of(db, items[3].id) == untouched == []
    assert job.info == "5 rights statements added to 3 descendants, 1 already there, 1 other statement removed."


def test_overwrite_run_again_rewrites_nothing(db, tree, run_jobs, users):
    root, items = tree
    for _ in range(2):
        launch(
            "inherit_rights", user=users["alice"], description=root, parameters={"mode": "overwrite", "scope": "all"}
        )
        run_jobs()
    ids = {s.id for s in RightsStatement.of(items[0].id)}
    launch("inherit_rights", user=users["alice"], description=root, parameters={"mode": "overwrite", "scope": "all"})
    run_jobs()
    last = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert last.info == "0 rights statements added to 39 descendants, 78 already there, 0 other statements removed."
    assert {s.id for s in RightsStatement.of(items[0].id)} == ids  # the same rows, not new copies
    assert total_statements(db) == 2 + 39 * 2


def test_running_combine_twice_adds_nothing_the_second_time(db, tree, run_jobs, users):
    root, _ = tree
    for _ in range(2):
        launch("inherit_rights", user=users["alice"], description=root, parameters={"mode": "combine", "scope": "all"})
        run_jobs()
    second = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
    assert second.info == "0 rights statements added to 39 descendants, 78 already there."
    assert total_statements(db) == 2 + 39 * 2 + 1


def test_a_record_without_statements_is_refused_on_the_form(as_user, db, fonds):
    page = submit_job_form(as_user("alice"), "inherit_rights", fonds, expect=400)
    assert "has no rights statements to inherit." in page.text


def test_an_unknown_mode_fails_with_its_message_and_changes_nothing(db, tree, run_jobs, users):
    root, _ = tree
    before = total_statements(db)
    job, _ = launch(
        "inherit_rights", user=users["alice"], description=root, parameters={"mode": "replace", "scope": "all"}
    )
    run_jobs()
    job = finished(job.id)
    assert job.status == JobStatus.ERROR
    assert "Unknown mode 'replace' or scope 'all'" in job.info
    assert total_statements(db) == before


def test_the_job_fails_when_the_statements_were_deleted_meanwhile(db, tree, start_worker, users):
    root, items = tree
    job, _ = launch(
        "inherit_rights", user=users["alice"], description=root, parameters={"mode": "overwrite", "scope": "all"}
    )
    db.session.execute(RightsStatement.__table__.delete().where(RightsStatement.description_id == root.id))
    db.session.commit()  # while the job waits in the queue
    start_worker()
    job = finished(job.id)
    assert job.status == JobStatus.ERROR
    assert "has no rights statements to inherit." in job.info
    assert len(rights_of(db, items[0].id)) == 2  # overwrite did not wipe the descendants


def test_contributors_may_not_inherit_rights(as_user, post, tree):
    root, _ = tree
    assert_contributor_refused(
        as_user, post, "inherit_rights", "Inherit rights", root.slug, mode="combine", scope="all"
    )


def test_editors_add_statements_on_the_description_page(as_user, db, fonds):
    page = as_user("alice").get(f"/descriptions/{fonds}")
    form = next(f for f in page.forms.values() if f.action.endswith("/rights"))
    form["basis"], form["act"], form["restriction"] = "license", "disseminate", "conditional"
    form["start_date"], form["note"] = "2001-02-03", "CC BY"
    page = form.submit().follow()
    assert rights_of(db, D.by_slug(fonds).id) == [("license", "disseminate", "conditional", date(2001, 2, 3), "CC BY")]
    row = [td.get_text() for td in page.html.find("table", class_="rights").tbody.find_all("td")]
    assert row == ["License", "Disseminate", "Conditional", "2001-02-03", "", "CC BY"]


def test_a_bad_statement_is_shown_on_the_page(as_user, db, fonds):
    page = as_user("alice").get(f"/descriptions/{fonds}")
    form = next(f for f in page.forms.values() if f.action.endswith("/rights"))
    form["start_date"], form["end_date"] = "2001-02-03", "2000-01-01"
    page = form.submit(status=400)
    assert "The end date is before the start date." in page.text
    assert total_statements(db) == 0


def test_contributors_see_rights_but_may_not_add_them(as_user, post, db, fonds):
    client = as_contributor(as_user)
    page = client.get(f"/descriptions/{fonds}")
    assert "No rights statements." in page.text
    assert not [f for f in page.forms.values() if f.action.endswith("/rights")]
    response = post(f"/descriptions/{fonds}/rights", {"basis": "policy", "act": "display", "restriction": "allow"})
    assert response.status_int == 403
    assert post(f"/descriptions/{fonds}/rights", {"basis": "policy"}, token=False).status_int in (400, 403)
    assert total_statements(db) == 0
