"""Archival descriptions: the fonds > series > file > item tree.

The tree is a nested set (``lft``/``rgt``, as in AtoM) so a whole sub-tree is one
range query in tree order, whatever its size. ``parent_id`` is kept for direct
children; sibling order is ``lft`` order.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import JSON, Enum, ForeignKey, Index, Row, String, Text, false, func, select, text, update
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db
from models.base import NEVER_REUSED, utcnow


def level_label(level: str | None) -> str:
    """The level of description in the current language, for pages (data, exports and finding
    aids keep the stored English word); an unknown level as stored, capitalized."""
    # A context, because "File" the level is not "File" the upload.
    labels = {
        "fonds": pgettext("level of description", "Fonds"),
        "subfonds": pgettext("level of description", "Subfonds"),
        "collection": pgettext("level of description", "Collection"),
        "series": pgettext("level of description", "Series"),
        "subseries": pgettext("level of description", "Subseries"),
        "file": pgettext("level of description", "File"),
        "item": pgettext("level of description", "Item"),
        "part": pgettext("level of description", "Part"),
        "record group": pgettext("level of description", "Record group"),
    }
    return labels.get((level or "").lower()) or (level or "").capitalize()


class PublicationStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """In the current language (exports run in the worker, in English)."""
        return str(PUBLICATION_LABELS[self])

    @property
    def lazy_label(self):
        return PUBLICATION_LABELS[self]


PUBLICATION_LABELS = {PublicationStatus.DRAFT: _l("Draft"), PublicationStatus.PUBLISHED: _l("Published")}
SLUG_BATCH = 10_000  # slugs per query: under PostgreSQL's 65,535 bind parameters and SQLite's 32,766


class ArchivalDescription(Model):
    __tablename__ = "archival_descriptions"
    __table_args__ = (Index("ix_descriptions_parent_lft", "parent_id", "lft"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"))
    lft: Mapped[int] = mapped_column(index=True)
    rgt: Mapped[int]
    depth: Mapped[int] = mapped_column(default=0)
    slug: Mapped[str] = mapped_column(String(255), unique=True)
    identifier: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(1024))
    level_of_description: Mapped[str] = mapped_column(String(64), default="fonds")  # models.vocabulary level_key
    dates: Mapped[str | None] = mapped_column(String(255))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    extent_and_medium: Mapped[str | None] = mapped_column(Text)
    scope_and_content: Mapped[str | None] = mapped_column(Text)
    arrangement: Mapped[str | None] = mapped_column(Text)
    publication_status: Mapped[PublicationStatus] = mapped_column(
        Enum(PublicationStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=PublicationStatus.DRAFT,
    )
    # Whether the description has a digital object (AtoM's "only those with digital objects").
    has_digital_object: Mapped[bool] = mapped_column(default=False, server_default=false())
    digital_object_path: Mapped[str | None] = mapped_column(Text)
    digital_object_uri: Mapped[str | None] = mapped_column(Text)
    repository_id: Mapped[int | None] = mapped_column(ForeignKey("repositories.id", ondelete="SET NULL"), index=True)
    # ISAD(G) 3.1 identity (with AtoM's accession number and RAD's parallel title)
    accession_number: Mapped[str | None] = mapped_column(String(255))
    alternate_title: Mapped[str | None] = mapped_column(Text)
    # 3.2 context (creators are events; see models.authority)
    archival_history: Mapped[str | None] = mapped_column(Text)
    acquisition: Mapped[str | None] = mapped_column(Text)
    # 3.3 content and structure
    appraisal: Mapped[str | None] = mapped_column(Text)
    accruals: Mapped[str | None] = mapped_column(Text)
    # 3.4 conditions of access and use (languages and scripts: ISO 639 / ISO 15924 codes)
    access_conditions: Mapped[str | None] = mapped_column(Text)
    reproduction_conditions: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    scripts: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    language_note: Mapped[str | None] = mapped_column(Text)
    physical_characteristics: Mapped[str | None] = mapped_column(Text)
    finding_aids: Mapped[str | None] = mapped_column(Text)
    # 3.5 allied materials (publication notes are notes)
    location_of_originals: Mapped[str | None] = mapped_column(Text)
    location_of_copies: Mapped[str | None] = mapped_column(Text)
    related_units_of_description: Mapped[str | None] = mapped_column(Text)
    # 3.7 description control (archivist's notes are notes)
    description_identifier: Mapped[str | None] = mapped_column(String(255))
    institution_identifier: Mapped[str | None] = mapped_column(String(255))
    rules: Mapped[str | None] = mapped_column(Text)
    description_status: Mapped[str | None] = mapped_column(String(64))
    level_of_detail: Mapped[str | None] = mapped_column(String(64))
    revision_history: Mapped[str | None] = mapped_column(Text)
    description_languages: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    description_scripts: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    sources: Mapped[str | None] = mapped_column(Text)
    # The language the record is written in (AtoM's "culture"); AtoM CSV columns with no field of
    # their own here (RAD's rad* columns, copyright columns ...), by column name: kept, exported back.
    culture: Mapped[str | None] = mapped_column(String(16))
    other_fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def digital_object_link(self) -> str | None:
        """The digital object URI if it may be a link: http(s) only. Anything else (an imported
        ``javascript:`` or ``data:`` URI) is shown as text, never followed."""
        uri = (self.digital_object_uri or "").strip()
        return uri if uri.lower().startswith(("http://", "https://")) else None

    @property
    def descendant_count(self) -> int:
        return (self.rgt - self.lft - 1) // 2

    def subtree(self):
        """Select this record and all its descendants in tree order (one range scan)."""
        cls = type(self)
        return select(cls).where(cls.lft.between(self.lft, self.rgt)).order_by(cls.lft)

    def children(self) -> list[ArchivalDescription]:
        cls = type(self)
        return list(db.session.scalars(select(cls).where(cls.parent_id == self.id).order_by(cls.lft)))

    def ancestors(self) -> list[ArchivalDescription]:
        cls = type(self)
        query = select(cls).where(cls.lft < self.lft, cls.rgt > self.rgt).order_by(cls.lft)
        return list(db.session.scalars(query))

    @classmethod
    def lock_row(cls, description_id: int) -> None:
        """Hold the record's write lock until this transaction ends: an UPDATE that changes
        nothing, not even updated_at (SQLite: the database's write lock)."""
        db.session.execute(update(cls).where(cls.id == description_id).values(updated_at=cls.updated_at))

    @classmethod
    def highest_id_ever(cls) -> int:
        """The highest id there is or ever was, for inserts that choose their ids (imports, demo
        data): ids an Undo deleted are named by the ledger and must not come back for other
        records (SQLite: AUTOINCREMENT's sequence; PostgreSQL: the id sequence's last value)."""
        highest = db.session.scalar(select(func.max(cls.id))) or 0
        if db.engine.dialect.name == "postgresql":
            query = "SELECT pg_sequence_last_value(pg_get_serial_sequence(:table, 'id')::regclass)"
        else:
            query = "SELECT seq FROM sqlite_sequence WHERE name = :table"
        ever = db.session.scalar(text(query), {"table": cls.__tablename__})
        return max(highest, ever or 0)

    @classmethod
    def by_slug(cls, slug: str) -> ArchivalDescription | None:
        return db.session.scalar(select(cls).where(cls.slug == slug))

    @classmethod
    def by_slugs(cls, slugs: Iterable[str]) -> dict[str, ArchivalDescription]:
        """{slug: description} of those that exist."""
        queries = (select(cls).where(cls.slug.in_(batch)) for batch in _slug_batches(slugs))
        return {d.slug: d for query in queries for d in db.session.scalars(query)}

    @classmethod
    def places_of(cls, slugs: Iterable[str]) -> dict[str, Row]:
        """{slug: (slug, id, lft, rgt)} of those that exist: where they are in the tree, without
        loading tens of thousands of records to learn it."""
        columns = select(cls.slug, cls.id, cls.lft, cls.rgt)
        queries = (columns.where(cls.slug.in_(batch)) for batch in _slug_batches(slugs))
        return {row.slug: row for query in queries for row in db.session.execute(query)}

    @classmethod
    def titles_by_slug(cls, slugs: Iterable[str]) -> dict[str, str]:
        """{slug: title} of those that exist (in batches: an export may name 70,000)."""
        queries = (select(cls.slug, cls.title).where(cls.slug.in_(batch)) for batch in _slug_batches(slugs))
        return {slug: title for query in queries for slug, title in db.session.execute(query)}

    @classmethod
    def titles_of(cls, ids: Iterable[int]) -> dict[int, str]:
        """{id: title} of those descriptions that still exist."""
        return {
            record_id: title
            for record_id, title in db.session.execute(select(cls.id, cls.title).where(cls.id.in_(list(ids))))
        }

    @classmethod
    def top_level(cls):
        return select(cls).where(cls.parent_id.is_(None)).order_by(cls.lft)

    @classmethod
    def next_free_lft(cls) -> int:
        """Where a new top-level tree starts: after every existing tree."""
        return (db.session.scalar(select(func.max(cls.rgt))) or 0) + 1

    def __repr__(self) -> str:
        return f"<ArchivalDescription {self.slug}>"


def _slug_batches(slugs: Iterable[str]) -> Iterator[list[str]]:
    """The distinct slugs, SLUG_BATCH at a time: one IN naming tens of thousands would pass the
    database's limit on bind parameters (PostgreSQL: 65,535)."""
    wanted = list(dict.fromkeys(slugs))
    for start in range(0, len(wanted), SLUG_BATCH):
        yield wanted[start : start + SLUG_BATCH]


def slugify(text: str, max_length: int = 200) -> str:
    """ASCII, lower-case, dash-separated: readable in URLs and stable across databases."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "untitled"


def unique_slug(text: str) -> str:
    """A slug for ``text`` not yet used by any description (suffixes -2, -3, ... when taken)."""
    base = slugify(text)
    taken = set(
        db.session.scalars(
            select(ArchivalDescription.slug).where(
                (ArchivalDescription.slug == base) | ArchivalDescription.slug.like(f"{base}-%")
            )
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
