"""What a description holds several of, in order: notes, alternative identifiers, and its
access points (subject, place and genre terms; names are authority records)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model
from models.base import NEVER_REUSED

NOTE_TYPES = ("general", "publication", "archivist")
KEPT = "kept"  # the note type of an element kept as it came (Note.element says which)


@dataclass(slots=True)
class KeptElement:
    """Text of a source element with no field of its own here (EAD's <abstract>, <fileplan>, a
    second <repository>...): kept with its place and attributes, shown, printed, and written
    back to the same element on export, so an import drops no word silently."""

    element: str  # its place in the component: "did/abstract", "fileplan", "controlaccess/function"
    text: str
    attributes: dict[str, str] = field(default_factory=dict)  # as in the source, less its id


@dataclass(slots=True)
class Related:
    """What a record holds several of, or points to, as read (see models.description_parts)."""

    codes: dict[str, list[str]] = field(default_factory=dict)  # "languages" -> ["en", "fr"]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (note type, text)
    kept: list[KeptElement] = field(default_factory=list)  # elements with no field of their own
    terms: list[tuple[str, str]] = field(default_factory=list)  # (taxonomy, name)
    names: list[str] = field(default_factory=list)  # name access points
    events: list[dict[str, str]] = field(default_factory=list)  # keys: atom_columns.EVENT_COLUMNS values
    containers: list[dict[str, str]] = field(default_factory=list)  # name, location, type
    alternative_ids: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    repository: str | None = None
    other: dict[str, str] = field(default_factory=dict)  # columns kept as they are (other_fields)
    authority_slugs: dict[str, str] = field(default_factory=dict)  # name -> slug (read back only: for links)


class Note(Model):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_description_position", "description_id", "position"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"))
    note_type: Mapped[str] = mapped_column(String(32))  # one of NOTE_TYPES, or KEPT
    content: Mapped[str] = mapped_column(Text)
    element: Mapped[str | None] = mapped_column(String(255))  # KEPT: KeptElement.element
    attributes: Mapped[dict[str, str] | None] = mapped_column(JSON)  # KEPT: KeptElement.attributes
    position: Mapped[int] = mapped_column(default=0)


class AlternativeIdentifier(Model):
    __tablename__ = "alternative_identifiers"
    __table_args__ = (Index("ix_alternative_identifiers_description", "description_id", "position"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(Text)  # "Former Reference"
    value: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class DescriptionTerm(Model):
    """A subject, place or genre access point of a description."""

    __tablename__ = "description_terms"

    description_id: Mapped[int] = mapped_column(
        ForeignKey("archival_descriptions.id", ondelete="CASCADE"), primary_key=True
    )
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)


class DescriptionName(Model):
    """A name access point: an authority record the description is about (not its creator)."""

    __tablename__ = "description_names"

    description_id: Mapped[int] = mapped_column(
        ForeignKey("archival_descriptions.id", ondelete="CASCADE"), primary_key=True
    )
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authority_records.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
