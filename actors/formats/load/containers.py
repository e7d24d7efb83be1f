"""Containers of imported records, found before any is created (AtoM's "match existing" rule).

A container is the same one when its type, name, location, label and the container it sits in
all match: folder 1 of box 1 and folder 1 of box 2 are two folders, and box 3 of two shelves
two boxes. A record lists its containers with ``parent`` pointing at another entry of the same
list (EAD's container/@parent), so parents are resolved first, level by level, with one query
per level and batch for the names not seen yet in this import, never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select

from extensions import db
from models import Container

CHUNK = 500  # names per lookup query
# (type, name, location, label, the parent's key or None)
ContainerKey = tuple[str, str, str, str, "ContainerKey | None"]


def container_keys(containers: list[dict[str, str]]) -> list[ContainerKey]:
    """The key of each container of one record, in its order; a ``parent`` that points nowhere
    (or at itself, or in a loop) is no parent."""
    if not any(container.get("parent") for container in containers):  # (nearly every record)
        return [_key(container, None) for container in containers]
    keys: list[ContainerKey | None] = [None] * len(containers)
    return [_nested_key(containers, keys, index, frozenset()) for index in range(len(containers))]


def _nested_key(
    containers: list[dict[str, str]], keys: list[ContainerKey | None], index: int, seen: frozenset[int]
) -> ContainerKey:
    """The key of containers[index] with the keys of the containers it sits in, remembered in
    ``keys``. (A module function, not a closure over itself: such a closure is a reference cycle
    that only the garbage collector frees, and an import made two a row — a tenth of its time went
    to collecting them, scripts/bench_import.py.)"""
    found = keys[index]
    if found is None:
        parent = _index(containers[index].get("parent"), len(containers))
        within = seen | {index}
        parent_key = (
            _nested_key(containers, keys, parent, within) if parent is not None and parent not in within else None
        )
        found = keys[index] = _key(containers[index], parent_key)
    return found


def _key(container: dict[str, str], parent_key: ContainerKey | None) -> ContainerKey:
    return (
        container.get("type", ""),
        container.get("name") or container.get("type", "") or "?",
        container.get("location", ""),
        container.get("label", ""),
        parent_key,
    )


def _index(parent: str | None, count: int) -> int | None:
    return int(parent) if parent and parent.isdigit() and int(parent) < count else None


def _depth(key: ContainerKey) -> int:
    return 0 if key[4] is None else 1 + _depth(key[4])


def resolve_containers(cache: dict[ContainerKey, int], keys: Iterable[ContainerKey]) -> None:
    """Fill ``cache`` with the id of every key (and of their parents): found, else created."""
    wanted: dict[ContainerKey, None] = {}

    def want(key: ContainerKey) -> None:
        if key not in cache and key not in wanted:
            if key[4] is not None:
                want(key[4])
            wanted[key] = None

    for key in keys:
        want(key)
    for depth in sorted({_depth(key) for key in wanted}):
        level = [key for key in wanted if _depth(key) == depth]
        cache.update(_find_or_create(level, cache))


def _find_or_create(keys: list[ContainerKey], cache: dict[ContainerKey, int]) -> dict[ContainerKey, int]:
    """Keys of one depth (their parents are in ``cache`` already)."""

    def plain(key: ContainerKey) -> tuple[str, str, str, str, int | None]:
        return (*key[:4], cache[key[4]] if key[4] is not None else None)

    by_plain = {plain(key): key for key in keys}
    found: dict[ContainerKey, int] = {}
    names = sorted({key[1] for key in keys})
    for start in range(0, len(names), CHUNK):
        for kind, name, location, label, parent_id, container_id in db.session.execute(
            select(
                Container.container_type, Container.name, Container.location, Container.label,
                Container.parent_id, Container.id,
            )
            .where(Container.name.in_(names[start : start + CHUNK]))
            .order_by(Container.id)
        ):  # fmt: skip
            key = by_plain.get((kind or "", name, location or "", label or "", parent_id))
            if key is not None:
                found.setdefault(key, container_id)
    missing = [key for key in keys if key not in found]
    if missing:
        ids = db.session.scalars(
            insert(Container).returning(Container.id, sort_by_parameter_order=True),
            [
                {
                    "container_type": kind or None, "name": name, "location": location or None,
                    "label": label or None, "parent_id": parent_id,
                }
                for kind, name, location, label, parent_id in map(plain, missing)
            ],
        ).all()  # fmt: skip
        found.update(zip(missing, ids, strict=True))
    return found
