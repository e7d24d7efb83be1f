"""Pass 2, second half: what the imported records hold several of or point to.

Events, notes, alternative identifiers, access points and containers are inserted in
batches after their descriptions. Authority records, terms, containers and repositories
are found by name before any is created (AtoM's "match existing" rule), with one query
per batch for the names it has not seen yet in this import, never one per row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, insert, select

from actors.formats.load.bulk import Converter, column_converter, insert_rows
from actors.formats.load.containers import ContainerKey, container_keys, resolve_containers
from actors.formats.load.slugs import SlugAllocator
from extensions import db
from models import (
    AlternativeIdentifier,
    AuthorityRecord,
    DescriptionContainer,
    DescriptionName,
    DescriptionTerm,
    Event,
    Note,
    Repository,
    Term,
)
from models.description_parts import KEPT, KeptElement, Related
from models.vocabulary import Taxonomy

CHUNK = 500  # names per lookup query
LINK_TABLES = (Event, Note, AlternativeIdentifier, DescriptionTerm, DescriptionName, DescriptionContainer)
LINK_COLUMNS = {
    Event: (
        "description_id",
        "position",
        "event_type",
        "authority_id",
        "date_text",
        "start_text",
        "end_text",
        "start_date",
        "end_date",
        "date_type",
        "description",
        "place",
    ),
    Note: ("description_id", "note_type", "content", "position", "element", "attributes"),
    AlternativeIdentifier: ("description_id", "label", "value", "position"),
    DescriptionTerm: ("description_id", "term_id", "position"),
    DescriptionName: ("description_id", "authority_id", "position"),
    DescriptionContainer: ("description_id", "container_id", "position"),
}


class RelatedWriter:
    def __init__(self) -> None:
        self.pending: list[tuple[int, Related, list[dict[str, Any]]]] = []
        self.replaced: list[int] = []  # matched records whose related rows an update replaces
        self.authorities: dict[str, int] = {}  # authorized name -> id (exact, as AtoM matches actors)
        self.histories: dict[str, str] = {}  # authorized name -> the history its record holds
        self.terms: dict[tuple[str, str], int] = {}
        self.containers: dict[ContainerKey, int] = {}
        self.repositories: dict[str, int] = {}
        self.slugs = SlugAllocator(AuthorityRecord.slug)

    def repository_id(self, name: str | None) -> int | None:
        """The repository of that name, created if there is none (few per import: looked up at once)."""
        if not name:
            return None
        if name not in self.repositories:
            found = db.session.scalar(select(Repository.id).where(Repository.name == name).limit(1))
            if found is None:
                found = db.session.execute(insert(Repository).values(name=name).returning(Repository.id)).scalar_one()
            self.repositories[name] = found
        return self.repositories[name]

    def add(self, description_id: int, related: Related, events: list[dict[str, Any]], *, replace: bool) -> None:
        if replace:
            self.replaced.append(description_id)
        self.pending.append((description_id, related, events))

    def flush(self) -> None:
        """Write what was added (its descriptions are already inserted)."""
        if self.replaced:
            for table in LINK_TABLES:
                db.session.execute(delete(table).where(table.description_id.in_(self.replaced)))
            self.replaced = []
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        held = [container_keys(related.containers) if related.containers else [] for _, related, _ in pending]
        self._resolve_authorities(pending)
        self._resolve(self.terms, [(t, n) for _, r, _ in pending for t, n in r.terms], self._terms)
        resolve_containers(self.containers, (key for keys in held for key in keys))
        rows = self._rows(pending, held)
        for table in LINK_TABLES:
            if rows[table]:
                insert_rows(table.__tablename__, LINK_COLUMNS[table], rows[table])

    def _rows(
        self, pending: list[tuple[int, Related, list[dict[str, Any]]]], held: list[list[ContainerKey]]
    ) -> dict[type, list[tuple]]:
        """One tuple per row to insert, in the order of LINK_COLUMNS, for each pending record
        (``held``: the keys of its containers). Loops with their names bound once: a record has
        about a dozen link rows, and a generator a kind and a record took half again as long."""
        day = column_converter(Event.__table__.c.start_date)
        attributes = column_converter(Note.__table__.c.attributes)
        rows: dict[type, list[tuple]] = {table: [] for table in LINK_TABLES}
        event, note, alternative_id = rows[Event].append, rows[Note].append, rows[AlternativeIdentifier].append
        term, name, container = (
            rows[DescriptionTerm].append, rows[DescriptionName].append, rows[DescriptionContainer].append
        )  # fmt: skip
        authorities, terms, containers = self.authorities, self.terms, self.containers
        for (description_id, related, events), keys in zip(pending, held, strict=True):
            moved = self._event_rows(event, description_id, events, day)
            _note_rows(note, description_id, related, moved, attributes)
            for n, (label, value) in enumerate(related.alternative_ids):
                alternative_id((description_id, label or None, value, n))
            if related.terms:
                _positions(term, description_id, [terms[key] for key in related.terms])
            if related.names:
                _positions(name, description_id, [authorities[key] for key in related.names])
            if keys:
                _positions(container, description_id, [containers[key] for key in keys])
        return rows

    def _event_rows(
        self, add: Callable[[tuple], None], description_id: int, events: list[dict[str, Any]], day: Converter
    ) -> list[KeptElement]:
        """The record's events; returns the creators' histories the file gives that their authority
        records do not hold (the record existed with another, or another part of the file gave it
        first): kept on this record as its <bioghist>, never dropped and never written over the
        authority's own."""
        moved = []
        for n, event in enumerate(events):
            get = event.get
            actor = get("actor") or ""
            add((
                description_id, n, get("event_type") or "Creation", self.authorities.get(actor), get("date_text"),
                get("start_text"), get("end_text"), day(event["start_date"]), day(event["end_date"]),
                get("date_type"), get("description"), get("place"),
            ))  # fmt: skip
            if (history := get("actor_history")) and self.histories.get(actor) != history:
                moved.append(KeptElement("bioghist", history))
        return moved

    # -- find or create ----------------------------------------------------------------
    def _resolve_authorities(self, pending: list[tuple[int, Related, list[dict[str, Any]]]]) -> None:
        """Authority records by exact name, created when missing with the first history the file
        gives them; ``histories`` learns what each one holds (see _moved_histories)."""
        names: dict[str, None] = {}
        given: dict[str, str] = {}
        for _, related, events in pending:
            for event in events:
                if event.get("actor"):
                    names[event["actor"]] = None
                    if event.get("actor_history"):
                        given.setdefault(event["actor"], event["actor_history"])
            names.update(dict.fromkeys(related.names))
        wanted = [name for name in names if name not in self.authorities]
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            found = db.session.execute(
                select(AuthorityRecord.authorized_name, func.min(AuthorityRecord.id))
                .where(AuthorityRecord.authorized_name.in_(chunk))
                .group_by(AuthorityRecord.authorized_name)
            ).all()
            self.authorities.update(found)
            asked = [self.authorities[name] for name in chunk if name in given and name in self.authorities]
            if asked:
                self.histories.update(
                    (name, history or "")
                    for name, history in db.session.execute(
                        select(AuthorityRecord.authorized_name, AuthorityRecord.history).where(
                            AuthorityRecord.id.in_(asked)
                        )
                    )
                )
        missing = [name for name in wanted if name not in self.authorities]
        if missing:
            self.histories.update((name, given.get(name, "")) for name in missing)
            values = [
                {"authorized_name": name, "slug": slug, "history": self.histories[name] or None}
                for name, slug in zip(missing, self.slugs.assign(missing), strict=True)
            ]
            ids = db.session.scalars(
                insert(AuthorityRecord).returning(AuthorityRecord.id, sort_by_parameter_order=True), values
            ).all()
            self.authorities.update(zip(missing, ids, strict=True))

    def _resolve(self, cache: dict, keys: list, create: Callable[[list], dict]) -> None:
        wanted = list(dict.fromkeys(key for key in keys if key not in cache))
        if wanted:
            cache.update(create(wanted))

    @staticmethod
    def _terms(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
        found: dict[tuple[str, str], int] = {}
        names = sorted({name for _, name in keys})
        for start in range(0, len(names), CHUNK):
            for taxonomy, name, term_id in db.session.execute(
                select(Term.taxonomy, Term.name, Term.id).where(Term.name.in_(names[start : start + CHUNK]))
            ):
                found[(taxonomy.value, name)] = term_id
        missing = [key for key in keys if key not in found]
        if missing:
            ids = db.session.scalars(
                insert(Term).returning(Term.id, sort_by_parameter_order=True),
                [{"taxonomy": Taxonomy(t), "name": n} for t, n in missing],
            ).all()
            found.update(zip(missing, ids, strict=True))
        return {key: found[key] for key in keys}


def _note_rows(
    add: Callable[[tuple], None], description_id: int, related: Related, moved: list[KeptElement], attributes: Converter
) -> None:
    """The record's notes, then its kept elements and the histories moved to it, in one order."""
    for n, (note_type, text) in enumerate(related.notes):
        add((description_id, note_type, text, n, None, None))
    for n, kept in enumerate([*related.kept, *moved] if moved else related.kept, start=len(related.notes)):
        add((description_id, KEPT, kept.text, n, kept.element, attributes(kept.attributes)))


def _positions(add: Callable[[tuple], None], description_id: int, ids: list[int]) -> None:
    """A link row (description, id, position) for each id once, in first-seen order (a link
    table has one row per pair)."""
    for n, linked in enumerate(dict.fromkeys(ids)):
        add((description_id, linked, n))
