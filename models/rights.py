"""Rights statements (PREMIS-style, as in AtoM): what may be done with a description.

A statement belongs to one description and goes when it goes (ON DELETE CASCADE).
The "Inherit rights" job copies a record's statements to its descendants.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model, db
from models.base import NEVER_REUSED, utcnow


class _Labelled(enum.Enum):
    @property
    def label(self) -> str:
        """In the current language."""
        return str(RIGHTS_LABELS[self.value])

    @property
    def lazy_label(self):
        """Translated when shown: for form choices built at import time."""
        return RIGHTS_LABELS[self.value]


class RightsBasis(_Labelled):
    COPYRIGHT = "copyright"
    LICENSE = "license"
    STATUTE = "statute"
    POLICY = "policy"
    DONOR = "donor"


class RightsAct(_Labelled):
    DELETE = "delete"
    DISCOVER = "discover"
    DISPLAY = "display"
    DISSEMINATE = "disseminate"
    MIGRATE = "migrate"
    MODIFY = "modify"
    PUBLISH = "publish"
    REPLICATE = "replicate"


class RightsRestriction(_Labelled):
    ALLOW = "allow"
    DISALLOW = "disallow"
    CONDITIONAL = "conditional"


RIGHTS_LABELS = {
    # basis
    "copyright": _l("Copyright"),
    "license": _l("License"),
    "statute": _l("Statute"),
    "policy": _l("Policy"),
    "donor": _l("Donor"),
    # act
    "delete": _l("Delete"),
    "discover": _l("Discover"),
    "display": _l("Display"),
    "disseminate": _l("Disseminate"),
    "migrate": _l("Migrate"),
    "modify": _l("Modify"),
    "publish": _l("Publish"),
    "replicate": _l("Replicate"),
    # restriction
    "allow": _l("Allow"),
    "disallow": _l("Disallow"),
    "conditional": _l("Conditional"),
}


def _enum(cls: type[enum.Enum]) -> Enum:
    """Stored as its value in a VARCHAR: the same on SQLite and PostgreSQL, easy to copy in SQL."""
    return Enum(cls, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])


class RightsStatement(Model):
    __tablename__ = "rights_statements"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(primary_key=True)
    description_id: Mapped[int] = mapped_column(ForeignKey("archival_descriptions.id", ondelete="CASCADE"), index=True)
    basis: Mapped[RightsBasis] = mapped_column(_enum(RightsBasis))
    act: Mapped[RightsAct] = mapped_column(_enum(RightsAct))
    restriction: Mapped[RightsRestriction] = mapped_column(_enum(RightsRestriction))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # The columns that make two statements "the same" (combine mode skips such duplicates).
    CONTENT = ("basis", "act", "restriction", "start_date", "end_date", "note")

    @classmethod
    def of(cls, description_id: int) -> list[RightsStatement]:
        query = select(cls).where(cls.description_id == description_id).order_by(cls.id)
        return list(db.session.scalars(query))

    def __repr__(self) -> str:
        return f"<RightsStatement {self.basis.value} {self.act.value} {self.restriction.value}>"
