"""Set-based operations on the nested-set tree of descriptions.

Every operation is a handful of UPDATE statements over ranges of ``lft``/``rgt``,
whatever the size of the sub-tree: never a Python loop over rows. Callers run them
inside their own transaction and commit (or roll back) as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, bindparam, func, select, text, update

from extensions import db
from models.description import ArchivalDescription as D

# Per-record locks (actors.engine.locks) keep two tree jobs off overlapping sub-trees, but a move
# renumbers lft/rgt far beyond its own sub-tree. So every job that rewrites the tree also takes
# the tree lock in its own transaction before it reads any lft/rgt: a move exclusively, the
# others shared. On PostgreSQL that is a transaction-scoped advisory lock; on SQLite, where
# writers are serialized anyway, a no-op UPDATE takes the write lock first, so what the job
# reads next is what it writes against.

TREE_LOCK_KEY = 0x41_4A_54_52  # "AJTR"


def lock_tree(description_id: int, *, exclusive: bool = False) -> None:
    """Hold the tree lock until this transaction ends (commit or rollback)."""
    if db.engine.dialect.name == "postgresql":
        function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        db.session.execute(text(f"SELECT {function}(:key)"), {"key": TREE_LOCK_KEY})
    else:
        D.lock_row(description_id)
    db.session.expire_all()  # anything read before the lock may be stale


def strictly_below(record: D) -> ColumnElement[bool]:
    """The WHERE clause of the record's descendants (not the record itself): one lft range."""
    return (D.lft > record.lft) & (D.lft < record.rgt)


def within(record: D, include_descendants: bool = True) -> ColumnElement[bool]:
    """The record alone, or the record and its descendants."""
    if not include_descendants:
        return D.id == record.id
    return D.lft.between(record.lft, record.rgt)


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


def move_subtree(node: D, new_parent: D | None, after: D | str | None = LAST) -> None:
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


def renumber_tree(placed: Mapping[int, int | None] | None = None) -> int:
    """lft/rgt/depth of every description from parent_id; returns how many rows changed.

    Siblings keep their lft order, except the records ``placed`` names (id -> the sibling it
    comes right after, None: first), in the order given: how an Undo puts records it inserts
    again back where they were. Reads (id, parent_id) only and rewrites just the rows whose
    numbers changed, in batched executemany UPDATEs (one CASE per batch grows quadratically
    with the batch on SQLite).
    """
    rows = db.session.execute(select(D.id, D.parent_id, D.lft, D.rgt, D.depth).order_by(D.lft, D.id)).all()
    children: dict[int | None, list[int]] = {}
    current: dict[int, tuple[int, int, int]] = {}
    for node_id, parent_id, lft, rgt, depth in rows:
        children.setdefault(parent_id, []).append(node_id)
        current[node_id] = (lft, rgt, depth)
    if placed:
        _place(children, placed)
    changed: list[dict[str, int]] = []
    counter = 1
    stack: list[tuple[int, int, int]] = [(n, 0, -1) for n in reversed(children.get(None, []))]
    while stack:
        node_id, depth, lft = stack.pop()
        if lft >= 0:  # closing: every descendant is numbered
            if current[node_id] != (lft, counter, depth):
                changed.append({"b_id": node_id, "b_lft": lft, "b_rgt": counter, "b_depth": depth})
            counter += 1
            continue
        stack.append((node_id, depth, counter))
        counter += 1
        stack.extend((child, depth + 1, -1) for child in reversed(children.get(node_id, [])))
    statement = (
        update(D)
        .where(D.id == bindparam("b_id"))
        .values(lft=bindparam("b_lft"), rgt=bindparam("b_rgt"), depth=bindparam("b_depth"))
    )
    for start in range(0, len(changed), 5000):
        db.session.connection().execute(statement, changed[start : start + 5000])
    db.session.expire_all()
    return len(changed)


def _place(children: dict[int | None, list[int]], placed: Mapping[int, int | None]) -> None:
    """Reorder each list of siblings so every placed record follows the one it names (first when
    None or when that one is not among its siblings); the others keep their order."""
    parents = {child: parent for parent, ids in children.items() for child in ids if child in placed}
    for parent in set(parents.values()):
        present = set(children[parent])
        followers: dict[int | None, list[int]] = {}
        for node in placed:
            if parents.get(node) == parent:
                anchor = placed[node] if placed[node] in present and placed[node] != node else None
                followers.setdefault(anchor, []).append(node)
        heads = followers.pop(None, []) + [node for node in children[parent] if node not in placed]
        children[parent] = _chained(heads, followers)


def _chained(heads: list[int], followers: dict[int | None, list[int]]) -> list[int]:
    """heads in order, each followed by its followers (and theirs), depth first, without recursion."""
    ordered: list[int] = []
    stack = list(reversed(heads))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(followers.pop(node, [])))
    for rest in followers.values():  # anchors among placed records that form a cycle: kept, last
        ordered.extend(rest)
    return ordered


def disagreements(limit: int = 5) -> list[str]:
    """Where the nested set and the parent links disagree (none: the tree is sound): checked by a
    job that reshaped the tree before it commits. One read of (id, parent, lft, rgt, depth)."""
    found: list[str] = []
    open_nodes: list[tuple[int, int]] = []  # (id, rgt) of the ancestors of the row being read
    expected_lft = 1
    rows = db.session.execute(select(D.id, D.parent_id, D.lft, D.rgt, D.depth).order_by(D.lft))
    for node_id, parent_id, lft, rgt, depth in rows:
        while open_nodes and open_nodes[-1][1] < lft:
            expected_lft = open_nodes.pop()[1] + 1
        enclosing = open_nodes[-1][0] if open_nodes else None
        if lft != expected_lft or rgt <= lft or (open_nodes and rgt >= open_nodes[-1][1]):
            found.append(f"description {node_id}: its numbering ({lft}, {rgt}) overlaps another record's")
        elif enclosing != parent_id or depth != len(open_nodes):
            found.append(f"description {node_id}: its parent is {parent_id}, the numbering puts it under {enclosing}")
        if len(found) >= limit:
            break
        open_nodes.append((node_id, rgt))
        expected_lft = lft + 1
    return found


def check_tree() -> None:
    """Raise TreeError (the job's transaction then rolls back) when the tree disagrees with itself."""
    found = disagreements()
    if found:
        raise TreeError("The tree would be left inconsistent, so nothing was changed: " + "; ".join(found) + ".")
