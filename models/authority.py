"""Authority records (persons, families, corporate bodies) and events: who created or
accumulated a description, when. A description has several events; an event may name an
authority record, which many descriptions share."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Enum, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model, db
from models.base import NEVER_REUSED


class EntityType(enum.Enum):
    PERSON = "person"
    FAMILY = "family"
    CORPORATE_BODY = "corporate_body"


class AuthorityRecord(Model):
    __tablename__ = "authority_records"
    __table_args__ = (Index("ix_authority_records_name", "authorized_name"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    authorized_name: Mapped[str] = mapped_column(String(1024))
    entity_type: Mapped[EntityType | None] = mapped_column(
        Enum(EntityType, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    dates_of_existence: Mapped[str | None] = mapped_column(Text)
    history: Mapped[str | None] = mapped_column(Text)

    @classmethod
    def by_name(cls, name: str) -> AuthorityRecord | None:
        """An existing record of that name (case-insensitive): imports link to it before creating another."""
        query = select(cls).where(func.lower(cls.authorized_name) == name.strip().lower()).order_by(cls.id)
        return db.session.scalars(query.limit(1)).first()


class Event(Model):
    """Creation, accumulation, ... of a description: its dates as written and as dates."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_description_position", "description_id", "position"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    event_type: Mapped[str] = mapped_column(String(64), default="creation")
    authority_id: Mapped[int | None] = mapped_column(
        ForeignKey("authority_records.id", ondelete="SET NULL"), index=True
    )
    date_text: Mapped[str | None] = mapped_column(Text)  # as displayed ("January 1, 2015 - December 31, 2016")
    start_text: Mapped[str | None] = mapped_column(String(32))  # as written ("2016-00-00": year only)
    end_text: Mapped[str | None] = mapped_column(String(32))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    date_type: Mapped[str | None] = mapped_column(String(16))  # EAD's unitdate/@type: "inclusive" or "bulk"
    description: Mapped[str | None] = mapped_column(Text)  # RAD's event description
    place: Mapped[str | None] = mapped_column(Text)  # RAD's place of publication, distribution, ...

    authority: Mapped[AuthorityRecord | None] = relationship(lazy="joined")
