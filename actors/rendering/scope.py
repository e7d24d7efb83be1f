"""What a finding aid shows: every description or only what the public sees; full details or
an inventory summary (identifiers, titles, dates and levels only)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from extensions import db
from models import ArchivalDescription, PublicationStatus


@dataclass(frozen=True)
class Scope:
    public_only: bool = False
    summary: bool = False

    def select(self, root: ArchivalDescription) -> Select:
        """Root and descendants in tree order; public_only drops drafts and everything under one."""
        query = root.subtree()
        if self.public_only:
            draft = aliased(ArchivalDescription)
            query = query.where(
                ~exists().where(
                    draft.lft.between(root.lft, ArchivalDescription.lft),
                    draft.rgt >= ArchivalDescription.rgt,
                    draft.publication_status == PublicationStatus.DRAFT,
                )
            )
        return query

    def includes_drafts(self, root: ArchivalDescription) -> bool:
        """Whether the finding aid shows unpublished descriptions (its pages then say so)."""
        if self.public_only:
            return False
        d = ArchivalDescription
        drafts = select(d.id).where(d.lft.between(root.lft, root.rgt), d.publication_status == PublicationStatus.DRAFT)
        return db.session.scalar(drafts.limit(1)) is not None

    def count(self, root: ArchivalDescription) -> int:
        if not self.public_only:
            return root.descendant_count + 1
        return db.session.execute(
            select(func.count()).select_from(self.select(root).order_by(None).subquery())
        ).scalar_one()


EVERYTHING = Scope()  # the full-details finding aid of every description (frozen: safe to share)


def is_series(root: ArchivalDescription, unit: ArchivalDescription) -> bool:
    """A child of the root with records below it (a series as a rule): it heads a table of the
    inventory summary and has a line in the contents."""
    return unit.depth == root.depth + 1 and unit.rgt - unit.lft > 1


def series_of(root: ArchivalDescription) -> ColumnElement[bool]:
    """``is_series`` as a condition of a query."""
    d = ArchivalDescription
    return and_(d.depth == root.depth + 1, d.rgt - d.lft > 1)
