"""What a batch of descriptions holds several of or points to, read in a few set-based queries
per batch (never one per record): for exports, finding aids and the description page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import select

from extensions import db
from models.authority import AuthorityRecord, Event
from models.description_parts import (
    KEPT,
    AlternativeIdentifier,
    DescriptionName,
    DescriptionTerm,
    KeptElement,
    Note,
    Related,
)
from models.storage import Container, DescriptionContainer
from models.vocabulary import Repository, Term


class Described(Protocol):
    """A description as related_of reads it: a row of an export's query or the model itself."""

    @property
    def id(self) -> int: ...

    @property
    def repository_id(self) -> int | None: ...


def related_of(rows: Sequence[Described], repositories: dict[int, str]) -> dict[int, Related]:
    """Related data of each exported row's description (each list in its stored order).
    ``repositories``: names by id, filled as new ones are met (an export sees few)."""
    found: dict[int, Related] = defaultdict(Related)
    ids = [row.id for row in rows]
    _name_repositories(rows, repositories, found)
    events = db.session.execute(
        select(Event, AuthorityRecord.authorized_name, AuthorityRecord.history, AuthorityRecord.slug)
        .outerjoin(AuthorityRecord, AuthorityRecord.id == Event.authority_id)
        .where(Event.description_id.in_(ids))
        .order_by(Event.description_id, Event.position)
    ).all()
    for event, actor, history, slug in events:
        if actor:
            found[event.description_id].authority_slugs[actor] = slug
        found[event.description_id].events.append({
            "event_type": event.event_type, "actor": actor or "", "actor_history": history or "",
            "date_text": event.date_text or "", "start_text": event.start_text or "", "end_text": event.end_text or "",
            "description": event.description or "", "place": event.place or "",
            **({"date_type": event.date_type} if event.date_type else {}),
        })  # fmt: skip
    for description_id, note_type, content, element, attributes in db.session.execute(
        select(Note.description_id, Note.note_type, Note.content, Note.element, Note.attributes)
        .where(Note.description_id.in_(ids))
        .order_by(Note.description_id, Note.position)
    ):
        if note_type == KEPT:
            found[description_id].kept.append(KeptElement(element or "odd", content, attributes or {}))
        else:
            found[description_id].notes.append((note_type, content))
    for description_id, label, value in db.session.execute(
        select(AlternativeIdentifier.description_id, AlternativeIdentifier.label, AlternativeIdentifier.value)
        .where(AlternativeIdentifier.description_id.in_(ids))
        .order_by(AlternativeIdentifier.description_id, AlternativeIdentifier.position)
    ):
        found[description_id].alternative_ids.append((label or "", value))
    for description_id, taxonomy, name in db.session.execute(
        select(DescriptionTerm.description_id, Term.taxonomy, Term.name)
        .join(Term, Term.id == DescriptionTerm.term_id)
        .where(DescriptionTerm.description_id.in_(ids))
        .order_by(DescriptionTerm.description_id, DescriptionTerm.position)
    ):
        found[description_id].terms.append((taxonomy.value, name))
    for description_id, name, slug in db.session.execute(
        select(DescriptionName.description_id, AuthorityRecord.authorized_name, AuthorityRecord.slug)
        .join(AuthorityRecord, AuthorityRecord.id == DescriptionName.authority_id)
        .where(DescriptionName.description_id.in_(ids))
        .order_by(DescriptionName.description_id, DescriptionName.position)
    ):
        found[description_id].names.append(name)
        found[description_id].authority_slugs[name] = slug
    _containers(ids, found)
    return found


def _containers(ids: list[int], found: dict[int, Related]) -> None:
    """Each record's containers; one inside another of the same record says so by ``parent``
    (the position of that one in the list, as the readers give it)."""
    held: dict[int, list[tuple[int, int | None]]] = defaultdict(list)  # record -> (container id, parent id)
    for description_id, container_id, kind, name, location, label, parent_id in db.session.execute(
        select(
            DescriptionContainer.description_id, Container.id, Container.container_type, Container.name,
            Container.location, Container.label, Container.parent_id,
        )
        .join(Container, Container.id == DescriptionContainer.container_id)
        .where(DescriptionContainer.description_id.in_(ids))
        .order_by(DescriptionContainer.description_id, DescriptionContainer.position)
    ):  # fmt: skip
        container = {"name": name, "location": location or "", "type": kind or ""}
        if label:
            container["label"] = label
        found[description_id].containers.append(container)
        held[description_id].append((container_id, parent_id))
    for description_id, pairs in held.items():
        position = {container_id: str(n) for n, (container_id, _) in enumerate(pairs)}
        for container, (_, parent_id) in zip(found[description_id].containers, pairs, strict=True):
            if parent_id in position:
                container["parent"] = position[parent_id]


def _name_repositories(rows: Sequence[Described], repositories: dict[int, str], found: dict[int, Related]) -> None:
    """Each row's repository by name, reading only the names ``repositories`` does not hold yet:
    the batches of an export share it, and an export sees few repositories."""
    wanted = {row.repository_id for row in rows if row.repository_id and row.repository_id not in repositories}
    if wanted:
        repositories.update(
            db.session.execute(select(Repository.id, Repository.name).where(Repository.id.in_(wanted))).all()
        )
    for row in rows:
        if row.repository_id:
            found[row.id].repository = repositories.get(row.repository_id)
