"""Reports of physical storage: box labels (one per box, with what it holds: a row of a table, or
a label to stick on the box) and AtoM's storage locations (per location, its boxes and what they
hold), from the real containers.

One streaming query over the sub-tree's container links, ordered by location and box, so a
report of any size keeps only the box it is on in memory. A folder counts in its box."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Row, func, select
from sqlalchemy.orm import aliased

from actors.rendering.label_sheets import BoxLabel
from actors.rendering.report_pdf import ReportRow
from extensions import db
from models import Container, DescriptionContainer, Repository
from models.description import ArchivalDescription as D

SHOWN_TITLES = 6  # a label names the first few descriptions in its box, then how many more


def _links(root: D) -> Iterator[Row]:
    """(box id, type, name, location, reference code, title, dates, fonds) per description in a
    box, boxes in location order, descriptions in tree order."""
    box = aliased(Container)
    fonds = aliased(D)
    in_tree = select(D.id).where(D.lft.between(root.lft, root.rgt))
    top = select(fonds.title).where(fonds.lft <= D.lft, fonds.rgt >= D.rgt, fonds.parent_id.is_(None)).scalar_subquery()
    columns = (box.id, box.container_type, box.name, box.location, D.identifier, D.title, D.dates, D.start_date,
               D.end_date, top.label("fonds"))  # fmt: skip
    query = (
        select(*columns)
        .select_from(DescriptionContainer)
        .join(Container, Container.id == DescriptionContainer.container_id)
        .join(box, box.id == func.coalesce(Container.parent_id, Container.id))
        .join(D, D.id == DescriptionContainer.description_id)
        .where(DescriptionContainer.description_id.in_(in_tree))
        .order_by(func.coalesce(box.location, ""), box.container_type, func.length(box.name), box.name, box.id, D.lft)
        .execution_options(yield_per=1000, stream_results=True)
    )
    return iter(db.session.execute(query))


def _boxes(root: D) -> Iterator[tuple[Row, list[Row]]]:
    """Each box once, with the distinct descriptions in it (a description in a box and in one of
    its folders counts once)."""
    current, held, seen = None, [], set()
    for link in _links(root):
        if current is not None and link.id != current.id:
            yield current, held
            held, seen = [], set()
        current = link
        if (link.identifier, link.title) not in seen:
            seen.add((link.identifier, link.title))
            held.append(link)
    if current is not None:
        yield current, held


def _label(box: Row) -> str:
    return f"{box.container_type} {box.name}" if box.container_type else box.name


def _span(held: list[Row]) -> str:
    codes = [row.identifier for row in held if row.identifier]
    return "" if not codes else codes[0] if len(codes) == 1 else f"{codes[0]} – {codes[-1]}"


def _titles(held: list[Row]) -> str:
    shown = "; ".join(row.title for row in held[:SHOWN_TITLES])
    more = len(held) - SHOWN_TITLES
    return f"{shown}; and {more} more" if more > 0 else shown


def box_label_rows(root: D, _kind: object = None) -> Iterator[ReportRow]:
    for number, (box, held) in enumerate(_boxes(root), start=1):
        yield ReportRow(number, (_label(box), box.location or "", box.fonds or "", _span(held), _titles(held)))


def storage_location_rows(root: D, _kind: object = None) -> Iterator[ReportRow]:
    for number, (box, held) in enumerate(_boxes(root), start=1):
        yield ReportRow(
            number, (box.location or "(no location)", _label(box), str(len(held)), _span(held), _titles(held))
        )


def _date_range(held: list[Row]) -> str:
    """The years the box's contents span ("1921–1948"), else their one date as written."""
    starts = [row.start_date for row in held if row.start_date]
    ends = [row.end_date or row.start_date for row in held if row.end_date or row.start_date]
    if starts and ends:
        first, last = min(starts).year, max(ends).year
        return str(first) if first == last else f"{first}–{last}"
    written = {row.dates for row in held if row.dates}
    return written.pop() if len(written) == 1 else ""


def _fonds_of(root: D) -> tuple[D, str]:
    """The fonds the root belongs to, and the repository the nearest description names."""
    line = db.session.scalars(select(D).where(D.lft <= root.lft, D.rgt >= root.rgt).order_by(D.lft)).all()
    repository_id = next((row.repository_id for row in reversed(line) if row.repository_id), None)
    repository = db.session.get(Repository, repository_id) if repository_id else None
    return line[0], repository.name if repository else ""


def box_labels(root: D) -> Iterator[BoxLabel]:
    """What each box's label says: who holds it, whose it is, which box, and from when."""
    fonds, repository = _fonds_of(root)
    for number, (box, held) in enumerate(_boxes(root), start=1):
        span = _span(held)
        yield BoxLabel(
            number,
            repository=repository,
            fonds=fonds.title,
            reference=fonds.identifier or "",
            contents="" if span == fonds.identifier else span,  # (a box of the fonds itself: said once)
            box_type=box.container_type or "",
            box=box.name,
            dates=_date_range(held),
            location=box.location or "",
        )


def count_boxes(root: D) -> int:
    return sum(1 for _ in _boxes(root))
