"""Set-based operations on the nested-set tree of descriptions.

Every operation is a handful of UPDATE statements over ranges of ``lft``/``rgt``,
whatever the size of the sub-tree: never a Python loop over rows. Callers run them
inside their own transaction and commit (or roll back) as a whole.
"""

from __future__ import annotations

from sqlalchemy import case, func, select, update

from extensions import db
from models.description import ArchivalDescription as D


class TreeError(ValueError):
    """A tree change that would break the tree; the message is for the user."""


def insertion_point(parent: D | None) -> tuple[int, int]:
    """(lft, depth) for a new last child of ``parent``, or a new top-level tree."""
    if parent is None:
        return (db.session.scalar(select(func.max(D.rgt))) or 0) + 1, 0
    return parent.rgt, parent.depth + 1


def open_gap(at: int, width: int) -> None:
    """Shift every boundary at or after ``at`` right by ``width`` (room for new nodes)."""
    db.session.execute(update(D).where(D.rgt >= at).values(rgt=D.rgt + width))
    db.session.execute(update(D).where(D.lft >= at).values(lft=D.lft + width))


def previous_sibling_id(node: D) -> int | None:
    """The sibling just before ``node`` (None: it comes first): where to put it back."""
    same_parent = D.parent_id == node.parent_id if node.parent_id is not None else D.parent_id.is_(None)
    return db.session.scalar(select(D.id).where(same_parent, D.rgt < node.lft).order_by(D.lft.desc()).limit(1))


LAST = "last"


def move_subtree(node: D, new_parent: D | None, after: D | None | str = LAST) -> None:
    """Move ``node`` and its descendants under ``new_parent`` (None: top level): as its last
    child, or right after the sibling ``after``, or first (``after=None``; how undo puts a
    moved record back where it was).

    Sibling order elsewhere is kept. Refuses a move under the node itself or its descendants.
    """
    if new_parent is not None and node.lft <= new_parent.lft <= node.rgt:
        where = "itself" if new_parent.id == node.id else "one of its own descendants"
        raise TreeError(f"“{node.title}” cannot be moved under {where}.")
    old_lft, old_rgt, old_depth = node.lft, node.rgt, node.depth
    width = old_rgt - old_lft + 1
    target, new_depth = insertion_point(new_parent)
    if isinstance(after, D):
        target = after.rgt + 1
    elif after is None:
        target = new_parent.lft + 1 if new_parent is not None else 1
    # 1. Take the sub-tree out of the numbering (negative), 2. close its gap.
    db.session.execute(update(D).where(D.lft.between(old_lft, old_rgt)).values(lft=-D.lft, rgt=-D.rgt))
    db.session.execute(update(D).where(D.lft > old_rgt).values(lft=D.lft - width))
    db.session.execute(update(D).where(D.rgt > old_rgt).values(rgt=D.rgt - width))
    if target > old_rgt:
        target -= width
    # 3. Open a gap at the target, 4. put the sub-tree back there.
    open_gap(target, width)
    shift = target - old_lft
    db.session.execute(
        update(D)
        .where(D.lft < 0)
        .values(lft=-D.lft + shift, rgt=-D.rgt + shift, depth=D.depth + (new_depth - old_depth))
    )
    db.session.execute(update(D).where(D.id == node.id).values(parent_id=new_parent.id if new_parent else None))
    db.session.expire_all()


def rebuild() -> int:
    """Recompute lft/rgt/depth of every description from parent_id, keeping sibling order.

    For bulk inserts (imports) that add rows with provisional ``lft`` values in the order
    they should appear. Reads only (id, parent_id) pairs, then writes in batches.
    """
    rows = db.session.execute(select(D.id, D.parent_id).order_by(D.lft, D.id)).all()
    children: dict[int | None, list[int]] = {}
    for node_id, parent_id in rows:
        children.setdefault(parent_id, []).append(node_id)
    numbering: list[dict] = []
    counter = 1
    stack: list[tuple[int, int, bool]] = [(n, 0, False) for n in reversed(children.get(None, []))]
    lft_of: dict[int, int] = {}
    while stack:
        node_id, depth, closing = stack.pop()
        if closing:
            numbering.append({"node_id": node_id, "lft": lft_of.pop(node_id), "rgt": counter, "depth": depth})
            counter += 1
            continue
        lft_of[node_id] = counter
        counter += 1
        stack.append((node_id, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(children.get(node_id, [])))
    for start in range(0, len(numbering), 5000):
        batch = numbering[start : start + 5000]
        db.session.execute(
            update(D)
            .where(D.id.in_([row["node_id"] for row in batch]))
            .values(
                lft=case({row["node_id"]: row["lft"] for row in batch}, value=D.id),
                rgt=case({row["node_id"]: row["rgt"] for row in batch}, value=D.id),
                depth=case({row["node_id"]: row["depth"] for row in batch}, value=D.id),
            )
        )
    db.session.expire_all()
    return len(numbering)
