"""On PostgreSQL, moves run beside other tree jobs on other records: the tree lock keeps them apart."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actors.engine.launching import launch
from commands.demo_data import insert_demo_fonds
from extensions import db
from models import ArchivalDescription as D
from models import JobStatus, PublicationStatus
from tests.tree_jobs_support import assert_consistent, run_all

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("postgres_app")]


def test_moves_and_status_updates_on_other_fonds_leave_a_consistent_tree():
    first, second = D.by_slug(insert_demo_fonds(300)), D.by_slug(insert_demo_fonds(300, title="Second fonds"))
    outside = {d.id: d.publication_status for d in db.session.scalars(first.subtree())}
    series = first.children()
    statuses = [PublicationStatus.DRAFT, PublicationStatus.PUBLISHED] * 3
    for n, status in enumerate(statuses):
        # Each move to top level renumbers the second fonds while its status is being updated.
        launch("move_description", description=series[n], parameters={"top_level": True, "new_parent": ""})
        launch(
            "publication_status", description=second, parameters={"status": status.value, "include_descendants": True}
        )

    jobs = run_all()

    assert [job.status for job in jobs] == [JobStatus.COMPLETED] * len(jobs), [job.info for job in jobs]
    assert_consistent(db)
    second = db.session.get(D, second.id)
    final = db.session.scalars(select(D.publication_status).where(D.lft.between(second.lft, second.rgt))).all()
    updates = sorted((job for job in jobs if job.type == "publication_status"), key=lambda job: job.started_at)
    assert set(final) == {PublicationStatus(updates[-1].parameters["status"])}  # the last one won
    assert len(final) == 300
    moved_or_left = {d.id: d.publication_status for d in db.session.scalars(select(D).where(D.id.in_(outside)))}
    assert moved_or_left == outside  # no status update ever reached outside the second fonds
