"""Vocabularies descriptions point into: levels of description, access-point terms, repositories.

Each grows when an import brings a value it does not know (as AtoM's taxonomies do); none is
a fixed list that refuses a file."""

from __future__ import annotations

import enum

from sqlalchemy import Enum, Index, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db
from models.base import NEVER_REUSED

# AtoM's default levels of description, in its order.
DEFAULT_LEVELS = ("Fonds", "Subfonds", "Collection", "Series", "Subseries", "File", "Item", "Part", "Record group")


def level_key(name: str) -> str:
    """How a level is stored on a description: its name, lower-case, spaces folded ("record group")."""
    return " ".join(name.split()).lower()


class LevelOfDescription(Model):
    __tablename__ = "levels_of_description"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)

    @classmethod
    def names(cls) -> dict[str, str]:
        """key -> name, in vocabulary order (a few dozen rows at most)."""
        return dict(db.session.execute(select(cls.key, cls.name).order_by(cls.position, cls.id)).all())

    @classmethod
    def ensure(cls, names: list[str]) -> list[str]:
        """Add the levels not yet in the vocabulary (the caller commits); returns their keys."""
        known = set(db.session.scalars(select(cls.key)))
        next_position = len(known)
        keys = []
        for name in names:
            key = level_key(name)
            keys.append(key)
            if key and key not in known:
                known.add(key)
                db.session.add(cls(key=key, name=" ".join(name.split()), position=next_position))
                next_position += 1
        return keys


@event.listens_for(LevelOfDescription.__table__, "after_create")
def _seed_default_levels(table, connection, **_kw) -> None:
    """A schema made with create_all (tests, benchmarks) starts with AtoM's defaults, as the
    migration that creates the table seeds them."""
    connection.execute(
        table.insert(), [{"key": level_key(name), "name": name, "position": n} for n, name in enumerate(DEFAULT_LEVELS)]
    )


class Taxonomy(enum.Enum):
    SUBJECT = "subject"
    PLACE = "place"
    GENRE = "genre"


class Term(Model):
    """A subject, place or genre access point (name access points are authority records)."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("taxonomy", "name", name="uq_terms_taxonomy_name"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy: Mapped[Taxonomy] = mapped_column(
        Enum(Taxonomy, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    name: Mapped[str] = mapped_column(String(1024))


class Repository(Model):
    """The institution that holds the material (AtoM's repository / ISDIAH record)."""

    __tablename__ = "repositories"
    __table_args__ = (Index("ix_repositories_name", "name"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(1024))
    identifier: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(Text)
