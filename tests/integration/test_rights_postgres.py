"""Inherit rights on PostgreSQL: the same rows and the same counts in the summary as on SQLite."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from actors.engine.launching import launch
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus
from models.rights import RightsAct, RightsBasis, RightsRestriction, RightsStatement
from tests.tree_jobs_support import run_all

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_app")]


def test_overwrite_then_combine_count_what_they_did():
    root = D.by_slug(insert_demo_fonds(101))
    db.session.execute(update(D).where(D.depth == 3).values(has_digital_object=True))
    for act, note in ((RightsAct.PUBLISH, None), (RightsAct.DISPLAY, "On site only")):
        db.session.add(
            RightsStatement(
                description_id=root.id,
                basis=RightsBasis.POLICY,
                act=act,
                restriction=RightsRestriction.CONDITIONAL,
                start_date=date(2000, 1, 1),
                note=note,
            )
        )
    db.session.commit()
    with_objects = db.session.scalar(select(func.count()).where(D.depth == 3))
    launch("inherit_rights", description=root, parameters={"mode": "overwrite", "scope": "digital_objects"})
    run_all()
    launch("inherit_rights", description=root, parameters={"mode": "combine", "scope": "all"})
    jobs = run_all()

    assert [job.status for job in jobs] == [JobStatus.COMPLETED] * 2, [job.info for job in jobs]
    assert jobs[0].info == (
        f"{2 * with_objects} rights statements added to {with_objects} descendants, 0 other statements removed."
    )
    assert (
        jobs[1].info
        == f"{2 * (100 - with_objects)} rights statements added to 100 descendants, {2 * with_objects} already there."
    )
    assert db.session.scalar(select(func.count()).select_from(RightsStatement)) == 2 + 200
