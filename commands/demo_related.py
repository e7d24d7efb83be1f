"""What the demo fonds holds beside its descriptions: a repository, creators with their
history, creation events, access points, boxes and folders, conditions of access. Inserted
set-based after the descriptions, so a newcomer's first finding aid shows all of it."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import insert, select

from actors.formats.load.slugs import SlugAllocator
from extensions import db
from models import (
    AuthorityRecord,
    Container,
    DescriptionContainer,
    DescriptionName,
    DescriptionTerm,
    EntityType,
    Event,
    Repository,
    Term,
)
from models.vocabulary import Taxonomy

REPOSITORY = "Port Ellis Archives"
COMMISSION = ("Port Ellis Harbour Commission", EntityType.CORPORATE_BODY, "1851-1972",
              "Established by the Harbour Act of 1851 to build and keep the port; its duties passed to the "
              "Port Ellis Port Authority in 1972.")  # fmt: skip
HARBOUR_MASTER = ("Office of the Harbour Master (Port Ellis)", EntityType.CORPORATE_BODY, "1853-1972",
                  "Kept the port's pilotage, moorings and shipping registers under the commission.")  # fmt: skip
ACCESS = "Open for research. Personnel and medical records are closed for 75 years from their last date."
REPRODUCTION = "Copies for private research; publication needs the archives' written permission."
CLOSED = "Closed until {year}: personal information."
FILES_PER_BOX = 4


def repository_id() -> int:
    found = db.session.scalar(select(Repository.id).where(Repository.name == REPOSITORY).limit(1))
    if found is None:
        found = db.session.execute(
            insert(Repository).values(name=REPOSITORY, identifier="PEA").returning(Repository.id)
        ).scalar_one()
    return found


def authority_ids() -> tuple[int, int]:
    """The commission and its harbour master, found by name before they are created (as imports do)."""
    ids = []
    for name, kind, dates, history in (COMMISSION, HARBOUR_MASTER):
        found = AuthorityRecord.by_name(name)
        if found is None:
            slug = SlugAllocator(AuthorityRecord.slug).assign([name])[0]
            found = AuthorityRecord(
                authorized_name=name, entity_type=kind, dates_of_existence=dates, history=history, slug=slug
            )
            db.session.add(found)
            db.session.flush()
        ids.append(found.id)
    return ids[0], ids[1]


def conditions(rng: random.Random, depth: int, end_year: int) -> dict[str, Any]:
    """Conditions of access and use: the fonds states them; some files and items are closed."""
    if depth == 0:
        return {
            "access_conditions": ACCESS,
            "reproduction_conditions": REPRODUCTION,
            "languages": ["en"],
            "scripts": ["Latn"],
            "archival_history": "Kept by the commission's secretary until its abolition.",
            "acquisition": "Transferred by the Port Ellis Port Authority in 1973.",
            "culture": "en",
        }
    if depth >= 2 and rng.random() < 0.1:
        return {"access_conditions": CLOSED.format(year=end_year + 75)}
    return {}


def insert_related(rows: list[dict[str, Any]], subjects: list[str]) -> None:
    """Events, access points and containers of the demo rows (already inserted), in batches."""
    commission, harbour_master = authority_ids()
    terms = _terms(["Port Ellis"], Taxonomy.PLACE) | _terms(subjects, Taxonomy.SUBJECT)
    events, names, links, containers = [], [], [], []
    box = folder = 0
    for row in rows:
        actor = (
            commission if row["depth"] == 0 else harbour_master if row["depth"] == 1 and row["id"] % 3 == 0 else None
        )
        events.append(
            {
                "description_id": row["id"],
                "position": 0,
                "event_type": "Creation",
                "authority_id": actor,
                "date_text": row["dates"],
                "start_text": str(row["start_date"].year),
                "end_text": str(row["end_date"].year),
                "start_date": row["start_date"],
                "end_date": row["end_date"],
            }
        )
        if row["depth"] == 0:
            names.append({"description_id": row["id"], "authority_id": harbour_master, "position": 0})
            links.append({"description_id": row["id"], "term_id": terms[("place", "Port Ellis")], "position": 0})
        if row["depth"] == 1:
            links.append({"description_id": row["id"], "term_id": terms[("subject", row["subject"])], "position": 0})
        if row["depth"] == 2:
            folder = 0
            if row["file_number"] % FILES_PER_BOX == 0:
                box += 1
            containers.append((row["id"], [("Box", str(box))]))
        if row["depth"] == 3:
            folder += 1
            containers.append((row["id"], [("Box", str(box)), ("Folder", str(folder))]))
    for table, values in ((Event, events), (DescriptionName, names), (DescriptionTerm, links)):
        for start in range(0, len(values), 2000):
            db.session.execute(insert(table), values[start : start + 2000])
    _containers(containers)


def _terms(names: list[str], taxonomy: Taxonomy) -> dict[tuple[str, str], int]:
    existing = dict(
        db.session.execute(select(Term.name, Term.id).where(Term.taxonomy == taxonomy, Term.name.in_(names))).all()
    )
    for name in names:
        if name not in existing:
            existing[name] = db.session.execute(
                insert(Term).values(taxonomy=taxonomy, name=name).returning(Term.id)
            ).scalar_one()
    return {(taxonomy.value, name): term_id for name, term_id in existing.items()}


def _containers(placed: list[tuple[int, list[tuple[str, str]]]]) -> None:
    """Boxes on shelves (four boxes a shelf) and folders inside them: one container each,
    inserted in batches (ids read back in the order sent)."""
    boxes = _insert_containers(
        [
            {
                "container_type": kind,
                "name": name,
                "parent_id": None,
                "location": f"Strongroom 2, shelf {int(name) // 4 + 1}",
            }
            for kind, name in dict.fromkeys(k for _, keys in placed for k in keys if k[0] == "Box")
        ]
    )
    wanted = dict.fromkeys((boxes[keys[0]], key) for _, keys in placed for key in keys[1:])
    folders = _insert_containers(
        [{"container_type": kind, "name": name, "parent_id": box, "location": None} for box, (kind, name) in wanted],
        keyed_by_parent=True,
    )
    links = [
        {"description_id": description_id, "position": position,
         "container_id": boxes[key] if position == 0 else folders[(boxes[keys[0]], key)]}
        for description_id, keys in placed for position, key in enumerate(keys)
    ]  # fmt: skip
    for start in range(0, len(links), 2000):
        db.session.execute(insert(DescriptionContainer), links[start : start + 2000])


def _insert_containers(values: list[dict[str, Any]], keyed_by_parent: bool = False) -> dict:
    if not values:
        return {}
    statement = insert(Container).returning(Container.id, sort_by_parameter_order=True)
    ids = db.session.scalars(statement, values).all()
    keys = [
        ((v["parent_id"], (v["container_type"], v["name"])) if keyed_by_parent else (v["container_type"], v["name"]))
        for v in values
    ]
    return dict(zip(keys, ids, strict=True))
