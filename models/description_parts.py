"""What a description holds several of, in order: notes, alternative identifiers, and its
access points (subject, place and genre terms; names are authority records)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db

NOTE_TYPES = ("general", "publication", "archivist")


class Note(db.Model):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_description_position", "description_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"))
    note_type: Mapped[str] = mapped_column(String(32))  # one of NOTE_TYPES
    content: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class AlternativeIdentifier(db.Model):
    __tablename__ = "alternative_identifiers"
    __table_args__ = (Index("ix_alternative_identifiers_description", "description_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"))
    label: Mapped[str | None] = mapped_column(Text)  # "Former Reference"
    value: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class DescriptionTerm(db.Model):
    """A subject, place or genre access point of a description."""

    __tablename__ = "description_terms"

    description_id: Mapped[int] = mapped_column(
        ForeignKey("archival_descriptions.id", ondelete="CASCADE"), primary_key=True
    )
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)


class DescriptionName(db.Model):
    """A name access point: an authority record the description is about (not its creator)."""

    __tablename__ = "description_names"

    description_id: Mapped[int] = mapped_column(
        ForeignKey("archival_descriptions.id", ondelete="CASCADE"), primary_key=True
    )
    authority_id: Mapped[int] = mapped_column(
        ForeignKey("authority_records.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)
