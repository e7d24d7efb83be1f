"""The nested-set tree stays consistent through moves and rebuilds."""

from __future__ import annotations

import pytest

from commands.demo_data import insert_demo_fonds
from models import ArchivalDescription as D
from models.tree import TreeError, move_subtree, renumber_tree
from tests.tree_jobs_support import assert_consistent, snapshot


@pytest.fixture
def two_trees(app):
    return D.by_slug(insert_demo_fonds(40)), D.by_slug(insert_demo_fonds(20, title="Other fonds"))


def test_move_a_series_under_another_fonds_keeps_both_trees_consistent(db, two_trees):
    first, second = two_trees
    series = first.children()[1]
    count_before = len(snapshot(db))
    subtree_before = [d.slug for d in db.session.scalars(series.subtree())]
    move_subtree(series, second)
    db.session.commit()
    assert_consistent(db)
    series = D.by_slug(series.slug)
    assert series.parent_id == second.id
    assert series.depth == 1
    assert [d.slug for d in db.session.scalars(series.subtree())] == subtree_before
    assert D.by_slug(second.slug).children()[-1].id == series.id  # last child
    assert len(snapshot(db)) == count_before


def test_move_to_top_level_and_back_keeps_sibling_order(db, two_trees):
    first, _ = two_trees
    before = snapshot(db)
    series = first.children()[0]
    move_subtree(series, None)
    db.session.commit()
    assert_consistent(db)
    assert D.by_slug(series.slug).depth == 0
    move_subtree(D.by_slug(series.slug), D.by_slug(first.slug))
    db.session.commit()
    assert_consistent(db)
    after = snapshot(db)
    assert sorted(after) == sorted(before)


@pytest.mark.parametrize("target", ["itself", "descendant"])
def test_moving_under_itself_or_a_descendant_is_refused(db, two_trees, target):
    first, _ = two_trees
    series = first.children()[0]
    destination = series if target == "itself" else series.children()[0]
    before = snapshot(db)
    with pytest.raises(TreeError, match="cannot be moved under"):
        move_subtree(series, destination)
    assert snapshot(db) == before


def test_renumbering_recomputes_the_numbering_from_parents(db, two_trees):
    before = snapshot(db)
    db.session.execute(D.__table__.update().values(lft=D.id * 10, rgt=D.id * 10 + 1, depth=9))
    db.session.commit()
    assert renumber_tree() == len(before)
    db.session.commit()
    assert_consistent(db)
    assert snapshot(db) == before
