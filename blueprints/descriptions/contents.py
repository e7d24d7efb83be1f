"""A description's contents and its number of descendants as the current user may see them.

Staff see the tree as it is. A viewer sees the published records only, and a draft between two
published ones is left out as the breadcrumb leaves it out: a published file under a draft series
is, for them, part of the fonds' contents, and the count is of what they may open."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from blueprints.descriptions.blueprint import sees_drafts
from extensions import db
from models import ArchivalDescription, PublicationStatus

D = ArchivalDescription


def contents_of(description: ArchivalDescription) -> Select:
    """Its children in arrangement order; for a viewer, the nearest published records below it
    (the walk goes down through drafts only: set-based, however big the tree)."""
    if sees_drafts():
        return select(D).where(D.parent_id == description.id).order_by(D.lft)
    through = select(D.id).where(D.id == description.id).cte("through_drafts", recursive=True)
    through = through.union_all(
        select(D.id).where(D.parent_id == through.c.id, D.publication_status == PublicationStatus.DRAFT)
    )
    return (
        select(D)
        .where(D.parent_id.in_(select(through.c.id)), D.publication_status == PublicationStatus.PUBLISHED)
        .order_by(D.lft)
    )


def descendants_seen(description: ArchivalDescription) -> int:
    """How many descriptions below it the user may open (a viewer: the published ones)."""
    if sees_drafts():
        return description.descendant_count
    published_below = select(func.count()).where(
        D.lft > description.lft, D.rgt < description.rgt, D.publication_status == PublicationStatus.PUBLISHED
    )
    return db.session.scalar(published_below) or 0
